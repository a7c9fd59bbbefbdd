import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { typeormTransactions } from '@rb/kafka-runner';
import { SHARED_DIR } from '../../../test/paths';
import { createTestDatabase } from '../../../test/support/postgres';
import {
  ADMIN_TOKEN,
  callEvents,
  costReader,
  createCostTopics,
  eventSender,
  RETELL_COST,
  startService,
  tenant,
  waitFor,
} from '../test/cost-harness';
import { importEcbRates } from './exchange-rates/import-ecb-rates';
import { MIGRATIONS } from './infra/db/migrations';
import type { CostTopics, RunningCost } from './service';

jest.setTimeout(90_000);

const ECB_2024_06_28 = readFileSync(join(SHARED_DIR, 'cost', 'ecb-eurofxref-daily.2024-06-28.xml'), 'utf8');
/** a daily file of the next working day (Monday 1 July 2024), as the ECB would publish it */
const ecbDaily = (date: string, usd: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope><Cube><Cube time='${date}'><Cube currency='USD' rate='${usd}'/></Cube></Cube></gesmes:Envelope>`;

let db: { url: string; dataSource: DataSource; drop(): Promise<void> };
let topics: CostTopics;
let cost: RunningCost;
let send: Awaited<ReturnType<typeof eventSender>>['send'];
let sender: Awaited<ReturnType<typeof eventSender>>;
let reader: Awaited<ReturnType<typeof costReader>>;
/** the messages the consumer recognised as already processed (the inbox) */
const duplicatesSeen: string[] = [];

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return db.dataSource.query(sql, params) as Promise<T[]>;
}

/** A call's ledger summed per kind, as text (exact). */
async function totals(callId: string): Promise<Record<string, string>> {
  const rows = await query<{ kind: string; total: string }>(
    `SELECT kind, sum(amount_eur)::text AS total FROM ledger_entries WHERE call_id = $1 GROUP BY kind ORDER BY kind`,
    [callId],
  );
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.total) === 0 ? '0' : r.total.replace(/\.?0+$/, '')]));
}

const revisionOf = async (callId: string) =>
  (await query<{ revision: number }>('SELECT revision FROM call_costings WHERE call_id = $1', [callId]))[0]?.revision ??
  0;

/** A plan from 1 January 2024 on: per started minute, a minimum of 0.10 and 0.50 per confirmed booking. */
async function plan(seller: string, buyerKind: string, buyerId: string | null, price: string): Promise<void> {
  await query(
    `INSERT INTO plans (id, seller, buyer_kind, buyer_id, currency, unit, price_per_unit, minimum_per_connected_call,
                        fee_per_confirmed_booking, monthly_fee, included_minutes, valid_from, valid_until, created_at, created_by)
     VALUES ($1, $2, $3, $4, 'EUR', 'per_started_minute', $5, '0.10', '0.50', '29', 0, '2024-01-01T00:00:00Z', NULL, now(), 'test')`,
    [randomUUID(), seller, buyerKind, buyerId, price],
  );
}

/** The platform's plan for the reseller, and the reseller's plan for its companies. */
async function seedResellerPlans(resellerId: string): Promise<void> {
  await plan('platform', 'reseller', resellerId, '0.09');
  await plan(resellerId, 'default', null, '0.15');
}

beforeAll(async () => {
  db = await createTestDatabase('cost_service', MIGRATIONS);
  topics = await createCostTopics();
  await typeormTransactions(db.dataSource)((sql) => importEcbRates(sql, ECB_2024_06_28, new Date()));
  // the platform's list price, for companies that buy directly
  await plan('platform', 'default', null, '0.12');
  cost = await startService(
    db.url,
    topics,
    {},
    {
      onOutcome: (report) => void (report.outcome === 'duplicate' && duplicatesSeen.push(report.eventType)),
    },
  );
  sender = await eventSender(topics);
  send = sender.send;
  reader = await costReader(topics.costs);
});

afterAll(async () => {
  await reader?.stop();
  await sender?.stop();
  await cost?.stop();
  await db?.drop();
});

describe('cost on real Kafka and PostgreSQL', () => {
  it('when a call of a reseller’s company ends, is analysed with a new figure and books, then its costing follows the latest facts', async () => {
    const t = tenant({ reseller: true });
    await seedResellerPlans(t.resellerId!);
    for (const e of t.entities) await send(e);
    const call = callEvents(t.attribution);
    await send(call.ended());
    await waitFor('the first costing', async () => (await revisionOf(call.callId)) === 1);
    await send(
      call.analysed({
        ...RETELL_COST,
        combinedCostCents: 10.09,
        productCosts: [...RETELL_COST.productCosts, { product: 'twilio_extra', costCents: 1 }],
      }),
    );
    await send(call.intent());
    await send(call.confirmed(true));
    const baseUsd = async () =>
      Number(
        (
          await query<{ usd: string }>(
            `SELECT sum(amount)::text AS usd FROM ledger_entries WHERE call_id = $1 AND kind = 'base_cost'`,
            [call.callId],
          )
        )[0]?.usd,
      );
    // Retell's latest figure (10.09 cents) and the booking, whichever was handled first
    await waitFor(
      'the booking and the new figure in the costing',
      async () => (await totals(call.callId)).confirmed_bookings === '1' && (await baseUsd()) === 0.1009,
    );
    const sums = await totals(call.callId);
    // 63 s → 2 started minutes: wholesale 2 × 0.09, retail 2 × 0.15 + 0.50 booking fee
    expect(sums.wholesale).toBe('0.68'); // 0.18 + the platform's booking fee 0.50
    expect(sums.retail).toBe('0.8');
    expect(sums.alternative_bookings).toBe('1');
    expect(sums.base_cost).toBe('0.09425502'); // 0.1009 USD ÷ 1.0705, at the ledger's 8 decimals
    await waitFor('cost events', () => reader.of(call.callId).length >= 2);
    const events = reader.of(call.callId);
    expect(events[0]!.event.type).toBe('cost.call-costed.v1');
    expect(events[0]!.id).toBe(`${call.callId}:cost:1`);
    expect(events.at(-1)!.event.type).toBe('cost.call-cost-adjusted.v1');
    expect(events.at(-1)!.event.attribution?.resellerId).toBe(t.resellerId);
  });

  it('when every event of a call arrives again, then the ledger, the costing and the cost events stay as they were', async () => {
    const t = tenant();
    for (const e of t.entities) await send(e);
    const call = callEvents(t.attribution);
    const events = [call.ended(), call.analysed(RETELL_COST), call.intent(), call.confirmed()];
    for (const e of events) await send(e);
    // all four handled: the booking counted, under the intent's service
    await waitFor('costed with the booking and the service', async () => {
      const [row] = await query<{ n: string }>(
        `SELECT sum(amount) AS n FROM ledger_entries WHERE call_id = $1 AND kind = 'confirmed_bookings' AND service_id IS NOT NULL`,
        [call.callId],
      );
      const [analysed] = await query('SELECT 1 FROM call_facts WHERE call_id = $1 AND analysed_cost IS NOT NULL', [
        call.callId,
      ]);
      return Number(row?.n) === 1 && !!analysed;
    });
    const entries = async () =>
      (await query<{ n: string }>('SELECT count(*) AS n FROM ledger_entries WHERE call_id = $1', [call.callId]))[0]!.n;
    const [before, revision, sums] = [await entries(), await revisionOf(call.callId), await totals(call.callId)];
    const duplicates = duplicatesSeen.length;
    for (const e of events) await send(e); // redelivered: the same ce_ids
    await waitFor('the four redeliveries recognised', () => duplicatesSeen.length >= duplicates + 4);
    expect(await entries()).toBe(before);
    expect(await revisionOf(call.callId)).toBe(revision);
    expect(await totals(call.callId)).toEqual(sums);
    expect(new Set(reader.of(call.callId).map((r) => r.id)).size).toBe(revision);
  });

  it('when a call’s events arrive in any order, then its totals are the same', async () => {
    const t = tenant({ reseller: true });
    await seedResellerPlans(t.resellerId!);
    for (const e of t.entities) await send(e);
    const orders = [
      (c: ReturnType<typeof callEvents>) => [c.ended(), c.analysed(null), c.intent(), c.confirmed()],
      (c: ReturnType<typeof callEvents>) => [c.confirmed(), c.intent(), c.analysed(null), c.ended()],
      (c: ReturnType<typeof callEvents>) => [c.intent(), c.ended(), c.confirmed(), c.analysed(null)],
    ];
    const calls = orders.map(() => callEvents(t.attribution));
    for (const [i, order] of orders.entries()) for (const e of order(calls[i]!)) await send(e);
    await waitFor('all three costed with their booking', async () => {
      for (const c of calls) if ((await totals(c.callId)).confirmed_bookings !== '1') return false;
      return true;
    });
    const [first, ...rest] = await Promise.all(calls.map((c) => totals(c.callId)));
    for (const other of rest) expect(other).toEqual(first);
  });

  it('when the rate of a call’s day is not published yet, then it waits as pending and is costed once the rate is imported', async () => {
    const t = tenant();
    for (const e of t.entities) await send(e);
    const call = callEvents(t.attribution, { startedAt: '2024-07-01T09:00:00.000Z' });
    await send(call.ended());
    await waitFor(
      'the call pending for a rate',
      async () =>
        (
          await query<{ status: string; pending_reason: string }>(
            'SELECT status, pending_reason FROM call_costings WHERE call_id = $1',
            [call.callId],
          )
        )[0]?.pending_reason === 'rate',
    );
    await cost.sweepPending();
    const metrics = await (await fetch(`${cost.url}/metrics`)).text();
    expect(metrics).toMatch(/cost_calls_pending\{[^}]*reason="rate"[^}]*\} [1-9]/);
    // the oldest wait of the rate-waiting calls, apart from the other reasons' (CostExchangeRatesMissing)
    const oldestRate = metrics.match(/^cost_pending_oldest_seconds\{[^}]*reason="rate"[^}]*\} (\S+)$/m)?.[1];
    expect(Number(oldestRate)).toBeGreaterThan(0);
    expect(await totals(call.callId)).toEqual({});

    await typeormTransactions(db.dataSource)((sql) =>
      importEcbRates(sql, ecbDaily('2024-07-01', '1.0746'), new Date()),
    );
    await cost.sweepPending();
    expect(await revisionOf(call.callId)).toBe(1);
    const [row] = await query<{ rate_date: string; usd_per_eur: string }>(
      `SELECT DISTINCT to_char(rate_date, 'YYYY-MM-DD') AS rate_date, usd_per_eur::text FROM ledger_entries WHERE call_id = $1`,
      [call.callId],
    );
    expect(row).toEqual({ rate_date: '2024-07-01', usd_per_eur: '1.0746' });
  });

  it('when an operator re-costs a call after a price correction, then an adjustment with the reason is appended and audited', async () => {
    const t = tenant();
    for (const e of t.entities) await send(e);
    const call = callEvents(t.attribution);
    await send(call.ended());
    await waitFor('the first costing', async () => (await revisionOf(call.callId)) === 1);
    const before = await totals(call.callId);
    // the platform's price for this company is corrected for the whole period
    await query(
      `INSERT INTO plans (id, seller, buyer_kind, buyer_id, currency, unit, price_per_unit, minimum_per_connected_call,
                          fee_per_confirmed_booking, monthly_fee, included_minutes, valid_from, valid_until, created_at, created_by)
       VALUES ($1, 'platform', 'company', $2, 'EUR', 'per_second', '0.004', '0', NULL, '0', 0, '2024-01-01T00:00:00Z', NULL, now(), 'test')`,
      [randomUUID(), t.attribution.companyId],
    );
    // a late fact alone keeps the prices it was costed with
    await send(call.analysed(RETELL_COST));
    const response = await fetch(`${cost.url}/admin/calls/${call.callId}/recost`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'contract price 0.24 €/min agreed in June', requestedBy: 'ops@example.test' }),
    });
    expect(response.status).toBe(200);
    expect(await revisionOf(call.callId)).toBe(2);
    const after = await totals(call.callId);
    expect(after.wholesale).toBe('0.252'); // 63 s × 0.004
    expect(after.wholesale).not.toBe(before.wholesale);
    const audit = await query<{ reason: string; outcome: string; revision_after: number }>(
      'SELECT reason, outcome, revision_after FROM recost_audit WHERE call_id = $1',
      [call.callId],
    );
    expect(audit).toEqual([
      { reason: 'contract price 0.24 €/min agreed in June', outcome: 'recosted', revision_after: 2 },
    ]);
    await waitFor('the adjustment event', () => reader.of(call.callId).some((r) => r.event.cause === 'recost'));
    await expect(query(`UPDATE ledger_entries SET amount = 0 WHERE call_id = $1`, [call.callId])).rejects.toThrow(
      /append-only/,
    );
  });
});
