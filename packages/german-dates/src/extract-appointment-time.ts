import type { DateTime } from 'luxon';
import type { Slot } from './said-slots';
import { combine, merge, slotsSaid } from './said-slots';
import type { Language } from './time-expressions';
import { findTimes, resolveTime } from './time-expressions';

export interface AppointmentTime {
  /** YYYY-MM-DD in the branch's zone, or null when the call fixed no day */
  date: string | null;
  /** HH:MM in the branch's zone, or null when the call fixed no time */
  time: string | null;
}

export interface Turn {
  speaker: 'agent' | 'user';
  text: string;
}

const AGENT_CONFIRMS =
  /(?<![\p{L}])(also|gebucht|eingetragen|notiert|bestätig\p{L}*|reserviert|booked|confirmed|i've got you|so that's)(?![\p{L}])/iu;
const ACCEPTS =
  /(?<![\p{L}])(ja|gern|gerne|passt|okay|ok|einverstanden|nehme|genau|perfekt|super|yes|sure|fine|great|perfect|works)(?![\p{L}])/iu;
/** a date the caller gives when asked for their birthday is no wish */
const ASKS_BIRTH_DATE = /(?<![\p{L}])(geburtsdatum|geboren|date of birth|birthday|born)(?![\p{L}])/iu;
const PICK_FIRST = /(?<![\p{L}])(erste|ersten|first|früher\p{L}*|earlier)(?![\p{L}])/iu;
const PICK_LAST = /(?<![\p{L}])(zweite|zweiten|letzte|letzten|second|last|später\p{L}*|later)(?![\p{L}])/iu;

/** Retell's `Agent: …` / `User: …` transcript as turns. */
export function parseTranscript(transcript: string): Turn[] {
  const turns: Turn[] = [];
  for (const line of transcript.split(/\r?\n/)) {
    const m = /^\s*(agent|user)\s*:\s*(.*)$/i.exec(line);
    if (m) turns.push({ speaker: m[1]!.toLowerCase() as Turn['speaker'], text: m[2]! });
    else if (turns.length > 0 && line.trim()) turns[turns.length - 1]!.text += ` ${line.trim()}`;
  }
  return turns;
}

/**
 * The appointment the caller ended up agreeing on: the last wish counts (callers change their
 * mind), a refused day or time ("am 1. März geht leider nicht") does not, and an alternative the
 * agent offered counts once the caller takes it ("dann nehme ich halb sechs", "ja, gern").
 */
export function findAppointmentTime(input: {
  /** Retell's `Agent: …` / `User: …` transcript */
  transcript: string;
  /** a valid time on the day of the call, in the branch's zone: relative days count from its day */
  today: DateTime;
  /** the call's language; detected from the transcript when not given */
  language?: Language;
}): AppointmentTime {
  const today = input.today.startOf('day');
  const language = input.language ?? detectLanguage(input.transcript);
  const wish: Slot = {};
  let offers: Slot[] = [];
  let askedBirthDate = false;
  for (const turn of parseTranscript(input.transcript)) {
    if (turn.speaker === 'user' && askedBirthDate) {
      askedBirthDate = false;
      continue;
    }
    askedBirthDate = turn.speaker === 'agent' && ASKS_BIRTH_DATE.test(turn.text);
    const said = slotsSaid(turn.text, today, language);
    if (turn.speaker === 'agent') {
      if (AGENT_CONFIRMS.test(turn.text) && said.length > 0) merge(wish, combine(said.map((s) => s.slot)));
      offers = said.flatMap((s) => eachOffer(s.clause, s.slot, language));
      continue;
    }
    if (said.length > 0) merge(wish, combine(said.map((s) => s.slot)));
    else if (offers.length > 0) {
      const pick = PICK_LAST.test(turn.text)
        ? offers.at(-1)
        : PICK_FIRST.test(turn.text) || (offers.length === 1 && ACCEPTS.test(turn.text))
          ? offers[0]
          : undefined;
      if (pick) merge(wish, pick);
    }
    offers = [];
  }
  return { date: wish.date?.date ?? null, time: wish.time ? resolveTime(wish.time) : null };
}

/** "16 Uhr oder 17:30 Uhr": each time the agent names is an offer of its own, on the clause's day */
function eachOffer(clause: string, slot: Slot, language: Language): Slot[] {
  const times = findTimes(clause, language);
  if (times.length <= 1) return [slot];
  return times.map((t) => ({ ...(slot.date ? { date: slot.date } : {}), time: t.value }));
}

const GERMAN = /(?<![\p{L}])(ich|und|der|die|das|um|am|bitte|morgen|uhr|nicht|ja|gerne?|termin|guten)(?![\p{L}])/giu;
const ENGLISH = /(?<![\p{L}])(i|and|the|at|please|tomorrow|yes|appointment|could|would|you)(?![\p{L}])/giu;

/** German or English, by the more frequent common words (a German call is the default). */
export function detectLanguage(transcript: string): Language {
  const count = (pattern: RegExp) => transcript.match(pattern)?.length ?? 0;
  return count(ENGLISH) > count(GERMAN) ? 'en' : 'de';
}
