import { CARDINAL, numberValue } from './number-words';

/** A clock time as said: `hour` 0–23 as heard; `clock12` when it was said on a 12-hour dial. */
export interface SpokenTime {
  hour: number;
  minute: number;
  clock12: boolean;
  /** a part of day said with the time ("nachmittags", "früh", "pm") */
  period?: 'am' | 'pm';
}

export interface Found<T> {
  value: T;
  start: number;
  end: number;
}

const B = '(?<![\\p{L}\\d])'; // word start (umlaut-aware)
const E = '(?![\\p{L}\\d])'; // word end
const N = `(${CARDINAL})`;
const MINUTES_WORD = '(fünf|zehn|zwanzig|viertel|five|ten|twenty|quarter|a quarter|\\d{1,2}(?: minuten| minutes)?)';

type Rule = [RegExp, (m: RegExpExecArray) => Omit<SpokenTime, 'period'> | undefined];
const rx = (source: string) => new RegExp(`${B}${source}${E}`, 'giu');
/** on a 12-hour dial the hour before one is twelve ("halb eins" = 12:30) */
const clock = (hour: number | undefined, minute: number, clock12 = true) =>
  hour === undefined || hour < 0 || hour > 24 || minute < 0 || minute > 59
    ? undefined
    : { hour: clock12 && hour === 0 ? 12 : hour % 24, minute, clock12: clock12 && hour <= 12 };
const minutesOf = (word: string): number | undefined =>
  /viertel|quarter/.test(word) ? 15 : numberValue(word.replace(/ (minuten|minutes)$/, ''));

/** Most specific first: a span taken by one rule is not looked at again. */
const RULES: Rule[] = [
  // "fünf nach halb vier" = 3:35, "zehn vor halb vier" = 3:20
  [
    rx(`${MINUTES_WORD} (nach|vor) halb ${N}`),
    (m) => {
      const h = numberValue(m[3]!);
      const offset = (minutesOf(m[1]!) ?? 0) * (m[2] === 'nach' ? 1 : -1);
      return h === undefined ? undefined : clock(h - 1, 30 + offset);
    },
  ],
  // "halb drei" = 2:30 (German: half before three)
  [
    rx(`halb ${N}`),
    (m) => {
      const h = numberValue(m[1]!);
      return h === undefined ? undefined : clock(h - 1, 30);
    },
  ],
  // "dreiviertel neun" = 8:45; "viertel elf" = 10:15 (as said in parts of Germany)
  [
    rx(`drei ?viertel ${N}`),
    (m) => {
      const h = numberValue(m[1]!);
      return h === undefined ? undefined : clock(h - 1, 45);
    },
  ],
  // "Viertel nach zehn", "zwanzig vor drei", "quarter past ten", "ten to four"
  [
    rx(`${MINUTES_WORD} (nach|vor|past|after|to|before) ${N}`),
    (m) => {
      const h = numberValue(m[3]!);
      const minutes = minutesOf(m[1]!);
      if (h === undefined || minutes === undefined) return undefined;
      return /nach|past|after/.test(m[2]!) ? clock(h, minutes) : clock(h - 1, 60 - minutes);
    },
  ],
  [
    rx(`viertel ${N}`),
    (m) => {
      const h = numberValue(m[1]!);
      return h === undefined ? undefined : clock(h - 1, 15);
    },
  ],
  [rx(`half past ${N}`), (m) => clock(numberValue(m[1]!), 30)],
  // "14:30", "9.30 Uhr", "um 9.30"
  [
    rx(`(?:(?:um|gegen|ab|at|by) )?(\\d{1,2}):(\\d{2})(?: ?(?:uhr|h))?`),
    (m) => clock(Number(m[1]), Number(m[2]), Number(m[1]) >= 1 && Number(m[1]) <= 12),
  ],
  [
    rx(`(?:(?:um|gegen|ab) (\\d{1,2})\\.(\\d{2})|(\\d{1,2})\\.(\\d{2}) ?uhr)`),
    (m) => {
      const [h, min] = m[1] ? [m[1], m[2]] : [m[3], m[4]];
      return clock(Number(h), Number(min), Number(h) >= 1 && Number(h) <= 12);
    },
  ],
  // "14 Uhr 30", "vierzehn Uhr dreißig", "15 Uhr", "um acht Uhr"
  [
    rx(`${N} uhr(?: ${N})?`),
    (m) => {
      const h = numberValue(m[1]!);
      const minute = m[2] ? numberValue(m[2]) : 0;
      return minute === undefined ? undefined : clock(h, minute);
    },
  ],
  // "three o'clock"; "3 pm" and "9 am" are English-only rules below
  [rx(`${N} ?o'clock`), (m) => clock(numberValue(m[1]!), 0)],
];

/** Last, once nothing more specific took the span. */
const BARE_RULES: Rule[] = [
  // "um acht", "gegen drei", "at three" (a bare number only after a word that makes it a time)
  [
    rx(`(?:um|gegen|ab|at|around) ${N}(?! (?:tage|tagen|wochen|days|weeks|minuten|minutes))`),
    (m) => clock(numberValue(m[1]!), 0),
  ],
  [
    rx(`(?:gegen |um |zur |at |around )?(?:mittag|mittags|mittagszeit|noon|midday)`),
    () => ({ hour: 12, minute: 0, clock12: false }),
  ],
];

/** English only: in a German call "am" is "on the" ("um drei am Freitag"), never a.m. */
const ENGLISH_RULES: Rule[] = [
  [rx(`${N}(?= ?(?:a\\.?m\\.?|p\\.?m\\.?)(?![\\p{L}]))`), (m) => clock(numberValue(m[1]!), 0)],
];
const PERIODS = {
  de: { pm: rx('(?:nachmittags?|abends?)'), am: rx('(?:früh|morgens|vormittags?)') },
  en: { pm: rx('(?:p\\.?m\\.?|in the (?:afternoon|evening)|tonight)'), am: rx('(?:a\\.?m\\.?|in the morning)') },
};
export type Language = keyof typeof PERIODS;
const RULES_OF: Record<Language, Rule[]> = {
  de: [...RULES, ...BARE_RULES],
  en: [...RULES, ...ENGLISH_RULES, ...BARE_RULES],
};

/** Every clock time said in the text, in order, with the part of day said in the same clause. */
export function findTimes(text: string, language: Language = 'de'): Found<SpokenTime>[] {
  const lower = text.toLowerCase();
  const taken: [number, number][] = [];
  const found: Found<SpokenTime>[] = [];
  for (const [regex, read] of RULES_OF[language]) {
    for (const m of lower.matchAll(regex)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      const value = read(m as RegExpExecArray);
      if (!value) continue;
      taken.push([start, end]);
      found.push({ value: { ...value, ...periodNear(lower, start, end, language) }, start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function periodNear(text: string, start: number, end: number, language: Language): Pick<SpokenTime, 'period'> {
  // the clause around the time: up to the next sentence or clause break on either side
  const from = Math.max(
    0,
    text.lastIndexOf('.', start - 1),
    text.lastIndexOf('?', start - 1),
    text.lastIndexOf(',', start - 1),
  );
  const stops = ['.', '?', '!', ','].map((c) => text.indexOf(c, end)).filter((i) => i >= 0);
  const clause = text.slice(from, stops.length ? Math.min(...stops) : text.length);
  if (language === 'en') {
    // "8 p.m." right after the time (its dots would end the clause below)
    const marker = /^ ?([ap])\.?m\.?(?![\p{L}])/iu.exec(text.slice(end));
    if (marker) return { period: marker[1] === 'p' ? 'pm' : 'am' };
  }
  const { pm, am } = PERIODS[language];
  if (new RegExp(pm.source, 'iu').test(clause)) return { period: 'pm' };
  if (new RegExp(am.source, 'iu').test(clause)) return { period: 'am' };
  return {};
}

/**
 * The time on the 24-hour clock: a 12-hour-dial hour takes the part of day that was said;
 * without one, 1–6 is the afternoon and 7–12 the morning (business hours).
 */
export function resolveTime(time: SpokenTime): string {
  let hour = time.hour;
  if (time.clock12) {
    if (time.period === 'pm' && hour < 12) hour += 12;
    else if (time.period === 'am' && hour === 12)
      hour = 0; // 12 a.m. is midnight
    else if (time.period === undefined && hour >= 1 && hour <= 6) hour += 12;
  }
  return `${String(hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}
