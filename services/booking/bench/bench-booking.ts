/**
 * booking benchmark, in-process against the real broker, PostgreSQL, Redis and registry, with the
 * stateful fake Cal.com answering every call after `latency` ms (100 by default, as DESIGN.md's
 * target assumes). Each company has its own Cal.com account (credential) and event type.
 *  A. throughput: the intents topic pre-filled with N intents, consumed from the start: bookings/s
 *     (outcomes/s) until the last outcome is out;
 *  B. latency: intents produced at a steady rate while consuming: intent produced → outcome read
 *     (p50/p95/p99).
 * The call mix: a share of the intents (`taken`, default 0.2) wish for a time an earlier caller of
 * the same business already booked, so they get alternatives (availability questions); the rest
 * book their wish. Reports Cal.com HTTP calls per confirmed booking and the availability cache's
 * hit rate, both from the fake's own count and the service's metrics.
 * Usage: pnpm bench:booking [intents=600] [steady intents/s=20] [steady seconds=15]
 * Env: BENCH_COMPANIES (20), BENCH_LATENCY_MS (100), BENCH_TAKEN (0.2). The wishes that are not
 * taken overlap no earlier wish of their business, so the share of taken wishes is BENCH_TAKEN.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { BookingIntentRequestedV1 } from '@rb/contracts';
import { createTestDatabase } from '../../../test/support/postgres';
import { admin, createTopics, intentSender, makeIntent, outcomeReader, startService } from '../test/booking-harness';
import { startStatefulCalcom } from '../test/stateful-calcom';
import { MIGRATIONS } from '../src/infra/db/migrations';

const [INTENTS, RATE, STEADY_SECONDS] = [
  Number(process.argv[2] ?? 600),
  Number(process.argv[3] ?? 20),
  Number(process.argv[4] ?? 15),
];
const COMPANIES = Number(process.env.BENCH_COMPANIES ?? 20);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const TAKEN = Number(process.env.BENCH_TAKEN ?? 0.2);
const TOKEN = 'cal_bench_key';

const say = (line: string) => process.stdout.write(`${line}\n`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** Wishes on weekdays from 5 October 2026, quarter hours 08:00–17:00 UTC; a `taken` share repeats an earlier wish. */
function makeWishes(companies: string[], count: number, firstDay: string, seed: number) {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const earlier = new Map<string, string[]>();
  const intents: BookingIntentRequestedV1[] = [];
  for (let i = 0; i < count; i++) {
    const company = companies[i % companies.length]!;
    const eventTypeId = 1000 + (i % companies.length);
    const before = earlier.get(company) ?? [];
    let start: string;
    if (before.length > 0 && random() < TAKEN) start = before[Math.floor(random() * before.length)]!;
    else {
      // a free wish: no earlier caller of this business holds any of its 45 minutes
      do {
        let day = DateTime.fromISO(firstDay, { zone: 'utc' }).plus({ days: Math.floor(random() * 14) });
        while (day.weekday > 5) day = day.plus({ days: 1 });
        start = day.plus({ minutes: 8 * 60 + 15 * Math.floor(random() * 36) }).toISO({ suppressMilliseconds: true })!;
      } while (before.some((b) => Math.abs(Date.parse(b) - Date.parse(start)) < 45 * 60_000));
    }
    earlier.set(company, [...before, start]);
    intents.push(makeIntent(company, start.replace('.000', ''), { eventTypeId }));
  }
  return intents;
}

async function scrape(port: number) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sum = (pattern: RegExp) =>
    text
      .split('\n')
      .filter((line) => pattern.test(line))
      .reduce((total, line) => total + Number(line.split(' ').pop()), 0);
  return {
    hits: sum(/^booking_availability_lookups_total\{result="hit"/),
    misses: sum(/^booking_availability_lookups_total\{result="miss"/),
    calcomRequests: sum(/^booking_calcom_requests_total\{/),
  };
}

async function main(): Promise<void> {
  const db = await createTestDatabase('booking_bench', MIGRATIONS);
  const calcom = await startStatefulCalcom({
    validTokens: [TOKEN],
    latencyMs: LATENCY_MS,
    openCalendar: true,
    uidPrefix: `b${Date.now()}_`,
  });
  const topics = await createTopics(12);
  const sender = await intentSender(topics.intents);
  const outcomes = await outcomeReader(topics.outcomes);
  const clock = () => new Date('2026-10-01T08:00:00Z');
  const env = { CALCOM_CONCURRENCY: '8' };
  say(
    `booking benchmark: Cal.com fake at ${LATENCY_MS} ms, ${COMPANIES} companies (one Cal.com account each), ${Math.round(TAKEN * 100)} % of wishes already taken`,
  );

  // accounts first, through the admin API (each checked with the fake, which costs one call)
  let service = await startService(db.url, topics, env, { clock });
  const companies = Array.from({ length: COMPANIES }, () => randomUUID());
  for (const company of companies) {
    const answer = await admin(service.port, 'PUT', `/companies/${company}/calcom-account`, {
      baseUrl: calcom.url,
      kind: 'api_key',
      token: TOKEN,
    });
    if (answer.status !== 200) throw new Error(`account: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  await service.stop();
  const setupCalls = calcom.calls.length;

  // A. throughput from a pre-filled topic
  const backlog = makeWishes(companies, INTENTS, '2026-10-05', 7);
  for (let i = 0; i < backlog.length; i += 100)
    await Promise.all(backlog.slice(i, i + 100).map((intent) => sender.send(intent)));
  const started = Date.now();
  service = await startService(db.url, topics, env, { clock });
  const callIds = new Set(backlog.map((i) => i.callId));
  while (outcomes.received.filter((r) => callIds.has(r.outcome.callId)).length < backlog.length) {
    if (Date.now() - started > 300_000) throw new Error('throughput phase did not finish in 5 minutes');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const lastAt = Math.max(...outcomes.received.map((r) => r.at));
  const seconds = (lastAt - started) / 1000;
  const types = new Map<string, number>();
  for (const r of outcomes.received) types.set(r.outcome.type, (types.get(r.outcome.type) ?? 0) + 1);
  say(
    `A. throughput: ${backlog.length} intents in ${seconds.toFixed(1)} s (incl. joining the group) = ${(backlog.length / seconds).toFixed(1)} outcomes/s`,
  );
  say(`   outcomes: ${[...types.entries()].map(([t, n]) => `${t} ${n}`).join(', ')}`);

  // B. latency at a steady rate (new wishes from another fortnight)
  const steady = makeWishes(companies, RATE * STEADY_SECONDS, '2026-10-19', 11);
  const sentAt = new Map<string, number>();
  const t0 = Date.now();
  for (const [i, intent] of steady.entries()) {
    const due = t0 + (i * 1000) / RATE;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    sentAt.set(intent.callId, Date.now());
    void sender.send(intent);
  }
  const deadline = Date.now() + 60_000;
  while (
    outcomes.received.filter((r) => sentAt.has(r.outcome.callId)).length < steady.length &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const latencies = outcomes.received
    .filter((r) => sentAt.has(r.outcome.callId))
    .map((r) => r.at - sentAt.get(r.outcome.callId)!)
    .sort((a, b) => a - b);
  say(
    `B. latency at ${RATE} intents/s for ${STEADY_SECONDS} s: ${latencies.length}/${steady.length} outcomes; intent → outcome p50 ${percentile(latencies, 0.5)} ms, p95 ${percentile(latencies, 0.95)} ms, p99 ${percentile(latencies, 0.99)} ms, max ${latencies.at(-1)} ms`,
  );

  const metrics = await scrape(service.port);
  await service.stop();
  const all = [...backlog, ...steady];
  const confirmed = outcomes.received.filter((r) => r.outcome.type === 'booking.confirmed.v1').length;
  const calls = calcom.calls.slice(setupCalls);
  const byRoute = new Map<string, number>();
  for (const c of calls) byRoute.set(c, (byRoute.get(c) ?? 0) + 1);
  const duplicates = new Set(calcom.bookings.map((b) => b.metadata.idempotencyKey)).size !== calcom.bookings.length;
  say(
    `Cal.com calls: ${calls.length} for ${all.length} intents (${[...byRoute.entries()].map(([r, n]) => `${r} ${n}`).join(', ')})`,
  );
  say(
    `   per confirmed booking: ${(calls.length / confirmed).toFixed(2)} (all calls, alternatives' availability questions included; ${confirmed} confirmed); the service counted ${metrics.calcomRequests}`,
  );
  say(`   bookings in the fake: ${calcom.bookings.length}, two for one intent: ${duplicates ? 'YES' : 'none'}`);
  const lookups = metrics.hits + metrics.misses;
  say(
    `availability cache: ${metrics.hits} hits / ${lookups} day lookups = ${lookups ? ((100 * metrics.hits) / lookups).toFixed(1) : '–'} % hit rate`,
  );

  await sender.stop();
  await outcomes.stop();
  await calcom.stop();
  await db.drop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
