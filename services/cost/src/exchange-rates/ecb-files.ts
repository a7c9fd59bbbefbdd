import { Exact } from '../money/exact';

/** One publication day: units of each currency per 1 EUR, exact as the ECB wrote them. */
export interface RateDay {
  date: string;
  rates: Map<string, Exact>;
}

export type ParsedRates = { kind: 'parsed'; days: RateDay[] } | { kind: 'invalid'; problems: string[] };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const RATE = /^\d+(\.\d+)?$/;

/**
 * The ECB's daily, 90-day or history XML (`<Cube time='…'>` holding `<Cube currency='…' rate='…'/>`),
 * read with patterns rather than an XML parser: the format is fixed and the file is small. Every
 * problem is named with its day; nothing half-read is returned.
 */
export function parseEcbXml(xml: string): ParsedRates {
  const problems: string[] = [];
  const days: RateDay[] = [];
  const dayBlocks = [...xml.matchAll(/<Cube\s+time=['"]([^'"]*)['"]\s*>/g)];
  for (const [i, start] of dayBlocks.entries()) {
    const date = start[1] ?? '';
    // a day's rates are what stands between its opening tag and the next day's
    const body = xml.slice(start.index + start[0].length, dayBlocks[i + 1]?.index ?? xml.length);
    if (!DATE.test(date)) {
      problems.push(`a day's time is not a date: ${JSON.stringify(date.slice(0, 20))}`);
      continue;
    }
    const rates = new Map<string, Exact>();
    for (const [, currency = '', rate = ''] of body.matchAll(
      /<Cube\s+currency=['"]([^'"]*)['"]\s+rate=['"]([^'"]*)['"]\s*\/>/g,
    )) {
      if (!CURRENCY.test(currency) || !RATE.test(rate) || Number(rate) === 0) {
        problems.push(`${date}: ${JSON.stringify(currency.slice(0, 8))} has no usable rate`);
        continue;
      }
      rates.set(currency, Exact.parse(rate));
    }
    if (rates.size === 0) problems.push(`${date}: no rates`);
    days.push({ date, rates });
  }
  if (dayBlocks.length === 0) problems.push('no <Cube time="…"> day in the file: is it the ECB reference rates XML?');
  return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'parsed', days };
}

/**
 * The history CSV (`eurofxref-hist.csv`): `Date,USD,JPY,…` then a row per day, `N/A` where a
 * currency had no rate, a trailing comma on each line.
 */
export function parseEcbHistoryCsv(csv: string): ParsedRates {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim());
  if (header[0] !== 'Date') return { kind: 'invalid', problems: ['the first line is not the header "Date,USD,…"'] };
  const currencies = header.slice(1);
  const problems: string[] = [];
  currencies.forEach((c, i) => {
    if (c !== '' && !CURRENCY.test(c))
      problems.push(`column ${i + 2}: ${JSON.stringify(c.slice(0, 8))} is not a currency`);
  });
  const days: RateDay[] = [];
  lines.slice(1).forEach((line, index) => {
    const cells = line.split(',').map((cell) => cell.trim());
    const date = cells[0] ?? '';
    if (!DATE.test(date)) return problems.push(`line ${index + 2}: ${JSON.stringify(date.slice(0, 20))} is not a date`);
    const rates = new Map<string, Exact>();
    currencies.forEach((currency, i) => {
      const cell = cells[i + 1] ?? '';
      if (currency === '' || cell === '' || cell === 'N/A') return;
      if (!RATE.test(cell) || Number(cell) === 0) problems.push(`line ${index + 2}, ${currency}: not a rate`);
      else rates.set(currency, Exact.parse(cell));
    });
    days.push({ date, rates });
  });
  if (days.length === 0) problems.push('no day in the file');
  return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'parsed', days };
}
