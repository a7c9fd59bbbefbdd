import { word } from './day-parts';

/**
 * "so bald wie möglich", "nächster freier Termin", "egal wann", "as soon as possible": the caller
 * names no time but asks for the earliest free one, in German or English (umlauts written out too).
 */
const NEXT_FREE = word(
  [
    'so ?bald (?:wie|als) (?:möglich|moeglich)',
    'schnellstmöglich|schnellstmoeglich|frühestmöglich|fruehestmoeglich',
    'n(?:ä|ae)chste[rn]? freie[rn]?',
    'egal wann|wann immer',
    'asap|as soon as possible|next (?:available|free)|any ?time|whenever',
  ].join('|'),
);

/** True when the words ask for the earliest free time instead of naming one. Pure. */
export function asksForNextFree(text: string): boolean {
  return NEXT_FREE.test(text.replace(/\s+/g, ' '));
}
