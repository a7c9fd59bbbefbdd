/**
 * Numbers as callers say them, in German and English: cardinals ("vierzehn", "einundzwanzig",
 * "twenty-one") and day ordinals ("fünfzehnten", "dritten", "twentieth", "3rd").
 */
const DE_UNITS = ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun'];
const DE_TEENS = [
  'zehn',
  'elf',
  'zwölf',
  'dreizehn',
  'vierzehn',
  'fünfzehn',
  'sechzehn',
  'siebzehn',
  'achtzehn',
  'neunzehn',
];
const DE_TENS: Record<number, string> = { 20: 'zwanzig', 30: 'dreißig', 40: 'vierzig', 50: 'fünfzig' };
const EN_UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const EN_TEENS = [
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const EN_TENS: Record<number, string> = { 20: 'twenty', 30: 'thirty', 40: 'forty', 50: 'fifty' };
const EN_ORDINAL_UNITS = ['', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];
const EN_ORDINAL_TEENS = [
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
];

function buildCardinals(): Map<string, number> {
  const words = new Map<string, number>([['ein', 1]]);
  DE_UNITS.forEach((w, i) => words.set(w, i));
  DE_TEENS.forEach((w, i) => words.set(w, 10 + i));
  EN_UNITS.forEach((w, i) => words.set(w, i));
  EN_TEENS.forEach((w, i) => words.set(w, 10 + i));
  for (const tens of [20, 30, 40, 50]) {
    words.set(DE_TENS[tens]!, tens);
    words.set(EN_TENS[tens]!, tens);
    for (let unit = 1; unit <= 9; unit++) {
      words.set(`${unit === 1 ? 'ein' : DE_UNITS[unit]}und${DE_TENS[tens]}`, tens + unit);
      words.set(`${EN_TENS[tens]}-${EN_UNITS[unit]}`, tens + unit);
      words.set(`${EN_TENS[tens]} ${EN_UNITS[unit]}`, tens + unit);
    }
  }
  return words;
}

/** German ordinal stem of n: "ers", "zwei", "drit", "sieb", "zwanzigs", "einunddreißigs" (+ "ten"/"te"/"ter"). */
function germanOrdinalStem(n: number): string {
  const special: Record<number, string> = { 1: 'ers', 3: 'drit', 7: 'sieb', 8: 'ach' };
  if (special[n]) return special[n]!;
  if (n < 20) return n < 10 ? DE_UNITS[n]! : DE_TEENS[n - 10]!;
  const tens = Math.floor(n / 10) * 10;
  const unit = n % 10;
  const word = unit === 0 ? DE_TENS[tens]! : `${unit === 1 ? 'ein' : DE_UNITS[unit]}und${DE_TENS[tens]}`;
  return `${word}s`;
}

function buildOrdinals(): Map<string, number> {
  const words = new Map<string, number>();
  for (let n = 1; n <= 31; n++) {
    const stem = germanOrdinalStem(n);
    for (const ending of ['te', 'ten', 'ter', 'tes', 'tem']) words.set(`${stem}${ending}`, n);
    if (n === 7) for (const ending of ['te', 'ten', 'ter']) words.set(`siebente${ending.slice(2)}`, n);
    const en =
      n < 10
        ? EN_ORDINAL_UNITS[n]!
        : n < 20
          ? EN_ORDINAL_TEENS[n - 10]!
          : n % 10 === 0
            ? `${EN_TENS[n]!.slice(0, -1)}ieth`
            : `${EN_TENS[Math.floor(n / 10) * 10]}-${EN_ORDINAL_UNITS[n % 10]}`;
    words.set(en, n);
    words.set(en.replace('-', ' '), n);
  }
  return words;
}

export const CARDINALS = buildCardinals();
export const ORDINALS = buildOrdinals();

const byLengthDesc = (words: Iterable<string>) => [...words].sort((a, b) => b.length - a.length).join('|');
/** regex source matching a cardinal: digits or a number word */
export const CARDINAL = `(?:\\d{1,2}|${byLengthDesc(CARDINALS.keys())})`;
/** regex source matching a day ordinal: "15.", "15th", "fünfzehnten", "fifteenth" */
export const ORDINAL = `(?:\\d{1,2}(?:\\.|st|nd|rd|th)|${byLengthDesc(ORDINALS.keys())})`;

/** The value of a cardinal or ordinal as matched by CARDINAL / ORDINAL; undefined if it is neither. */
export function numberValue(text: string): number | undefined {
  const word = text.trim().toLowerCase();
  const digits = /^(\d{1,4})(?:\.|st|nd|rd|th)?$/.exec(word);
  if (digits) return Number(digits[1]);
  return CARDINALS.get(word) ?? ORDINALS.get(word);
}
