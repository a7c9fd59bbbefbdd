import type { BookingClaim } from '@rb/contracts';
import { DateTime } from 'luxon';

/** An item of Retell's `transcript_with_tool_calls` (any role; unknown roles are passed over). */
export interface TranscriptItem {
  role: string;
  [key: string]: unknown;
}

type Kind = BookingClaim['kind'];

/** the booking tools, by what their answer in progress claims */
const KIND_OF_TOOL: Readonly<Record<string, Kind>> = {
  book_appointment: 'booked',
  reschedule_appointment: 'rescheduled',
  cancel_appointment: 'cancelled',
};

/**
 * What a booking tool's answer told the agent: `confirmed` and `pending` (the business still
 * confirms) are a booking made. `in_bearbeitung` (booking did not answer within ingress's
 * deadline; the command still runs) claims what the tool was asked to do: the agent says it is
 * being done.
 */
const KIND_OF_STATUS: Readonly<Record<string, Kind>> = {
  confirmed: 'booked',
  pending: 'booked',
  rescheduled: 'rescheduled',
  cancelled: 'cancelled',
};

/** slot_<UTC yyyymmddHHMM>_<event type>_<tag>: the start only (the tag is ingress's to check) */
const SLOT_ID = /^slot_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})_\d+_[0-9a-f]+$/;

/**
 * The claims in the booking tools' answers: a `tool_call_result` whose invocation (same
 * `tool_call_id`) was book/reschedule/cancel_appointment and whose content is JSON with `ok: true`
 * and a known status. The start is the answer's `beginn`; an answer still in progress has none,
 * so the start is the invoked slot id's.
 */
export function toolResultClaim(
  result: TranscriptItem,
  invocations: ReadonlyMap<string, TranscriptItem>,
  language: BookingClaim['language'],
): BookingClaim | undefined {
  const id = typeof result.tool_call_id === 'string' ? result.tool_call_id : undefined;
  const invocation = id ? invocations.get(id) : undefined;
  const toolKind = invocation ? own(KIND_OF_TOOL, invocation.name) : undefined;
  if (!id || !invocation || !toolKind) return undefined;
  const answer = jsonObject(result.content);
  const status = answer?.ok === true && typeof answer.status === 'string' ? answer.status : undefined;
  const kind = status === 'in_bearbeitung' ? toolKind : own(KIND_OF_STATUS, status);
  if (!answer || !kind) return undefined;
  const args = jsonObject(invocation.arguments) ?? {};
  const bookingId = shortString(answer.booking_id) ?? bookingIdSaid(args.booking_id);
  const start = minuteOf(answer.beginn) ?? slotStart(args.slot_id ?? args.neuer_slot_id);
  const serviceName = typeof answer.dienstleistung === 'string' ? answer.dienstleistung.trim().slice(0, 200) : '';
  return {
    source: 'tool_result',
    kind,
    ...(bookingId ? { bookingId } : {}),
    ...(start ? { start: { utc: start, precision: 'minute' as const } } : {}),
    ...(serviceName ? { serviceName } : {}),
    language,
    at: id.slice(0, 128),
  };
}

/** A table's own entry (never an Object.prototype member a tool or answer happens to name) */
const own = <T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined =>
  typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;

function jsonObject(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const shortString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() && value.length <= 32 ? value.trim() : undefined;

/** The booking id the LLM passed, as booking writes it ("bk 7q2m9xk4" → "bk_7Q2M9XK4"); none when it is no id. */
function bookingIdSaid(value: unknown): string | undefined {
  const m = typeof value === 'string' ? /^\s*bk[\s_-]?([0-9a-z]{8})\s*$/i.exec(value) : null;
  return m ? `bk_${m[1]!.toUpperCase()}` : undefined;
}

/** An ISO time with its offset, as UTC to the minute. */
function minuteOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const at = DateTime.fromISO(value, { setZone: true });
  return at.isValid ? utcMinute(at) : undefined;
}

function slotStart(value: unknown): string | undefined {
  const m = typeof value === 'string' ? SLOT_ID.exec(value.trim()) : null;
  if (!m) return undefined;
  const at = DateTime.fromISO(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`, { zone: 'utc' });
  return at.isValid ? utcMinute(at) : undefined;
}

export const utcMinute = (at: DateTime): string => at.toUTC().startOf('minute').toISO({ suppressMilliseconds: true })!;
