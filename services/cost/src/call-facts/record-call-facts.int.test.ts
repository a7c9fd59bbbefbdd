import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { typeormTransactions } from '@rb/kafka-runner';
import { createTestDatabase } from '../../../../test/support/postgres';
import { RETELL_COST } from '../../test/cost-harness';
import { MIGRATIONS } from '../infra/db/migrations';
import type { CallFactChange } from './call-fact-changes';
import { loadEndedCallFacts } from './call-facts.repository';
import type { CallFactRecord } from './record-call-facts';
import { recordCallFacts } from './record-call-facts';

let db: { dataSource: DataSource; drop(): Promise<void> };
const record = (records: CallFactRecord[]) =>
  typeormTransactions(db.dataSource)((sql) => recordCallFacts(sql, records));
const facts = async (callId: string) =>
  (await typeormTransactions(db.dataSource)((sql) => loadEndedCallFacts(sql, [callId]))).get(callId);

const attribution = { companyId: randomUUID(), branchId: randomUUID(), phoneNumberId: randomUUID() };
const ended = (durationMs: number): CallFactChange => ({
  kind: 'ended',
  attribution,
  startedAt: '2024-06-28T10:00:00.000Z',
  endedAt: new Date(Date.parse('2024-06-28T10:00:00.000Z') + durationMs).toISOString(),
  durationMs,
  direction: 'inbound',
  line: { numberKind: 'twilio_imported', numberType: 'local' },
  twilioCallSid: `CA${'0'.repeat(32)}`,
  retellCost: RETELL_COST,
});

beforeAll(async () => {
  db = await createTestDatabase('cost_call_facts', MIGRATIONS);
});
afterAll(async () => {
  await db?.drop();
});

describe('recording a chunk of call facts', () => {
  it('when one chunk holds several facts of a call, then the row is what one statement per event would leave', async () => {
    const callId = `call_${randomUUID().slice(0, 8)}`;
    const serviceId = randomUUID();
    await record([
      { callId, change: { kind: 'booking_confirmed', uid: 'b1', alternative: true } },
      { callId, change: ended(60_000) },
      { callId, change: { kind: 'analysed', attribution, retellCost: { ...RETELL_COST, combinedCostCents: 10 } } },
      { callId, change: { kind: 'intent', serviceId: randomUUID(), staffId: null } },
      { callId, change: { kind: 'intent', serviceId, staffId: null } },
      { callId, change: ended(63_000) },
      { callId, change: { kind: 'booking_moved', fromUid: 'b1', uid: 'b2' } },
    ]);
    expect(await facts(callId)).toMatchObject({
      ended: true,
      attribution,
      durationMs: 63_000,
      line: { numberKind: 'twilio_imported', numberType: 'local' },
      twilioCallSid: `CA${'0'.repeat(32)}`,
      retellCost: { combinedCostCents: 10 },
      serviceId,
      // b1 was moved to b2: one booking stands
      confirmedBookings: 1,
    });
  });

  it('when a later chunk brings no new figure or a booking undone, then nothing known is lost and undone bookings stop counting', async () => {
    const callId = `call_${randomUUID().slice(0, 8)}`;
    await record([
      { callId, change: ended(63_000) },
      { callId, change: { kind: 'analysed', attribution, retellCost: { ...RETELL_COST, combinedCostCents: 10 } } },
      { callId, change: { kind: 'booking_confirmed', uid: 'b1', alternative: false } },
      { callId, change: { kind: 'booking_confirmed', uid: 'b2', alternative: true } },
    ]);
    await record([
      { callId, change: { kind: 'analysed', attribution: null, retellCost: null } },
      { callId, change: { kind: 'booking_undone', uid: 'b1' } },
      { callId, change: { kind: 'booking_confirmed', uid: 'b2', alternative: false } },
    ]);
    expect(await facts(callId)).toMatchObject({
      attribution,
      retellCost: { combinedCostCents: 10 },
      confirmedBookings: 1,
      alternativeBookings: 1,
    });
  });

  it.each([
    ['confirmed, then moved', ['confirm', 'move']],
    ['moved, then confirmed', ['move', 'confirm']],
  ])(
    'when an alternative booking is %s, then the booking it became still counts as that alternative',
    async (_, order) => {
      const callId = `call_${randomUUID().slice(0, 8)}`;
      const changes: Record<string, CallFactChange> = {
        confirm: { kind: 'booking_confirmed', uid: 'b1', alternative: true },
        move: { kind: 'booking_moved', fromUid: 'b1', uid: 'b2' },
      };
      await record([{ callId, change: ended(63_000) }]);
      for (const step of order) await record([{ callId, change: changes[step]! }]);
      expect(await facts(callId)).toMatchObject({ confirmedBookings: 1, alternativeBookings: 1 });
    },
  );

  it('when only an analysis arrived, then the call is not ended and has no facts to cost', async () => {
    const callId = `call_${randomUUID().slice(0, 8)}`;
    await record([{ callId, change: { kind: 'analysed', attribution, retellCost: RETELL_COST } }]);
    expect(await facts(callId)).toBeUndefined();
  });
});
