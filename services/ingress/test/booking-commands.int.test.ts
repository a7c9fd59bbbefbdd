import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import type { BookingCommandAnsweredV1, BookingCommandV1, DirectoryEntityChangedV1 } from '@rb/contracts';
import {
  BookingCommandResultEventSchema,
  BookingCommandV1Schema,
  frameJson,
  registerValueSchema,
  toKafkaHeaders,
} from '@rb/contracts';
import { decodeContractMessage, toConsumed } from '@rb/kafka-runner/produce';
import { directorySender } from '../../../test/support/directory';
import { createTopic, messageCount, testKafka, testRegistryUrl, uniqueName } from '../../../test/support/kafka';
import { SlotIds } from '../src/functions/slot-id';
import { signRetellBody } from '../src/webhooks/verify-signature';
import { fixtureBytes, startTestIngress, TEST_API_KEY } from './support';

const DEADLINE_MS = 1_500;

/**
 * booking as a stand-in on the test's own command topics: reads each command (checked against its
 * contract), remembers it with its headers, and answers it on the results topic as booking does
 * (registry-framed, CloudEvents headers) — at once with `booked`, after `delayMs`, or not at all.
 */
async function startStandInBooking(topics: { commandsTopic: string; commandResultsTopic: string }) {
  const schemaId = await registerValueSchema(
    testRegistryUrl(),
    topics.commandResultsTopic,
    BookingCommandResultEventSchema,
  );
  const commands: { command: BookingCommandV1; key: string; headers: Record<string, string> }[] = [];
  const state = { delayMs: 0 };
  // answers still to send late: never after the stand-in stopped
  const late = new Set<NodeJS.Timeout>();
  const producer: Producer = testKafka().producer();
  await producer.connect();
  const consumer: Consumer = testKafka().consumer({ groupId: uniqueName('it.stand-in-booking'), maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.commandsTopic, fromBeginning: true });
  const answer = async (command: BookingCommandV1) => {
    const answered: BookingCommandAnsweredV1 = {
      type: 'booking.command-answered.v1',
      callId: command.callId,
      commandId: command.commandId,
      idempotencyKey: command.idempotencyKey,
      command: 'book',
      repeated: false,
      result: {
        kind: 'booked',
        appointment: {
          bookingId: 'bk_7Q2M9XK4',
          start:
            command.type === 'booking.book-requested.v1'
              ? command.start
              : command.type === 'booking.reschedule-requested.v1'
                ? command.newStart
                : { utc: '2026-10-16T12:30:00.000Z', local: '2026-10-16T14:30:00', timeZone: 'Europe/Berlin' },
          end: { utc: '2026-10-16T13:30:00.000Z', local: '2026-10-16T15:30:00', timeZone: 'Europe/Berlin' },
          serviceName: 'Damenhaarschnitt & Föhnen',
          status: 'accepted',
        },
      },
      answeredAt: new Date().toISOString(),
    };
    await producer.send({
      topic: topics.commandResultsTopic,
      messages: [
        {
          key: command.callId,
          value: frameJson(schemaId, Buffer.from(JSON.stringify(answered))),
          headers: toKafkaHeaders({
            id: `${command.commandId}:answered`,
            type: answered.type,
            source: '/retell-booking/booking',
            time: answered.answeredAt,
            subject: command.callId,
            correlationId: command.commandId,
          }),
        },
      ],
    });
  };
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const consumed = toConsumed(topics.commandsTopic, partition, message);
      const { value } = decodeContractMessage(consumed, BookingCommandV1Schema, 'command');
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      commands.push({ command: value, key: String(message.key), headers });
      if (state.delayMs === 0) await answer(value);
      else late.add(setTimeout(() => void answer(value), state.delayMs));
    },
  });
  return {
    commands,
    state,
    async stop() {
      for (const timer of late) clearTimeout(timer);
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/** Integration: the booking tools through the real ingress and broker, booking a stand-in on the command topics. */
describe('booking commands against real ingress, the broker and a stand-in booking', () => {
  const events = uniqueName('it.commands-events');
  const directoryTopic = uniqueName('it.commands-directory');
  const [companyId, branchId, serviceId, numberId, otherBranchId] = [
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
  ];
  const at = '2026-10-01T10:00:00Z';
  const base = { active: true, changedAt: at, version: 1 };
  const entities: DirectoryEntityChangedV1[] = [
    { entity: 'company', id: companyId, ...base, slug: 'haarmonie', name: 'Salon Haarmonie' },
    {
      entity: 'branch',
      id: branchId,
      ...base,
      companyId,
      slug: 'koeln-ehrenfeld',
      name: 'Köln Ehrenfeld',
      timeZone: 'Europe/Berlin',
      federalState: 'NW',
      workingDays: [1, 2, 3, 4, 5, 6],
      defaultServiceId: serviceId,
      serviceIds: [serviceId],
      language: 'de-DE',
    },
    {
      entity: 'service',
      id: serviceId,
      ...base,
      companyId,
      slug: 'damenhaarschnitt_foehnen',
      name: 'Damenhaarschnitt & Föhnen',
      synonyms: [],
      calcomEventTypeId: 3101,
      durationMinutes: 45,
      priceMinor: 4500,
      currency: 'EUR',
    },
    { entity: 'phone_number', id: numberId, ...base, companyId, branchId, number: '+4922198765430' },
  ];
  const slotIds = new SlotIds(TEST_API_KEY);
  /** a week ahead, 12:30 UTC: a start check_availability handed out in this branch */
  const startUtc = new Date(
    Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 7 * 86_400_000 + 12.5 * 3_600_000,
  ).toISOString();
  const slot = slotIds.encode({ branchId, eventTypeId: 3101, startUtc });

  let booking: Awaited<ReturnType<typeof startStandInBooking>>;
  let ingress: Awaited<ReturnType<typeof startTestIngress>>;
  beforeAll(async () => {
    await createTopic(events);
    await createTopic(directoryTopic);
    const directory = await directorySender(directoryTopic);
    await directory.send(...entities);
    await directory.stop();
    ingress = await startTestIngress(events, { COMMAND_DEADLINE_MS: String(DEADLINE_MS) }, directoryTopic);
    booking = await startStandInBooking(ingress);
  });
  afterAll(async () => {
    await ingress?.stop();
    await booking?.stop();
  });
  beforeEach(() => (booking.state.delayMs = 0));

  /** fixture 11's live call as a book_appointment request (default mode) with a call id of its own */
  const bookBody = (callId: string, args: Record<string, unknown> = { slot_id: slot, kunde_name: 'Sabine Krüger' }) => {
    const request = JSON.parse(fixtureBytes('11-function.check_availability.request.json').toString('utf8')) as {
      name: string;
      args: unknown;
      call: { call_id: string; metadata: unknown };
    };
    request.name = 'book_appointment';
    request.args = args;
    request.call.call_id = callId;
    request.call.metadata = { companyId, branchId, phoneNumberId: numberId };
    return JSON.stringify(request);
  };
  const callFunction = (name: string, body: string, key = TEST_API_KEY) =>
    fetch(`${ingress.url}/webhooks/retell/functions/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-retell-signature': signRetellBody(body, key, Date.now()) },
      body,
    });
  const newCallId = () => `call_${randomUUID().replaceAll('-', '').slice(0, 27)}`;
  const commandsOf = (callId: string) => booking.commands.filter((c) => c.command.callId === callId);

  it('when booking answers within the deadline, then the caller hears the booking confirmed, and one command keyed by the call with CloudEvents headers was sent', async () => {
    const callId = newCallId();
    const response = await callFunction('book_appointment', bookBody(callId));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      status: 'confirmed',
      booking_id: 'bk_7Q2M9XK4',
      gesprochen: expect.stringMatching(/, um 1[34]:30 Uhr$/),
      hinweis_fuer_agent: expect.stringContaining('7 Q 2 M 9 X K 4'),
    });
    const [sent] = commandsOf(callId);
    expect(sent).toMatchObject({
      key: callId,
      command: {
        type: 'booking.book-requested.v1',
        idempotencyKey: `live:${callId}:book:${slot}`,
        attribution: { companyId, branchId, phoneNumberId: numberId },
        caller: { phone: '+4917612345678' },
        start: { utc: startUtc },
      },
      headers: { ce_type: 'booking.book-requested.v1', ce_source: '/retell-booking/ingress', ce_subject: callId },
    });
    expect(sent!.headers.ce_id).toBe(sent!.command.commandId);
    const metrics = await (await fetch(`${ingress.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingress_booking_commands_total\{command="book",outcome="booked"[^}]*\} [1-9]/);
    expect(metrics).toMatch(
      /ingress_booking_command_wait_seconds_bucket\{[^}]*le="0.25"[^}]*command="book"[^}]*\}|ingress_booking_command_wait_seconds_bucket\{[^}]*command="book"[^}]*le="0.25"[^}]*\}/,
    );
    expect(metrics).toMatch(/ingress_function_calls_total\{name="book_appointment",outcome="booked"[^}]*\} [1-9]/);
  });

  it('when booking answers only after the deadline, then the caller hears it is being entered (ok:true, in_bearbeitung) and the command is stored for booking to complete', async () => {
    booking.state.delayMs = DEADLINE_MS + 1_000;
    const callId = newCallId();
    const started = Date.now();
    const answer = (await (await callFunction('book_appointment', bookBody(callId))).json()) as Record<string, unknown>;
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_000);
    expect(answer).toEqual({
      ok: true,
      status: 'in_bearbeitung',
      hinweis_fuer_agent: expect.stringContaining(
        'Ich trage den Termin gerade ein; falls etwas nicht klappt, meldet sich',
      ),
    });
    expect(commandsOf(callId)).toHaveLength(1);
    const metrics = await (await fetch(`${ingress.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingress_booking_commands_total\{command="book",outcome="deadline_passed"[^}]*\} [1-9]/);
  });

  it('when the same tool call comes twice, then two commands with the same idempotency key and distinct command ids', async () => {
    const callId = newCallId();
    for (let i = 0; i < 2; i++) expect((await callFunction('book_appointment', bookBody(callId))).status).toBe(200);
    const sent = commandsOf(callId).map((c) => c.command);
    expect(sent.map((c) => c.idempotencyKey)).toEqual([`live:${callId}:book:${slot}`, `live:${callId}:book:${slot}`]);
    expect(new Set(sent.map((c) => c.commandId)).size).toBe(2);
  });

  it('when the signature is not Retell’s, then 401 and no command is sent', async () => {
    const before = await messageCount(ingress.commandsTopic);
    const response = await callFunction('book_appointment', bookBody(newCallId()), 'key_of_someone_else');
    expect(response.status).toBe(401);
    expect(await messageCount(ingress.commandsTopic)).toBe(before);
  });

  it('when the slot id was made for another branch, then a speakable refusal and no command is sent', async () => {
    const before = await messageCount(ingress.commandsTopic);
    const foreign = slotIds.encode({ branchId: otherBranchId, eventTypeId: 3101, startUtc });
    const response = await callFunction(
      'book_appointment',
      bookBody(newCallId(), { slot_id: foreign, kunde_name: 'Sabine' }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: false,
      fehler: 'invalid_slot',
      hinweis_fuer_agent: expect.any(String),
    });
    expect(await messageCount(ingress.commandsTopic)).toBe(before);
  });

  it('when fixture 15 (a web call) cancels with our metadata, then caller_unknown, speakable, and no command is sent', async () => {
    const before = await messageCount(ingress.commandsTopic);
    const request = JSON.parse(
      fixtureBytes('15-function.cancel_appointment.request.web-call.json').toString('utf8'),
    ) as {
      call: { metadata: unknown };
    };
    request.call.metadata = { companyId, branchId, phoneNumberId: numberId };
    const response = await callFunction('cancel_appointment', JSON.stringify(request));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: false,
      fehler: 'caller_unknown',
      hinweis_fuer_agent: expect.any(String),
    });
    expect(await messageCount(ingress.commandsTopic)).toBe(before);
  });

  /** fixture 08's call_inbound for this call, from `from` to the branch's number: what Retell asserts about the caller */
  const ring = async (callId: string, from: string) => {
    const body = fixtureBytes('08-call_inbound.request.json')
      .toString('utf8')
      .replace('+493412240870', '+4922198765430')
      .replace('+4934155512309', from)
      .replace('call_cd4ee1790ab8cf314f667e967fa', callId);
    const response = await fetch(`${ingress.url}/webhooks/retell/inbound`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-retell-signature': signRetellBody(body, TEST_API_KEY, Date.now()),
      },
      body,
    });
    expect(response.status).toBe(200);
  };

  it('when the tools come as args only with the call consts, then the command carries the call and the caller call_inbound recorded for it', async () => {
    const callId = newCallId();
    await ring(callId, '+4917699999999');
    const body = JSON.stringify({
      slot_id: slot,
      kunde_name: 'Sabine',
      branch_id: branchId,
      call_id: callId,
      anrufer_nummer: '+4917699999999',
    });
    expect(await (await callFunction('book_appointment', body)).json()).toMatchObject({
      ok: true,
      status: 'confirmed',
    });
    expect(commandsOf(callId)[0]!.command).toMatchObject({
      callId,
      caller: { phone: '+4917699999999' },
      attribution: { phoneNumberId: numberId },
    });
  });

  it('when an args-only caller’s anrufer_nummer names another person’s number, then cancel is caller_unknown with nothing sent, and a book is owned by nobody, its contact number only the one named', async () => {
    const callId = newCallId();
    await ring(callId, '+4917611111111');
    const before = await messageCount(ingress.commandsTopic);
    const forged = { branch_id: branchId, call_id: callId, anrufer_nummer: '+4917622222222' };
    const cancel = await callFunction('cancel_appointment', JSON.stringify({ ...forged, booking_id: 'bk_7Q2M9XK4' }));
    expect(await cancel.json()).toMatchObject({
      ok: false,
      fehler: 'caller_unknown',
      hinweis_fuer_agent: expect.any(String),
    });
    expect(await messageCount(ingress.commandsTopic)).toBe(before);
    const book = { ...forged, slot_id: slot, kunde_name: 'Sabine', telefon: '+4917622222222' };
    expect(await (await callFunction('book_appointment', JSON.stringify(book))).json()).toMatchObject({ ok: true });
    expect(commandsOf(callId)[0]!.command).toMatchObject({
      caller: { phone: null },
      customer: { phone: '+4917622222222' },
    });
    const metrics = await (await fetch(`${ingress.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingress_args_only_callers_total\{check="mismatch"[^}]*\} [1-9]/);
  });

  it('when an args-only request names a call id no call_inbound was answered for, then caller_unknown and nothing is sent', async () => {
    const before = await messageCount(ingress.commandsTopic);
    const body = JSON.stringify({
      booking_id: 'bk_7Q2M9XK4',
      branch_id: branchId,
      call_id: newCallId(),
      anrufer_nummer: '+4917699999999',
    });
    expect(await (await callFunction('cancel_appointment', body)).json()).toMatchObject({
      ok: false,
      fehler: 'caller_unknown',
    });
    expect(await messageCount(ingress.commandsTopic)).toBe(before);
  });

  it('when the command answers’ consumer cannot start (its topic is missing), then ingress is still ready for webhooks and call_inbound, and book answers ok:false not_ready with nothing sent, its state in ingress_booking_commands_ready', async () => {
    const blind = await startTestIngress(events, { COMMAND_DEADLINE_MS: String(DEADLINE_MS) }, directoryTopic, {
      commandsTopic: ingress.commandsTopic,
      commandResultsTopic: uniqueName('it.commands-no-results'),
    });
    const callId = newCallId();
    try {
      expect(await (await fetch(`${blind.opsUrl}/readyz`)).json()).toEqual({ ready: true, waitingFor: [] });
      const response = await fetch(`${blind.url}/webhooks/retell/functions/book_appointment`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-retell-signature': signRetellBody(bookBody(callId), TEST_API_KEY, Date.now()),
        },
        body: bookBody(callId),
      });
      expect(await response.json()).toMatchObject({
        ok: false,
        fehler: 'not_ready',
        hinweis_fuer_agent: expect.stringMatching(/noch einmal auf/),
      });
      const metrics = await (await fetch(`${blind.opsUrl}/metrics`)).text();
      expect(metrics).toMatch(/ingress_booking_commands_ready\{part="answers"[^}]*\} 0/);
      expect(metrics).toMatch(/ingress_booking_commands_ready\{part="schema"[^}]*\} 1/);
      expect(metrics).toMatch(/ingress_booking_commands_total\{command="book",outcome="not_ready"[^}]*\} 1/);
    } finally {
      await blind.stop();
    }
    expect(commandsOf(callId)).toEqual([]);
  });
});
