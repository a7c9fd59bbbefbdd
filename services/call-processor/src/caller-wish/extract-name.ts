import type { Turn } from '@rb/german-dates';

export interface NameMatch {
  name: string;
  confidence: number;
}

const NAME = "\\p{Lu}[\\p{L}'-]+(?: \\p{Lu}[\\p{L}'-]+){0,2}";
/**
 * A lead-in in any case, the name after it capitalised: each letter of the lead-in becomes a class
 * of both cases. (Not the `(?i:…)` modifier group: in a full test run V8 was seen to match it case-
 * sensitively, dropping "Mein Name ist Eva Roth" while "my name is John Smith" passed.)
 */
const anyCase = (alternatives: string): string =>
  alternatives.replace(/\p{L}/gu, (c) =>
    c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`,
  );
const GREETING = anyCase('hallo,? |guten tag,? |ja,? ');
const PATTERNS: [RegExp, number][] = [
  [
    new RegExp(
      `(?:${anyCase("mein name ist|mein name wäre|ich heiße|ich bin|my name is|this is|it's")}) (${NAME})`,
      'u',
    ),
    0.8,
  ],
  [new RegExp(`(?:^|[,.!?] *)(?:${GREETING})?(?:${anyCase('hier (?:ist|spricht) ')})(${NAME})`, 'u'), 0.75],
  [new RegExp(`(?:^|[,.!?] *)(?:${GREETING})?(${NAME}) hier\\b`, 'u'), 0.7],
];
const NOT_NAMES = new Set(['Hallo', 'Guten', 'Ja', 'Nein', 'Ich', 'Hier', 'Termin', 'Frau', 'Herr', 'Morgen', 'Heute']);
const ASKS_FOR_NAME = /(auf welchen namen|ihr name|wie heißen sie|what'?s your name|your name|name please)/iu;

/**
 * The caller's name from what they said: "Mein Name ist …", "Ich heiße …", "… hier", "Hier ist …",
 * or the answer to the agent asking for it ("Müller, Hans Müller."). The analysis's field, when the
 * agent has one, is taken before this.
 */
export function extractName(turns: Turn[]): NameMatch | undefined {
  let found: NameMatch | undefined;
  turns.forEach((turn, i) => {
    if (turn.speaker !== 'user') return;
    for (const [pattern, confidence] of PATTERNS) {
      const m = pattern.exec(turn.text);
      const name = m?.[1] && cleanName(m[1]);
      if (name) found = { name, confidence };
    }
    const previous = turns[i - 1];
    if (previous?.speaker === 'agent' && ASKS_FOR_NAME.test(previous.text)) {
      const answer = new RegExp(`(${NAME})[.!]?\\s*$`, 'u').exec(turn.text.trim());
      const name = answer?.[1] && cleanName(answer[1]);
      if (name) found = { name, confidence: 0.7 };
    }
  });
  return found;
}

function cleanName(raw: string): string | undefined {
  const parts = raw.split(' ').filter((p) => !NOT_NAMES.has(p));
  return parts.length > 0 && parts.join(' ').length >= 2 ? parts.join(' ') : undefined;
}
