import { decideBookingIntent } from './decide-booking-intent';
import { extractName } from './extract-name';
import { matchService } from './match-service';
import { parseTranscript } from '@rb/german-dates';
import type { BusinessRoute } from './wish-inputs';

const ids = {
  company: '00000000-0000-4000-8000-000000000001',
  branch: '00000000-0000-4000-8000-000000000002',
  phone: '00000000-0000-4000-8000-000000000003',
};
const cut = {
  id: '00000000-0000-4000-8000-00000000000a',
  slug: 'damenhaarschnitt',
  name: 'Damenhaarschnitt',
  synonyms: ['Haare schneiden', 'Schneiden und Föhnen'],
  calcomEventTypeId: 1201,
  durationMinutes: 45,
};
const colour = {
  id: '00000000-0000-4000-8000-00000000000b',
  slug: 'faerben',
  name: 'Färben',
  synonyms: ['Strähnchen', 'Tönung'],
  calcomEventTypeId: 1202,
  durationMinutes: 90,
};
const route: BusinessRoute = {
  attribution: { companyId: ids.company, branchId: ids.branch, phoneNumberId: ids.phone },
  timeZone: 'Europe/Berlin',
  services: [cut, colour],
  defaultServiceId: cut.id,
  staff: [
    {
      id: '00000000-0000-4000-8000-0000000000c1',
      name: 'Jana Berg',
      calcomUserId: 501,
      serviceIds: [cut.id, colour.id],
    },
  ],
  analysisFields: {},
};
const call = (transcript: string, custom: Record<string, unknown> = {}) => ({
  direction: 'inbound' as const,
  fromNumber: '+4917612345678',
  toNumber: '+4922198765430',
  startedAt: '2026-10-13T08:00:00.000Z', // Tuesday, 10:00 in Berlin
  transcript,
  analysis: { summary: 'Zusammenfassung', successful: true, sentiment: 'Positive', inVoicemail: false, custom },
});
const decide = (transcript: string, custom?: Record<string, unknown>) =>
  decideBookingIntent({ callId: 'call_1', call: call(transcript, custom), route, customerId: null });

describe('deciding what an analysed call asks for', () => {
  it('when the agent already booked during the call, then no intent is emitted', () => {
    expect(decide('User: Freitag um 10.', { termin_gebucht: true })).toEqual({ kind: 'handled_during_call' });
  });

  it('when the agent moved the appointment during the call, then no new booking is asked for', () => {
    expect(
      decide('User: Donnerstag um halb acht.', { anliegen: 'termin_verschieben', termin_verschoben: true }),
    ).toEqual({
      kind: 'handled_during_call',
    });
  });

  it('when the analysis has the start, service and staff, then the intent carries them with high confidence', () => {
    const decision = decide('User: Hallo, Sabine Krüger hier.', {
      termin_beginn: '2026-10-16T14:30:00+02:00',
      dienstleistung: 'Strähnchen machen lassen',
      mitarbeiterin: 'Jana',
    });
    expect(decision).toMatchObject({
      kind: 'booking_intent',
      event: {
        idempotencyKey: 'call_1:booking-intent',
        service: { id: colour.id, calcomEventTypeId: 1202, durationMinutes: 90 },
        staffPreference: { name: 'Jana Berg', calcomUserId: 501 },
        requestedStart: { utc: '2026-10-16T12:30:00Z', local: '2026-10-16T14:30:00', timeZone: 'Europe/Berlin' },
        customer: { name: 'Sabine Krüger', phone: '+4917612345678' },
        source: 'analysis',
        confidence: { date: 0.95, time: 0.95 },
      },
    });
  });

  it('when there is no analysis field, then day, time and service come from the transcript, across the change to winter time', () => {
    const decision = decide(
      'Agent: Guten Tag!\nUser: Mein Name ist Eva Roth, ich möchte mir die Haare schneiden lassen, am 26. Oktober um halb zehn.',
    );
    expect(decision).toMatchObject({
      kind: 'booking_intent',
      event: {
        service: { id: cut.id },
        requestedStart: { utc: '2026-10-26T08:30:00Z', local: '2026-10-26T09:30:00' },
        customer: { name: 'Eva Roth' },
        source: 'transcript',
        staffPreference: null,
      },
    });
  });

  it('when the caller wanted an appointment but no day was settled, then a callback is needed', () => {
    expect(decide('User: Ich hätte gern einen Termin, ich weiß aber noch nicht wann.')).toMatchObject({
      kind: 'callback_needed',
      event: { reason: 'no_date', summary: 'Zusammenfassung' },
    });
  });

  it('when only the day was settled, then a callback for the time is needed', () => {
    expect(decide('User: Einen Termin am Freitag, egal wann.')).toMatchObject({
      kind: 'callback_needed',
      event: { reason: 'no_time' },
    });
  });

  it('when nobody asked for an appointment, then nothing is emitted', () => {
    expect(decide('User: Wie lange haben Sie heute geöffnet?')).toEqual({ kind: 'no_appointment' });
  });

  it('when the analysis has a date that is none, then it is not used; a day without a time asks for a callback', () => {
    expect(
      decide('User: Ich hätte gern einen Termin.', { termin_datum: '2026-02-30', termin_uhrzeit: '10:00' }),
    ).toMatchObject({
      kind: 'callback_needed',
      event: { reason: 'no_date' },
    });
    expect(decide('User: Einen Termin bitte.', { termin_datum: '2026-10-16', termin_uhrzeit: '25:00' })).toMatchObject({
      event: { reason: 'no_time' },
    });
    expect(decide('User: Einen Termin bitte.', { wunschtermin: '2026-10-16' })).toMatchObject({
      event: { reason: 'no_time' },
    });
  });

  it('when the caller asked to be called back, then that is the reason', () => {
    expect(decide('User: Rufen Sie mich zurück.', { rueckruf_gewuenscht: true })).toMatchObject({
      event: { reason: 'caller_asked' },
    });
  });
});

describe('matching the service', () => {
  it('when a synonym is said with a typo, then the service is found with less confidence', () => {
    expect(matchService(['ich will Strähnchn'], route.services, cut.id)).toMatchObject({
      service: { id: colour.id },
      how: 'fuzzy',
    });
  });
  it('when nothing matches, then the branch default comes with low confidence', () => {
    expect(matchService(['irgendwas'], route.services, cut.id)).toEqual({
      service: cut,
      confidence: 0.3,
      how: 'default',
    });
  });
});

describe('the caller name', () => {
  it.each([
    ['User: Hallo, Sabine Krüger hier.', 'Sabine Krüger'],
    ['User: Guten Tag, mein Name ist Hans Müller.', 'Hans Müller'],
    ['User: Ich heiße Anna Schmidt und hätte gern einen Termin.', 'Anna Schmidt'],
    ['Agent: Auf welchen Namen?\nUser: Müller, Hans Müller.', 'Hans Müller'],
    ['User: Hi, my name is John Smith.', 'John Smith'],
  ])('when the transcript is %j, then the name is %s', (transcript, name) => {
    expect(extractName(parseTranscript(transcript))?.name).toBe(name);
  });
  it('when no name is said, then there is none', () =>
    expect(extractName(parseTranscript('User: Morgen um zehn.'))).toBeUndefined());
});

describe("a company's own names for its agent's analysis fields", () => {
  const own = {
    ...route,
    analysisFields: { date: ['wunschtag'], time: ['wunschzeit'], name: ['anrufer'], handled: ['schon_eingetragen'] },
  };
  const decideFor = (r: BusinessRoute, custom: Record<string, unknown>) =>
    decideBookingIntent({
      callId: 'call_1',
      call: call('User: Ich hätte gern einen Termin.', custom),
      route: r,
      customerId: null,
    });
  const custom = { wunschtag: '2026-10-16', wunschzeit: '14:30', anrufer: 'Petra Lang', schon_eingetragen: false };

  it("when the analysis uses the company's names, then the wish and the name come from them", () => {
    const decision = decideFor(own, custom);
    expect(decision).toMatchObject({
      kind: 'booking_intent',
      event: {
        requestedStart: { local: '2026-10-16T14:30:00', timeZone: 'Europe/Berlin' },
        customer: { name: 'Petra Lang' },
      },
    });
  });

  it('when another company has not named them, then the same analysis gives no wish: the caller is called back', () => {
    expect(decideFor(route, custom)).toMatchObject({ kind: 'callback_needed' });
  });

  it("when the company's own 'handled' field is true, then the agent booked during the call", () => {
    expect(decideFor(own, { ...custom, schon_eingetragen: true })).toEqual({ kind: 'handled_during_call' });
  });

  it('when the company also fills a common name, then its own name wins', () => {
    const decision = decideFor(own, { ...custom, termin_datum: '2026-10-20' });
    expect(decision).toMatchObject({ event: { requestedStart: { local: '2026-10-16T14:30:00' } } });
  });
});
