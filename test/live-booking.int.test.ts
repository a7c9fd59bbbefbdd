import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingOutcomeV1 } from '@rb/contracts';
import { BookingOutcomeV1Schema } from '@rb/contracts';
import { decodeContractMessage, toConsumed } from '@rb/kafka-runner/produce';
import { RETELL_FIXTURES_DIR } from './paths';
import { readAll } from './support/kafka';
import type { LiveSystem } from './support/live-system';
import { postSigned, startExampleLiveSystem } from './support/live-system';

type Answer = Record<string, unknown>;

/**
 * Integration, end to end: the live call's part 2 through ingress, call-processor and booking
 * (stand-in Cal.com) on the real broker, registry, PostgreSQL and Redis — the agent books, finds,
 * moves and cancels while the caller waits, Retell's retries give one booking, the post-call
 * analysis of the same call adds none, and the truth check tells a true claim from a false one.
 */
describe('a live call books, and what the agent claimed is checked afterwards', () => {
  const SALON = '+4922198765430';
  let system: LiveSystem;

  beforeAll(async () => {
    system = await startExampleLiveSystem('live-booking-test');
  }, 120_000);
  afterAll(() => system?.stop());

  const post = (path: string, body: string) => postSigned(system, path, body);
  const newCall = async (from: string) => {
    const callId = `call_${randomUUID().replaceAll('-', '')}`;
    const body = readFileSync(join(RETELL_FIXTURES_DIR, '08-call_inbound.request.json'), 'utf8')
      .replace('+493412240870', SALON)
      .replace('+4934155512309', from)
      .replace('call_cd4ee1790ab8cf314f667e967fa', callId);
    const response = await post('/webhooks/retell/inbound', body);
    const { metadata } = ((await response.json()) as { call_inbound: { metadata: unknown } }).call_inbound;
    return { callId, from, metadata };
  };
  type Call = Awaited<ReturnType<typeof newCall>>;
  const tool = async (call: Call, name: string, args: Answer): Promise<Answer> => {
    const request = JSON.parse(
      readFileSync(join(RETELL_FIXTURES_DIR, '11-function.check_availability.request.json'), 'utf8'),
    );
    Object.assign(request, { name, args });
    Object.assign(request.call, {
      call_id: call.callId,
      metadata: call.metadata,
      from_number: call.from,
      to_number: SALON,
    });
    const response = await post(`/webhooks/retell/functions/${name}`, JSON.stringify(request));
    expect(response.status).toBe(200);
    return (await response.json()) as Answer;
  };
  const freeSlots = async (call: Call) => {
    const answer = await tool(call, 'check_availability', {
      dienstleistung: 'Haare schneiden',
      datum_von: 'nächsten Dienstag nachmittags',
    });
    return answer.freie_termine as { slot_id: string; beginn: string; gesprochen: string }[];
  };
  /**
   * call_analyzed for the call: fixture 03 with these transcript turns, its analysis wishing `wish`
   * (or nothing), and saying whether the appointment was booked during the call (then call-processor
   * leaves it to the call and asks booking for nothing)
   */
  const analysed = async (call: Call, turns: unknown[], wish: string | null, bookedDuringCall = false) => {
    const body = JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, '03-call_analyzed.salon-inbound.json'), 'utf8'));
    const now = Date.now();
    Object.assign(body.call, {
      call_id: call.callId,
      metadata: call.metadata,
      from_number: call.from,
      to_number: SALON,
      start_timestamp: now - 90_000,
      end_timestamp: now - 5_000,
      transcript_with_tool_calls: turns,
      // what was said, without the fixture's own conversation (its wish would become an intent)
      transcript: (turns as { role: string; content?: string }[])
        .filter((t) => t.role === 'agent' || t.role === 'user')
        .map((t) => `${t.role === 'agent' ? 'Agent' : 'User'}: ${t.content}`)
        .join('\n'),
      transcript_object: (turns as { role: string }[]).filter((t) => t.role === 'agent' || t.role === 'user'),
    });
    Object.assign(body.call.call_analysis.custom_analysis_data, {
      termin_gebucht: bookedDuringCall,
      termin_beginn: wish,
    });
    expect((await post('/webhooks/retell', JSON.stringify(body))).status).toBe(204);
  };
  const toolTurns = (id: string, name: string, args: Answer, answer: Answer) => [
    { role: 'tool_call_invocation', tool_call_id: id, name, arguments: JSON.stringify(args) },
    { role: 'tool_call_result', tool_call_id: id, content: JSON.stringify(answer), successful: true },
  ];
  const agentSays = (content: string) => ({ role: 'agent', content, words: [] });
  /** this call's outcomes, read until `enough` holds (30 s at most) */
  const outcomesOf = async (callId: string, enough: (outcomes: BookingOutcomeV1[]) => boolean) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const outcomes = (await readAll(system.topics.outcomes, 2_000))
        .filter((m) => m.key?.toString() === callId)
        .map(
          (m) =>
            decodeContractMessage(toConsumed(system.topics.outcomes, 0, m), BookingOutcomeV1Schema, 'outcome').value,
        );
      if (enough(outcomes) || Date.now() > deadline) return outcomes;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const metricsUntil = async (enough: (metrics: string) => boolean) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const metrics = await (await fetch(`${system.booking.url}/metrics`)).text();
      if (enough(metrics) || Date.now() > deadline) return metrics;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const bookingsOf = (callId: string) => system.calcom.bookings.filter((b) => b.metadata?.callId === callId);

  it('when the agent books a free start, Retell retries it and the analysis wishes the same time, then there is one booking, the caller finds it, and the claim holds', async () => {
    const call = await newCall('+4917655500001');
    const [slot] = await freeSlots(call);
    const args = { slot_id: slot!.slot_id, kunde_name: 'Jonas Weber', dienstleistung: 'Haare schneiden' };
    const booked = await tool(call, 'book_appointment', args);
    expect(booked).toMatchObject({
      ok: true,
      status: 'confirmed',
      beginn: slot!.beginn,
      booking_id: expect.stringMatching(/^bk_/),
    });
    // max_retry and a double invocation: the same booking, answered again
    const [again, twice] = await Promise.all([
      tool(call, 'book_appointment', args),
      tool(call, 'book_appointment', args),
    ]);
    expect(again.booking_id).toBe(booked.booking_id);
    expect(twice.booking_id).toBe(booked.booking_id);

    const found = await tool(call, 'find_appointments', {});
    expect(found).toMatchObject({
      ok: true,
      treffer: [expect.objectContaining({ booking_id: booked.booking_id, beginn: slot!.beginn })],
    });

    await analysed(
      call,
      [
        ...toolTurns('t1', 'book_appointment', args, booked),
        agentSays(`Erledigt: ich habe Sie für ${String(booked.gesprochen)} eingetragen.`),
      ],
      slot!.beginn,
    );
    // call-processor analysed the call and its intent reached booking (superseded: the live booking is
    // the call's), and the truth check judged the claims (held)
    const processed = await metricsUntil(
      (m) =>
        counterOf(m, 'booking_intents_superseded_total') >= 1 &&
        counterOf(m, 'booking_claim_checks_total', 'held') >= 1,
    );
    expect(counterOf(processed, 'booking_intents_superseded_total')).toBe(1);
    expect(counterOf(processed, 'booking_claim_checks_total', 'held')).toBe(1);
    const outcomes = await outcomesOf(call.callId, (o) => o.length > 0);
    expect(outcomes.map((o) => o.type)).toEqual(['booking.confirmed.v1']);
    expect(bookingsOf(call.callId)).toHaveLength(1);
  }, 60_000);

  it('when the agent says it booked but never called the tool (and the analysis believes it), then a claim mismatch is emitted for the call', async () => {
    const call = await newCall('+4917655500002');
    const said = agentSays('Alles klar, ich habe Sie für Donnerstag um 11 Uhr eingetragen. Bis dann!');
    await analysed(call, [said], null, true);
    const outcomes = await outcomesOf(call.callId, (o) => o.some((x) => x.type === 'booking.claim-mismatch.v1'));
    const mismatch = outcomes.find((o) => o.type === 'booking.claim-mismatch.v1');
    expect(mismatch).toMatchObject({
      callId: call.callId,
      claimCount: 1,
      mismatches: [
        expect.objectContaining({ source: 'agent_sentence', kind: 'booked', problem: 'no_booking', language: 'de' }),
      ],
    });
    expect(bookingsOf(call.callId)).toHaveLength(0);
  }, 60_000);

  it('when a caller rings again, then she can move and cancel her own booking, and another caller cannot touch it', async () => {
    const first = await newCall('+4917655500003');
    const [slot, other] = await freeSlots(first);
    const booked = await tool(first, 'book_appointment', { slot_id: slot!.slot_id, kunde_name: 'Mia Roth' });
    expect(booked).toMatchObject({ ok: true, booking_id: expect.stringMatching(/^bk_/) });

    const stranger = await newCall('+4917655500099');
    expect(await tool(stranger, 'cancel_appointment', { booking_id: booked.booking_id })).toMatchObject({
      ok: false,
      fehler: 'booking_not_found',
    });

    const later = await newCall('+4917655500003');
    const moved = await tool(later, 'reschedule_appointment', {
      booking_id: booked.booking_id,
      neuer_slot_id: other!.slot_id,
    });
    expect(moved).toMatchObject({
      ok: true,
      status: 'rescheduled',
      booking_id: booked.booking_id,
      beginn: other!.beginn,
    });
    const cancelled = await tool(later, 'cancel_appointment', { booking_id: booked.booking_id, grund: 'krank' });
    expect(cancelled).toMatchObject({ ok: true, status: 'cancelled', booking_id: booked.booking_id });
    expect(await tool(later, 'find_appointments', {})).toMatchObject({ ok: true, treffer: [] });
    const outcomes = await outcomesOf(first.callId, (o) => o.length >= 3);
    expect(outcomes.map((o) => o.type)).toEqual([
      'booking.confirmed.v1',
      'booking.rescheduled.v1',
      'booking.cancelled.v1',
    ]);
  }, 60_000);
});

/** A counter's value in Prometheus text (every series carries `service`), with one label value if given. */
function counterOf(metrics: string, name: string, labelValue?: string): number {
  const labels = labelValue ? `\\{[^}]*"${labelValue}"[^}]*\\}` : '\\{[^}]*\\}';
  return Number(new RegExp(`^${name}${labels} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
}
