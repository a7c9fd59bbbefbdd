import type { BookingClaim } from '@rb/contracts';
import { understandWhen } from '@rb/german-dates';
import { DateTime } from 'luxon';
import { phraseScore } from '../caller-wish/text-match';
import { utcMinute } from './tool-result-claims';

type Kind = BookingClaim['kind'];
type Language = BookingClaim['language'];

/** A service of the branch, as the agent may name it. */
export interface NamedService {
  name: string;
  synonyms?: readonly string[];
}

const B = "(?<![\\p{L}\\d'’])";
const E = '(?![\\p{L}\\d])';

/** An auxiliary, then up to ten words, then the participle (German puts it at the end of the clause). */
interface Rule {
  kind: Kind;
  aux: RegExp;
  /** anchored where an auxiliary was found */
  claim: RegExp;
}
const rule = (kind: Kind, aux: string, participles: string): Rule => ({
  kind,
  aux: new RegExp(`${B}(?:${aux})${E}`, 'giu'),
  claim: new RegExp(`(?:${aux})(?:\\s+\\S+){0,10}?\\s+(?:${participles})${E}`, 'iuy'),
});

const DE_AUX = 'habe|hab|haben|ist|sind|wurde|wurden';
const DE: Rule[] = [
  rule('cancelled', DE_AUX, 'storniert|abgesagt|gelöscht|gecancelt'),
  rule('rescheduled', DE_AUX, 'verschoben|umgebucht|verlegt|umgelegt'),
  rule('booked', DE_AUX, 'eingetragen|gebucht|reserviert|bestätigt|vorgemerkt|notiert'),
];
const EN_AUX = "i've|i have|i|we've|we have|we|you're|you are|it's|it is|is|has been|have been|was|are";
const EN: Rule[] = [
  rule('cancelled', EN_AUX, 'cancell?ed'),
  rule('rescheduled', EN_AUX, 'moved|rescheduled'),
  rule('booked', EN_AUX, 'booked|scheduled|reserved|confirmed|put you down|got you down'),
];
const rx = (source: string) => new RegExp(source, 'iu');

/**
 * Not a claim that something was done: an offer or a plan ("soll ich…", "I'll book"), a passive
 * still going on ("wird eingetragen"), a negation ("noch nicht eingetragen", "haven't booked"),
 * a slot taken by someone else ("ist leider schon gebucht").
 */
const NOT_DONE = rx(
  `${B}(?:soll|sollen|möchten|wollen|werde|werden|wird|kann|könnte|nicht|nichts|nie|kein|keinen|leider|vergeben|belegt|` +
    `i'll|i will|we'll|we will|going to|shall|should|can|could|would|let me|not|no|nothing|never|unfortunately|taken)${E}|n['’]t${E}`,
);

/** Sentences: a period after a digit is an ordinal ("am 16. Oktober"), not an end. */
const sentencesOf = (text: string): string[] =>
  text
    .split(/(?<=[^\d][.!?]|[!?])\s+/u)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The claims in one agent turn: each sentence that says, in the perfect or past or as a state, that
 * a booking was made, moved or cancelled ("Ich habe Sie für Donnerstag um 11 Uhr eingetragen", "Ihr
 * Termin ist verschoben", "I've booked you in for Thursday at 11", "you're booked"). Questions,
 * offers and plans are none. The start is the day and time the sentence names, read from the
 * call's start in the branch's zone: to the minute with a clock time, the day without one.
 */
export function sentenceClaims(
  turn: string,
  at: string,
  context: { callStart: Date | undefined; timeZone: string; services: readonly NamedService[] },
): BookingClaim[] {
  const claims: BookingClaim[] = [];
  for (const sentence of sentencesOf(turn)) {
    if (sentence.endsWith('?')) continue;
    const found = kindOf(sentence);
    if (!found) continue;
    const start = context.callStart ? startSaid(sentence, context.callStart, context.timeZone) : undefined;
    const service = context.services.find((s) =>
      [s.name, ...(s.synonyms ?? [])].some((p) => phraseScore(p, sentence) === 1),
    );
    claims.push({
      source: 'agent_sentence',
      kind: found.kind,
      ...(start ? { start } : {}),
      ...(service ? { serviceName: service.name.slice(0, 200) } : {}),
      language: found.language,
      at,
    });
  }
  return claims;
}

/**
 * The first rule whose claim stands: from the auxiliary nearest the participle, its clause up to
 * the participle is no offer, plan or negation ("Donnerstag ist leider vergeben, ich habe Sie für
 * Freitag eingetragen" claims; "ich habe Sie noch nicht eingetragen" does not).
 */
function kindOf(sentence: string): { kind: Kind; language: Language } | undefined {
  for (const [language, rules] of [['de', DE] as const, ['en', EN] as const]) {
    for (const { kind, aux, claim } of rules) {
      const starts = [...sentence.matchAll(aux)].map((m) => m.index).reverse();
      for (const start of starts) {
        claim.lastIndex = start;
        const m = claim.exec(sentence);
        if (!m) continue;
        const clauseStart = Math.max(sentence.lastIndexOf(',', start), sentence.lastIndexOf(';', start)) + 1;
        if (!NOT_DONE.test(sentence.slice(clauseStart, start + m[0].length))) return { kind, language };
        break;
      }
    }
  }
  return undefined;
}

/** The one day (and time) a sentence names; none for a week, a range or nothing understood. */
function startSaid(sentence: string, now: Date, timeZone: string): BookingClaim['start'] {
  const when = understandWhen(sentence, { now, timeZone });
  if (when.kind !== 'understood') return undefined;
  const from = DateTime.fromISO(when.from, { zone: timeZone });
  const lastMoment = DateTime.fromISO(when.to, { zone: timeZone }).minus({ milliseconds: 1 });
  if (from.toISODate() !== lastMoment.toISODate()) return undefined;
  return when.exactTime
    ? { utc: utcMinute(from), precision: 'minute' }
    : { utc: utcMinute(from.startOf('day')), precision: 'day' };
}
