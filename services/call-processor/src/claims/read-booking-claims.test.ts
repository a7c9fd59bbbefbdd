import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingClaim } from '@rb/contracts';
import { BookingClaimSchema, StoredKnownRetellWebhookEventSchema } from '@rb/contracts';
import type { ClaimsCall } from './read-booking-claims';
import { languageOfCall, readBookingClaims } from './read-booking-claims';

const ZONE = 'Europe/Berlin';
/** every fixture call starts on Tuesday 2026-10-13 at 11:00 in Berlin */
const START = Date.parse('2026-10-13T09:00:00Z');

/** A fixture's call_analyzed `call`, read as the events topic stores it. */
function fixture(name: string): ClaimsCall {
  const body = JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.call_analyzed.json`), 'utf8'));
  return StoredKnownRetellWebhookEventSchema.parse(body).call;
}

function claimsOf(name: string): BookingClaim[] {
  const call = fixture(name);
  const claims = readBookingClaims(call, ZONE, languageOfCall(call));
  for (const claim of claims) BookingClaimSchema.parse(claim);
  return claims;
}

/** One agent turn in a call of its own. */
function said(text: string, services: { name: string; synonyms?: string[] }[] = []): BookingClaim[] {
  const call = { start_timestamp: START, transcript_with_tool_calls: [{ role: 'agent', content: text }] };
  return readBookingClaims(call, ZONE, languageOfCall(call), services);
}

const result = (id: string, content: string) => ({ role: 'tool_call_result', tool_call_id: id, content });
const invoke = (id: string, name: string, args: object = {}) => ({
  role: 'tool_call_invocation',
  tool_call_id: id,
  name,
  arguments: JSON.stringify(args),
});

describe('what the agent claimed about bookings during a call', () => {
  it('when a German call booked through the tool and the agent said so, then both the tool answer and the sentence are claims of that minute', () => {
    expect(claimsOf('de-booked-correct')).toEqual([
      {
        source: 'tool_result',
        kind: 'booked',
        bookingId: 'bk_7Q2M9XK4',
        start: { utc: '2026-10-15T09:00:00Z', precision: 'minute' },
        serviceName: 'Damenhaarschnitt',
        language: 'de',
        at: 'b7d2e4f6a8c01357',
      },
      {
        source: 'agent_sentence',
        kind: 'booked',
        start: { utc: '2026-10-15T09:00:00Z', precision: 'minute' },
        language: 'de',
        at: 'agent:10',
      },
    ]);
  });

  it('when the agent claims a booking it never made (no tool was called), then its sentence is the one claim', () => {
    expect(claimsOf('de-false-claim')).toEqual([
      {
        source: 'agent_sentence',
        kind: 'booked',
        start: { utc: '2026-10-15T09:00:00Z', precision: 'minute' },
        language: 'de',
        at: 'agent:3',
      },
    ]);
  });

  it('when an English agent booked 10 am but said 11, then the tool claim is 10 and the sentence claim 11', () => {
    const claims = claimsOf('en-other-time');
    expect(claims.map((c) => [c.source, c.kind, c.bookingId, c.start?.utc, c.language])).toEqual([
      ['tool_result', 'booked', 'bk_4TN8QW2R', '2026-10-15T08:00:00Z', 'en'],
      ['agent_sentence', 'booked', undefined, '2026-10-15T09:00:00Z', 'en'],
    ]);
  });

  it('when an English call only offers, plans and denies a booking, then it claims nothing', () => {
    expect(claimsOf('en-no-claims')).toEqual([]);
  });

  it('when a German call moves one booking and cancels another, then the tools name each booking and the sentences the new minute and the cancelled day', () => {
    expect(claimsOf('de-reschedule-cancel')).toEqual([
      expect.objectContaining({
        source: 'tool_result',
        kind: 'rescheduled',
        bookingId: 'bk_3HV8N2QD',
        start: { utc: '2026-10-16T14:00:00Z', precision: 'minute' },
      }),
      expect.objectContaining({
        source: 'agent_sentence',
        kind: 'rescheduled',
        start: { utc: '2026-10-16T14:00:00Z', precision: 'minute' },
      }),
      {
        source: 'tool_result',
        kind: 'cancelled',
        bookingId: 'bk_9KX2M4PT',
        start: { utc: '2026-10-19T07:00:00Z', precision: 'minute' },
        language: 'de',
        at: 'a7c9e1a3d5f70468',
      },
      expect.objectContaining({
        source: 'agent_sentence',
        kind: 'cancelled',
        start: { utc: '2026-10-18T22:00:00Z', precision: 'day' },
      }),
    ]);
  });

  it('when a booking is still in progress and a cancel was refused, then only the booking in progress is a claim, at its slot id start', () => {
    expect(claimsOf('de-in-progress-and-refused')).toEqual([
      {
        source: 'tool_result',
        kind: 'booked',
        start: { utc: '2026-10-20T07:00:00Z', precision: 'minute' },
        language: 'de',
        at: 'c9e1a3c5f7b90246',
      },
    ]);
  });

  it.each([
    ['Ihr Termin ist gebucht.', 'booked'],
    ['Ihr Termin am Freitag ist bestätigt.', 'booked'],
    ['Der Termin ist verschoben.', 'rescheduled'],
    ['Ich habe Ihren Termin abgesagt.', 'cancelled'],
    ['Donnerstag ist leider vergeben, ich habe Sie für Freitag eingetragen.', 'booked'],
    ["You're booked.", 'booked'],
    ['Your appointment is confirmed.', 'booked'],
    ["I've moved your appointment to Friday.", 'rescheduled'],
    ["I've cancelled your appointment.", 'cancelled'],
  ])('when the agent says "%s", then it claims %s', (sentence, kind) => {
    expect(said(sentence).map((c) => c.kind)).toEqual([kind]);
  });

  it.each([
    'Ich trage Sie ein.',
    'Soll ich Sie für Donnerstag um 11 Uhr eintragen?',
    'Haben Sie schon gebucht?',
    'Ihr Termin wird gerade gebucht.',
    'Ich habe Sie noch nicht eingetragen.',
    'Der Termin um 11 ist leider schon gebucht.',
    "I'll book you in for Thursday at 11.",
    'Shall I book you in for Thursday?',
    'Is that booked?',
    "I haven't booked anything yet.",
    'I can get you booked for Thursday.',
  ])('when the agent says "%s", then it claims nothing', (sentence) => {
    expect(said(sentence)).toEqual([]);
  });

  it('when a sentence names a day without a time, then the claim is that local day; a week or no day gives no start', () => {
    expect(said('Ich habe Ihren Termin auf Mittwoch verschoben.')[0]?.start).toEqual({
      utc: '2026-10-13T22:00:00Z',
      precision: 'day',
    });
    expect(said('Ich habe Sie für nächste Woche eingetragen.')[0]?.start).toBeUndefined();
    expect(said('Ihr Termin ist gebucht.')[0]?.start).toBeUndefined();
  });

  it("when the sentence names one of the branch's services, then the claim carries its name", () => {
    const services = [
      { name: 'Damenhaarschnitt', synonyms: ['Schneiden'] },
      { name: 'Färben', synonyms: ['Farbe'] },
    ];
    expect(said('Ich habe Sie zum Färben am Freitag um 10 Uhr eingetragen.', services)[0]?.serviceName).toBe('Färben');
    expect(said('Ich habe Sie am Freitag um 10 Uhr eingetragen.', services)[0]?.serviceName).toBeUndefined();
  });

  it('when a tool answer is no JSON, is not ok, has an unknown status, or comes from another tool or without its invocation, then it is no claim', () => {
    const confirmed = JSON.stringify({ ok: true, status: 'confirmed', booking_id: 'bk_7Q2M9XK4' });
    const call = {
      start_timestamp: START,
      transcript_with_tool_calls: [
        invoke('t1', 'book_appointment'),
        result('t1', 'Termin gebucht'),
        invoke('t2', 'book_appointment'),
        result('t2', JSON.stringify({ ok: false, status: 'confirmed' })),
        invoke('t3', 'check_availability'),
        result('t3', confirmed),
        result('t4', confirmed),
        invoke('t5', 'book_appointment'),
        result('t5', JSON.stringify({ ok: true, status: 'constructor' })),
        invoke('t6', 'constructor'),
        result('t6', confirmed),
        { role: 'node_transition', former_node_id: 'a', new_node_id: 'b' },
      ],
    };
    expect(readBookingClaims(call, ZONE, 'de')).toEqual([]);
  });

  it('when a move or a cancel is still in progress, then it claims what the tool was asked: the booking passed, and the new slot id start', () => {
    const call = {
      start_timestamp: START,
      transcript_with_tool_calls: [
        invoke('r1', 'reschedule_appointment', {
          booking_id: 'bk 3hv8n2qd',
          neuer_slot_id: 'slot_202610161400_412_1a2b3c4d',
        }),
        result('r1', JSON.stringify({ ok: true, status: 'in_bearbeitung', hinweis_fuer_agent: '…' })),
        invoke('c1', 'cancel_appointment', { booking_id: 'bk_9KX2M4PT' }),
        result('c1', JSON.stringify({ ok: true, status: 'in_bearbeitung', hinweis_fuer_agent: '…' })),
      ],
    };
    expect(readBookingClaims(call, ZONE, 'de')).toEqual([
      {
        source: 'tool_result',
        kind: 'rescheduled',
        bookingId: 'bk_3HV8N2QD',
        start: { utc: '2026-10-16T14:00:00Z', precision: 'minute' },
        language: 'de',
        at: 'r1',
      },
      { source: 'tool_result', kind: 'cancelled', bookingId: 'bk_9KX2M4PT', language: 'de', at: 'c1' },
    ]);
  });

  it('when a call makes more claims than call.analysed.v1 carries, then the first 20 are kept', () => {
    const call = {
      start_timestamp: START,
      transcript_with_tool_calls: Array.from({ length: 25 }, () => ({
        role: 'agent',
        content: 'Ihr Termin ist gebucht.',
      })),
    };
    expect(readBookingClaims(call, ZONE, 'de')).toHaveLength(20);
  });
});
