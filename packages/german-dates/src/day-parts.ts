/** A part of the day as callers name it ("vormittags", "morgen früh", "nachmittags", "abends"). */
export type PartOfDay = 'morning' | 'afternoon' | 'evening';

/**
 * The hours looked at, local time in the branch's zone, from inclusive and to exclusive. Defaults
 * of a salon's or a practice's day, not the branch's opening hours (the free slots booking finds
 * narrow them to those): a morning 08–12, an afternoon 12–17, an evening 17–20, a whole day 08–20.
 */
export const HOURS: Record<PartOfDay | 'day', { from: number; to: number }> = {
  morning: { from: 8, to: 12 },
  afternoon: { from: 12, to: 17 },
  evening: { from: 17, to: 20 },
  day: { from: 8, to: 20 },
};

/** a regex matching any of the alternatives as whole words (umlaut-aware), case-insensitive */
export const word = (alternatives: string) => new RegExp(`(?<![\\p{L}])(?:${alternatives})(?![\\p{L}])`, 'iu');
const PART_WORDS: [PartOfDay, RegExp][] = [
  ['morning', word('früh|morgens|vormittags?|(?:in the )?morning')],
  ['afternoon', word('nachmittags?|(?:in the )?afternoon')],
  ['evening', word('abends?|(?:in the )?evening|tonight')],
];

/** The part of day said, when exactly one was ("nächsten Dienstag nachmittags"); none for "vormittags oder nachmittags". */
export function partOfDayIn(text: string): PartOfDay | undefined {
  const said = PART_WORDS.filter(([, words]) => words.test(text)).map(([part]) => part);
  return said.length === 1 ? said[0] : undefined;
}

const DAY_WORD = 'montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|übermorgen|morgen|heute';
const COMPOUND = new RegExp(`(?<![\\p{L}])(${DAY_WORD})(früh|vormittag|nachmittag|mittag|abend)`, 'giu');

/** "Freitagnachmittag", "Dienstagvormittag", "Montagabend": the day and the part of day as two words. */
export const splitCompounds = (text: string): string => text.replace(COMPOUND, '$1 $2');
