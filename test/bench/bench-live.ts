/**
 * The live call, in one process against the real broker, registry, PostgreSQL and Redis, with the
 * three services a ringing phone touches started through their composition roots (all of them and
 * the load in ONE Node process and event loop on this 2-core machine: pessimistic, each service
 * has its own process in production):
 *  - call-processor: the tenant directory (imported as a tenants.yaml of BENCH_COMPANIES businesses,
 *    published on the directory topic the others read) and the customers (half the callers known);
 *  - booking: the availability query, with the stateful stand-in Cal.com answering every request
 *    after BENCH_LATENCY_MS (150 by default);
 *  - ingress: call_inbound, check_availability and book_appointment, signed as Retell signs them;
 *    the book goes to booking as a Kafka command and its answer comes back on the answers topic.
 * Two ways of loading it:
 *  1. Calls (what the targets are about): `calls` phone calls at once (default 50), each as a
 *     conversation: the ring (call_inbound), a pause while the caller speaks and the LLM thinks
 *     (BENCH_PAUSE_MS, 1000), check_availability on a cold cache (its business's cached slots are
 *     dropped first, so it goes to Cal.com), a pause, the same question again (warm), a pause, and a
 *     question about another day of the fetched weeks (warm), a pause, and book_appointment for one of
 *     the cold question's starts (every 5th twice at once, every 5th more retried after its answer:
 *     zero double bookings is part of the result); a new call starts when one ends,
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
import { caller, dialled, log, report, run, say, tenantsYaml } from './live-bench-kit';
import type { Timed } from './live-bench-kit';
import { countBookings, makeBookAppointment } from './live-book';
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
  // what each call's cold question offered: the call books one of these
  const offered = new Map<number, string[]>();
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
    const answer = (await response.json()) as { ok: boolean; freie_termine?: { slot_id: string }[]; fehler?: string };
    if (laterDays === 0)
      offered.set(
        i,
        (answer.freie_termine ?? []).map((slot) => slot.slot_id),
      );
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
  const books: Timed[] = [];
  const book = makeBookAppointment(ingress.url);
  const runId = randomUUID().slice(0, 8);
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
      await pause();
      // the caller takes one of the cold question's starts (calls of a business on one day take
      // different ones); every 5th LLM invokes the tool twice at once, every 5th more is retried
      const company = companies[i % companies.length]!;
      const call = { callId: `call_bench_book_${i}_${runId}`, companyId: company.id, branchId: company.branchId };
      const slot = offered.get(i)?.[Math.floor(i / (companies.length * 5)) % 3];
      const repeat = i % 5 === 0 ? 'double_invocation' : i % 5 === 1 ? 'retry' : 'once';
      await timed(books, async () =>
        slot
          ? book({ ...call, from: caller(i % companies.length), to: dialled(i % companies.length) }, slot, repeat)
          : 'no start offered',
      );
      return 'call';
    },
    3 * PAUSE_MS,
  );
  const callsWall = performance.now() - started;
  const callRing = report('call_inbound', rings, callsWall, /^200 caller_known=(true|false|unknown)$/);
  const callCold = report('check_availability, cold cache', colds, callsWall, /^200 [1-9]\d* starts$/);
  const callWarm = report('check_availability, warm cache', warms, callsWall, /^200 [1-9]\d* starts$/);
  // the first answer of each book, timed from ingress taking it to booking's answer (a Kafka
  // command, Cal.com's create, the answer back); in_bearbeitung would mean the deadline passed
  const callBook = report('book_appointment', books, callsWall, /^200 (confirmed|pending|ok=false slot_taken)$/);
  const doubles = countBookings(calcom.bookings);
  say(
    `Cal.com requests: ${calcom.calls.length - callsCalcomBefore} for ${colds.length} cold and ${warms.length} warm questions ` +
      `and ${books.length} books (of them creates: ${calcom.calls.slice(callsCalcomBefore).filter((c) => c === 'POST /v2/bookings').length})`,
  );
  say(
    `bookings in Cal.com: ${doubles.bookings} for ${books.length} calls (${books.length / 5} invoked twice at once, ` +
      `${books.length / 5} retried); idempotency keys booked twice: ${doubles.doubleKeys}, calls with two bookings: ${doubles.callsWithTwo}`,
  );
  say(
    `targets: call_inbound p95 ${callRing.toFixed(1)} ms (≤ 50), check_availability p95 warm ${callWarm.toFixed(1)} ms (≤ 50), ` +
      `cold ${callCold.toFixed(1)} ms (≤ 300), book_appointment p95 ${callBook.toFixed(1)} ms (≤ 1000), ` +
      `double bookings ${doubles.doubleKeys + doubles.callsWithTwo} (0)`,
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
