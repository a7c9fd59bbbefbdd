/**
 * The live call, in one process against the real broker, registry, PostgreSQL and Redis, with the
 * three services a ringing phone touches started through their composition roots (all of them and
 * the load in ONE Node process and event loop on this 2-core machine: pessimistic, each service
 * has its own process in production):
 *  - call-processor: the tenant directory (imported as a tenants.yaml of BENCH_COMPANIES businesses,
 *    published on the directory topic the others read) and the customers (half the callers known);
 *  - booking: the availability query, with the stateful stand-in Cal.com answering every request
 *    after BENCH_LATENCY_MS (150 by default);
 *  - ingress: call_inbound and check_availability, signed as Retell signs them.
 * Two ways of loading it:
 *  1. Calls (what the targets are about): `calls` phone calls at once (default 50), each as a
 *     conversation: the ring (call_inbound), a pause while the caller speaks and the LLM thinks
 *     (BENCH_PAUSE_MS, 1000), check_availability on a cold cache (its business's cached slots are
 *     dropped first, so it goes to Cal.com), a pause, the same question again (warm), a pause, and a
 *     question about another day of the fetched weeks (warm); a new call starts when one ends,
 *     until BENCH_CALLS (500) calls are done; the first calls begin spread over one call's length.
 *  2. Capacity (closed loop, no pauses): `calls` requests in flight at all times, 500 per phase —
 *     call_inbound, then check_availability with the cache emptied before each round (cold), then
 *     warm — the most this process answers, and the queueing at that rate.
 * Prints p50/p95/p99/max per kind, requests per second, Cal.com requests, and every answer's outcome.
 * Usage: pnpm bench:live [calls=50]
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '@rb/observability';
import { percentile } from '../support/bench';
import { testRedisUrl } from '../support/kafka';
import { startLiveSystem } from '../support/live-system';
import { RETELL_FIXTURES_DIR } from '../paths';
import { signRetellBody, TEST_API_KEY } from '../../services/ingress/test/support';

const CONCURRENCY = Number(process.argv[2] ?? 50);
const REQUESTS = 500;
const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 1000);
const COMPANIES = Number(process.env.BENCH_COMPANIES ?? 50);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 150);

const say = (line: string) => process.stdout.write(`${line}\n`);
const log = createLogger({ service: 'bench-live', level: 'silent' });

/** A business per index: one branch open Monday to Saturday, one service, one number. */
function tenantsYaml(count: number): string {
  const companies = Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(3, '0');
    return `  - slug: bench-${n}
    name: Bench Salon ${n}
    services:
      - { slug: schnitt, name: Haarschnitt, synonyms: [Schneiden], calcomEventTypeId: ${7000 + i}, durationMinutes: 45 }
    branches:
      - slug: mitte
        name: Mitte
        timeZone: Europe/Berlin
        federalState: NW
        workingDays: [1, 2, 3, 4, 5, 6]
        services: [schnitt]
        defaultService: schnitt
        phoneNumbers: ['${dialled(i)}']
        openingHours:
          mon: [{ opens: '08:00', closes: '19:00' }]
          tue: [{ opens: '08:00', closes: '19:00' }]`;
  });
  return `companies:\n${companies.join('\n')}\n`;
}
const dialled = (i: number) => `+4930555${String(i).padStart(4, '0')}`;
const caller = (i: number) => `+49176${String(1_000_000 + i).padStart(7, '0')}`;

interface Timed {
  ms: number;
  outcome: string;
}

/** `total` requests, `concurrency` at a time; each returns its outcome label. */
async function run(
  total: number,
  concurrency: number,
  one: (i: number) => Promise<string>,
  /** the workers start spread over this long (calls do not all begin in the same millisecond) */
  rampUpMs = 0,
): Promise<Timed[]> {
  const results: Timed[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      await new Promise((resolve) => setTimeout(resolve, (rampUpMs * worker) / concurrency));
      for (let i = next++; i < total; i = next++) {
        const started = performance.now();
        const outcome = await one(i).catch((error: Error) => `error: ${error.message}`);
        results.push({ ms: performance.now() - started, outcome });
      }
    }),
  );
  return results;
}

/** A figure from answers the agent could not use would flatter it: the run fails instead. */
function expectOutcomes(name: string, results: Timed[], usable: RegExp): void {
  const unusable = results.filter((r) => !usable.test(r.outcome));
  if (unusable.length > 0)
    throw new Error(`${name}: ${unusable.length} answers not usable, e.g. ${unusable[0]!.outcome}`);
}

function report(name: string, results: Timed[], wallMs: number, usable: RegExp): number {
  expectOutcomes(name, results, usable);
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const outcomes = new Map<string, number>();
  for (const r of results) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
  const f = (ms: number) => ms.toFixed(1).padStart(7);
  const p95 = percentile(sorted, 95);
  say(
    `${name.padEnd(34)} n=${String(results.length).padStart(5)}  p50 ${f(percentile(sorted, 50))} ms  p95 ${f(p95)} ms  ` +
      `p99 ${f(percentile(sorted, 99))} ms  max ${f(sorted[sorted.length - 1] ?? NaN)} ms  ` +
      `${((results.length / wallMs) * 1000).toFixed(0)}/s`,
  );
  say(`${''.padEnd(34)} ${[...outcomes].map(([o, n]) => `${o}: ${n}`).join(', ')}`);
  return p95;
}

async function main(): Promise<void> {
  const system = await startLiveSystem({ tenantsYaml: tenantsYaml(COMPANIES), log, calcomLatencyMs: LATENCY_MS });
  const { ingress, calcom, companies } = system;
  // every even business has heard from its caller before, and knows the name
  const known = companies.map((c, i) => ({ ...c, i })).filter(({ i }) => i % 2 === 0);
  await system.callProcessorSql(
    `INSERT INTO customers (company_id, phone, name) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`,
    [known.map((c) => c.id), known.map((c) => caller(c.i)), known.map((c) => `Kundin ${c.i}`)],
  );

  const inboundBody = readFileSync(join(RETELL_FIXTURES_DIR, '08-call_inbound.request.json'), 'utf8');
  const callInbound = async (i: number) => {
    const company = i % companies.length;
    const body = inboundBody
      .replace('+493412240870', dialled(company))
      .replace('+4934155512309', caller(company))
      .replace('call_cd4ee1790ab8cf314f667e967fa', `call_bench_${randomUUID().replaceAll('-', '')}`);
    const response = await fetch(`${ingress.url}/webhooks/retell/inbound`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-retell-signature': signRetellBody(body, TEST_API_KEY, Date.now()),
      },
      body,
    });
    const answer = (await response.json()) as { call_inbound: { dynamic_variables?: Record<string, string> } };
    const known = answer.call_inbound.dynamic_variables?.caller_known;
    return `${response.status} ${known === undefined ? 'refused' : `caller_known=${known}`}`;
  };

  // the question of fixture 11 for one of the bench's businesses: a weekday afternoon 1–2 weeks ahead
  const question = readFileSync(join(RETELL_FIXTURES_DIR, '11-function.check_availability.request.json'), 'utf8');
  // a Monday 8–14 days ahead, then its weekdays: working days of every bench branch
  const monday = new Date(Date.now() + 8 * 86_400_000);
  monday.setUTCDate(monday.getUTCDate() + ((8 - monday.getUTCDay()) % 7));
  const dayAfter = (days: number) => new Date(monday.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  const checkAvailability = async (i: number, laterDays = 0) => {
    const company = companies[i % companies.length]!;
    const asked = dayAfter((Math.floor(i / companies.length) % 5) + laterDays);
    const parsed = JSON.parse(question) as {
      args: Record<string, unknown>;
      call: { metadata: Record<string, string>; call_id: string };
    };
    parsed.args = { dienstleistung: 'Haarschnitt', datum_von: asked, datum_bis: asked, tageszeit: 'nachmittag' };
    parsed.call.metadata = { companyId: company.id, branchId: company.branchId };
    const body = JSON.stringify(parsed);
    const response = await fetch(`${ingress.url}/webhooks/retell/functions/check_availability`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-retell-signature': signRetellBody(body, TEST_API_KEY, Date.now()),
      },
      body,
    });
    const answer = (await response.json()) as { ok: boolean; freie_termine?: unknown[]; fehler?: string };
    return `${response.status} ${answer.ok ? `${answer.freie_termine?.length ?? 0} starts` : `ok=false ${answer.fehler}`}`;
  };

  const redis = new Redis(testRedisUrl());
  const emptyCache = async () => {
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'booking:slots:*', 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      if ((cursor = next) === '0') break;
    }
  };

  say(
    `bench:live — ${CONCURRENCY} calls at once, ${CALLS} calls, pauses ${PAUSE_MS} ms ± 50 %, ${COMPANIES} businesses, ` +
      `stand-in Cal.com answering after ${LATENCY_MS} ms; node ${process.version}`,
  );
  const forget = async (companyId: string) => {
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `booking:slots:${companyId}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      if ((cursor = next) === '0') break;
    }
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, PAUSE_MS * (0.5 + Math.random())));
  const timed = async (into: Timed[], one: () => Promise<string>) => {
    const t = performance.now();
    const outcome = await one().catch((error: Error) => `error: ${error.message}`);
    into.push({ ms: performance.now() - t, outcome });
  };

  // warm-up: JIT, connections
  await run(100, 10, callInbound);

  say('1. calls: each rings, then asks three times (cold, warm, warm), with pauses as in a conversation');
  const rings: Timed[] = [];
  const colds: Timed[] = [];
  const warms: Timed[] = [];
  const callsCalcomBefore = calcom.calls.length;
  let started = performance.now();
  await run(
    CALLS,
    CONCURRENCY,
    async (i) => {
      await timed(rings, () => callInbound(i));
      await pause();
      await forget(companies[i % companies.length]!.id);
      await timed(colds, () => checkAvailability(i));
      await pause();
      await timed(warms, () => checkAvailability(i));
      await pause();
      // another day of the weeks the cold question fetched
      await timed(warms, () => checkAvailability(i, 1));
      return 'call';
    },
    3 * PAUSE_MS,
  );
  const callsWall = performance.now() - started;
  const callRing = report('call_inbound', rings, callsWall, /^200 caller_known=(true|false|unknown)$/);
  const callCold = report('check_availability, cold cache', colds, callsWall, /^200 [1-9]\d* starts$/);
  const callWarm = report('check_availability, warm cache', warms, callsWall, /^200 [1-9]\d* starts$/);
  say(
    `Cal.com requests: ${calcom.calls.length - callsCalcomBefore} for ${colds.length} cold and ${warms.length} warm questions`,
  );
  say(
    `targets: call_inbound p95 ${callRing.toFixed(1)} ms (≤ 50), check_availability p95 warm ${callWarm.toFixed(1)} ms (≤ 50), ` +
      `cold ${callCold.toFixed(1)} ms (≤ 300)`,
  );

  say('2. capacity: requests back to back, no pauses');
  started = performance.now();
  const inbound = await run(REQUESTS, CONCURRENCY, callInbound);
  const inboundP95 = report(
    'call_inbound',
    inbound,
    performance.now() - started,
    /^200 caller_known=(true|false|unknown)$/,
  );

  const calcomBefore = calcom.calls.length;
  const cold: Timed[] = [];
  started = performance.now();
  let coldWall = 0;
  for (let round = 0; cold.length < REQUESTS; round++) {
    await emptyCache();
    const t = performance.now();
    const size = Math.min(CONCURRENCY, REQUESTS - cold.length);
    cold.push(...(await run(size, CONCURRENCY, (i) => checkAvailability(round * CONCURRENCY + i))));
    coldWall += performance.now() - t;
  }
  const coldP95 = report('check_availability, cold cache', cold, coldWall, /^200 [1-9]\d* starts$/);
  const coldCalcom = calcom.calls.length - calcomBefore;

  // every question of the warm phase asked once, unmeasured: from here on the cache holds them
  await run(Math.min(REQUESTS, companies.length * 5), CONCURRENCY, checkAvailability);
  started = performance.now();
  const warmBefore = calcom.calls.length;
  const warm = await run(REQUESTS, CONCURRENCY, checkAvailability);
  const warmP95 = report('check_availability, warm cache', warm, performance.now() - started, /^200 [1-9]\d* starts$/);
  const warmCalcom = calcom.calls.length - warmBefore;
  say(`Cal.com requests: cold ${coldCalcom} for ${cold.length} questions, warm ${warmCalcom} for ${warm.length}`);
  say(
    `at capacity: call_inbound p95 ${inboundP95.toFixed(1)} ms, check_availability p95 warm ${warmP95.toFixed(1)} ms, ` +
      `cold ${coldP95.toFixed(1)} ms`,
  );

  redis.disconnect();
  await system.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
