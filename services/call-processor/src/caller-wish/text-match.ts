/** Lower case, umlauts and ß spelt out, punctuation gone: "Färben!" → "faerben". */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export const words = (text: string): string[] =>
  normalise(text)
    .split(' ')
    .filter((w) => w.length > 0);

/** Similarity of two words from 0 to 1 (1 − edit distance / longer length). */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return 1 - previous[b.length]! / longer;
}

/**
 * How well a phrase ("Haare schneiden") is found in a text: 1 when all its words are there, less
 * for near misses ("Haarschnit"); words of three letters or fewer must match exactly. A word of
 * the phrase may also be the prefix or stem of a word in the text ("schneiden" → "schneiden und").
 */
export function phraseScore(phrase: string, text: string): number {
  const target = words(phrase);
  const said = words(text);
  if (target.length === 0 || said.length === 0) return 0;
  const joined = said.join(' ');
  if (` ${joined} `.includes(` ${target.join(' ')} `)) return 1;
  let total = 0;
  for (const word of target) {
    let best = 0;
    for (const candidate of said) {
      const score =
        word.length <= 3
          ? Number(word === candidate)
          : candidate.startsWith(word) || (word.startsWith(candidate) && candidate.length >= 4)
            ? 0.9
            : similarity(word, candidate);
      best = Math.max(best, score);
    }
    total += best;
  }
  return total / target.length;
}
