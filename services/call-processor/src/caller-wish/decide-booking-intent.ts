import type { BookingIntentRequestedV1, CallbackNeededV1 } from '@rb/contracts';
import { parseTranscript } from '@rb/german-dates';
import { DateTime } from 'luxon';
import type { AnalysisField } from './analysis-fields';
import { analysisKeys, analysisValue } from './analysis-fields';
import { extractAppointmentTime } from './extract-appointment-time';
import { extractName } from './extract-name';
import { matchService } from './match-service';
import { normalise } from './text-match';
import type { BusinessRoute, CallerCall } from './wish-inputs';
import { callerNumberOf } from './wish-inputs';

/** What the call asks of the business; `kind` is the analysed call's outcome. */
export type IntentDecision =
  | { kind: 'booking_intent'; event: BookingIntentRequestedV1 }
  | { kind: 'callback_needed'; event: CallbackNeededV1 }
  | { kind: 'handled_during_call' | 'no_appointment' };

export interface IntentInput {
  callId: string;
  call: CallerCall;
  route: BusinessRoute;
  customerId: string | null;
}

const WANTS_APPOINTMENT = /(termin|appointment|buchen|book|vorbeikommen|come in|reservier)/iu;

/**
 * What an analysed call asks of the business: a booking intent when the day and time are known
 * (from the analysis first, else from the transcript), a callback when the caller wanted an
 * appointment but the call settled no day or time or they asked to be called back, nothing when
 * the agent already booked, moved or cancelled it during the call or nobody asked for an appointment. Pure.
 */
export function decideBookingIntent({ callId, call, route, customerId }: IntentInput): IntentDecision {
  const custom = call.analysis?.custom;
  // the company's own names for its agent's analysis fields first, then the common ones
  const field = (name: AnalysisField) => analysisValue(custom, name, route.analysisFields);
  if (analysisKeys('handled', route.analysisFields).some((key) => custom?.[key] === true))
    return { kind: 'handled_during_call' };
  const turns = parseTranscript(call.transcript ?? '');
  const userWords = turns
    .filter((t) => t.speaker === 'user')
    .map((t) => t.text)
    .join(' ');
  const name = stringValue(field('name'));
  const customer = {
    id: customerId,
    name: name ?? extractName(turns)?.name ?? null,
    phone: callerNumberOf(call),
  };
  const callback = (reason: CallbackNeededV1['reason']): IntentDecision => ({
    kind: 'callback_needed',
    event: {
      type: 'booking.callback-needed.v1',
      callId,
      attribution: route.attribution,
      reason,
      customer,
      summary: call.analysis?.summary ?? null,
    },
  });
  if (field('callback') === true) return callback('caller_asked');

  const wish = wishFromAnalysis(field, route.timeZone) ?? wishFromTranscript(call, route.timeZone);
  if (!wish.date) return WANTS_APPOINTMENT.test(userWords) ? callback('no_date') : { kind: 'no_appointment' };
  if (!wish.time) return callback('no_time');

  const service = matchService(
    [stringValue(field('service')) ?? '', userWords].filter(Boolean),
    route.services,
    route.defaultServiceId,
  );
  if (!service) return callback('no_service');
  const local = DateTime.fromISO(`${wish.date}T${wish.time}`, { zone: route.timeZone });
  if (!local.isValid) return callback('no_time');
  return {
    kind: 'booking_intent',
    event: {
      type: 'booking.intent-requested.v1',
      callId,
      idempotencyKey: `${callId}:booking-intent`,
      attribution: route.attribution,
      service: {
        id: service.service.id,
        name: service.service.name,
        calcomEventTypeId: service.service.calcomEventTypeId,
        durationMinutes: service.service.durationMinutes,
      },
      staffPreference: staffPreference(stringValue(field('staff')) ?? userWords, route, service.service.id),
      requestedStart: {
        utc: local.toUTC().toISO({ suppressMilliseconds: true })!,
        local: local.toISO({ includeOffset: false, suppressMilliseconds: true })!,
        timeZone: route.timeZone,
      },
      customer,
      confidence: {
        date: wish.confidence,
        time: wish.confidence,
        service: service.confidence,
        name: name ? 0.9 : customer.name ? 0.7 : 0,
      },
      source: wish.source,
    },
  };
}

interface Wish {
  date: string | null;
  time: string | null;
  confidence: number;
  source: 'analysis' | 'transcript';
}

function wishFromAnalysis(field: (name: AnalysisField) => unknown, zone: string): Wish | undefined {
  const start = stringValue(field('start'));
  const at = start ? DateTime.fromISO(start, { zone }).setZone(zone) : undefined;
  if (at?.isValid) {
    // "2026-10-16" alone is a day without a time, not midnight
    const hasTime = /T\d{2}:\d{2}/.test(start!);
    return { date: at.toISODate(), time: hasTime ? at.toFormat('HH:mm') : null, confidence: 0.95, source: 'analysis' };
  }
  const date = stringValue(field('date'));
  const time = stringValue(field('time'));
  // values that look like a date or time but are none ("2026-02-30", "25:00") are not used
  if (date && /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date).isValid) {
    const hhmm = time && /^\d{1,2}:\d{2}$/.test(time) ? time.padStart(5, '0') : undefined;
    return {
      date,
      time: hhmm && DateTime.fromFormat(hhmm, 'HH:mm').isValid ? hhmm : null,
      confidence: 0.9,
      source: 'analysis',
    };
  }
  return undefined;
}

function wishFromTranscript(call: CallerCall, zone: string): Wish {
  const found =
    call.startedAt && call.transcript
      ? extractAppointmentTime({ transcript: call.transcript, callStartedAt: call.startedAt, timeZone: zone })
      : { date: null, time: null };
  return { ...found, confidence: 0.75, source: 'transcript' };
}

/** A staff member named in the analysis or by the caller ("zu Jana", "bei Herrn Brandt") who does the service. */
function staffPreference(
  said: string,
  route: BusinessRoute,
  serviceId: string,
): BookingIntentRequestedV1['staffPreference'] {
  const text = ` ${normalise(said)} `;
  const member = route.staff.find(
    (s) =>
      s.serviceIds.includes(serviceId) &&
      normalise(s.name)
        .split(' ')
        .some((part) => part.length >= 3 && text.includes(` ${part} `)),
  );
  return member ? { id: member.id, name: member.name, calcomUserId: member.calcomUserId } : null;
}

const stringValue = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : undefined;
