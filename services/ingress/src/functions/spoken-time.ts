import type { SpokenLanguage } from '../inbound/agent-variables';

/** The local wall clock of an instant in a zone, read once. */
interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: number;
  minute: string;
  second: string;
  /** +02:00 */
  offset: string;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: Date, timeZone: string): WallClock {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    clockFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: Number(parts.hour),
    minute: parts.minute!,
    second: parts.second!,
    offset,
  };
}

/** ISO 8601 in the zone's local time with its offset: 2026-12-08T14:30:00+01:00 (what the LLM may pass on). */
export function isoWithOffset(instant: Date, timeZone: string): string {
  const c = wallClock(instant, timeZone);
  return `${c.year}-${c.month}-${c.day}T${String(c.hour).padStart(2, '0')}:${c.minute}:${c.second}${c.offset}`;
}

const DAY_FORMAT = { de: 'de-DE', en: 'en-GB' } as const;

/**
 * A start as the agent says it, in the branch's zone: "Dienstag, 8. Dezember, um 14:30 Uhr" or
 * "Tuesday, 8 December, at 2:30 pm". The LLM reads this out instead of an ISO time.
 */
export function spokenStart(instant: Date, timeZone: string, language: SpokenLanguage): string {
  const parts = new Intl.DateTimeFormat(DAY_FORMAT[language], {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const { hour, minute } = wallClock(instant, timeZone);
  if (language === 'en')
    return `${part('weekday')}, ${part('day')} ${part('month')}, at ${hour % 12 || 12}:${minute} ${hour < 12 ? 'am' : 'pm'}`;
  return `${part('weekday')}, ${part('day')}. ${part('month')}, um ${hour}:${minute} Uhr`;
}

/** The day alone, for hints: "Dienstag, 8. Dezember" / "Tuesday, 8 December". */
export function spokenDay(day: string, language: SpokenLanguage): string {
  const noon = new Date(`${day}T12:00:00Z`);
  const parts = new Intl.DateTimeFormat(DAY_FORMAT[language], {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).formatToParts(noon);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return language === 'en'
    ? `${part('weekday')}, ${part('day')} ${part('month')} ${part('year')}`
    : `${part('weekday')}, ${part('day')}. ${part('month')} ${part('year')}`;
}
