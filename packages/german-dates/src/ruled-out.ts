/**
 * What a caller rules out is not their wish: "Morgen geht nicht, dafür übermorgen", "Mittwoch ist
 * schlecht, Donnerstag wäre besser", "not Monday, Tuesday works", "lieber Samstag statt Freitag".
 */

/** A day or time said in a text, by its span. */
export interface Mention {
  kind: 'date' | 'time';
  start: number;
  end: number;
}

const word = (alternatives: string) => new RegExp(`(?<![\\p{L}])(?:${alternatives})(?![\\p{L}])`, 'iu');

/** said with a day or time, these refuse it */
const REFUSAL = word(
  [
    'nicht|kein|keine|leider|belegt|ausgebucht|voll|vergeben|schlecht|ungünstig|schwierig|verhindert',
    "not|can't|cannot|won't|doesn't|isn't|taken|booked up|unfortunately|no good|no time|bad|busy|difficult",
  ].join('|'),
);
/** said with a day or time, these make it no wish: opening hours, a date of birth */
const NOT_A_WISH = word(
  'geöffnet|offen|öffnungszeit\\p{L}*|geboren|geburtsdatum|open|opening hours|closed?|born|date of birth',
);
/** "statt Freitag", "instead of Friday", "lieber Samstag als Freitag": the day passed over */
const PASSED_OVER =
  /(?<![\p{L}])(?:statt|anstatt|anstelle von|instead of|rather than|(?:lieber|besser|eher|rather|better)(?![\p{L}]).*(?<![\p{L}])(?:als|than))\s+(?:(?:am|dem|den|der|um|on|the|at)\s+)?$/iu;
/** what a bare day or time may come with and still wait for what is said about it ("Am Montag, …") */
const FILLER =
  /^(?:\s|[.,!?]|(?<![\p{L}])(?:am|an|den|dem|der|um|so|gegen|ca|circa|on|at|the|this|around|about)(?![\p{L}]))*$/iu;
/** a part that names the same day again ("Montag, den 18. Mai", "morgen, also Donnerstag") */
const APPOSITION =
  /^\s*(?:\d|(?:den|dem|also|that is|das ist)(?![\p{L}])|the\s+(?:\d|[\p{L}-]+(?:st|nd|rd|th)(?![\p{L}])))/iu;

const refuses = (text: string) => REFUSAL.test(text) || NOT_A_WISH.test(text);

/** True when the mention starting at `start` is the one passed over ("statt Freitag"). */
export function passedOver(text: string, start: number): boolean {
  return PASSED_OVER.test(text.slice(0, start));
}

interface Part {
  text: string;
  kinds: Set<Mention['kind']>;
  /** only days/times and filler: it still waits for what is said about it */
  bare: boolean;
}

/**
 * The clause without the parts a refusal covers. A refusal covers the comma-separated part it is
 * said in, a part without a day or time of its own that follows ("Freitag um zehn, das geht leider
 * nicht"), a bare day before it that waits for its predicate ("Donnerstag, um 7:30 ist leider
 * weg") and a repeated name of the same day ("Am Montag, den 18. Mai, geht nicht"); a part naming
 * another day or time is a new thought ("Morgen geht nicht, dafür übermorgen um halb fünf").
 */
export function withoutRuledOut(clause: string, mentionsIn: (text: string) => Mention[]): string {
  if (!refuses(clause)) return clause;
  const groups: Part[] = [];
  for (const text of clause.split(/,\s*/)) {
    const part = read(text, mentionsIn(text));
    const last = groups.at(-1);
    if (last && (part.kinds.size === 0 || joins(last, part))) {
      last.text += `, ${part.text}`;
      last.bare &&= part.bare;
      part.kinds.forEach((kind) => last.kinds.add(kind));
    } else groups.push(part);
  }
  return groups
    .filter((group) => !refuses(group.text))
    .map((group) => group.text)
    .join(', ');
}

function joins(group: Part, part: Part): boolean {
  if (group.kinds.size === 0) return false;
  if (APPOSITION.test(part.text) && (part.bare || group.bare)) return true;
  return group.bare && ![...part.kinds].some((kind) => group.kinds.has(kind));
}

function read(text: string, mentions: Mention[]): Part {
  let rest = text;
  for (const { start, end } of mentions) rest = rest.slice(0, start) + ' '.repeat(end - start) + rest.slice(end);
  return { text, kinds: new Set(mentions.map((m) => m.kind)), bare: mentions.length > 0 && FILLER.test(rest) };
}
