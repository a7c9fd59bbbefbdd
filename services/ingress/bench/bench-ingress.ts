/**
 * Ingress benchmark: signed Retell webhooks with realistic bodies, each with its own call id (so
 * deduplication cannot help) and one of 1,000 business numbers, against
 *   - ceiling: the same HTTP stack + signature + validation answering without Kafka/Redis;
 *   - full:    the real ingress, Redis dedup/rate limit, the real broker with acks=all.
 * Generator, broker and ingress share the machine. Prints a table and writes .run/bench-ingress.json.
 * Usage: pnpm bench:ingress [seconds per step, default 8]
 *        (BENCH_SIZE=1KB|18KB and BENCH_MODE=ceiling|full narrow it; BENCH_NODE_FLAGS sets V8 flags)
 */
import { fork } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildSync } from 'esbuild';
import { createTopic, uniqueName } from '../../../test/support/kafka';
import { REPO_ROOT, RETELL_FIXTURES_DIR } from '../../../test/paths';
import { signRetellBody } from '../src/webhooks/verify-signature';

const SECONDS = Number(process.argv[2] ?? 8);
const KEY = 'key_bench_0000000000000001';
const SIZES = {
  '1KB call_started': readFileSync(join(RETELL_FIXTURES_DIR, '01-call_started.salon-inbound.json'), 'utf8'),
  '18KB call_ended': JSON.stringify(
    JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, '02-call_ended.salon-inbound.json'), 'utf8')),
  ),
};
const CONNECTIONS = [10, 50, 100];
// for experiments: BENCH_SIZE=18KB measures one body size, BENCH_MODE=full one mode
const ONLY_SIZE = process.env.BENCH_SIZE;
const MODES = (['ceiling', 'full'] as const).filter((m) => !process.env.BENCH_MODE || process.env.BENCH_MODE === m);

interface Row {
  size: string;
  mode: string;
  load: string;
  reqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  peakRssMb: number;
}

/** Pre-signed requests with distinct call ids, so the generator spends its CPU on sending only. */
function prepare(template: string, count: number): { body: string; signature: string }[] {
  const { call } = JSON.parse(template) as { call: { call_id: string; to_number: string } };
  const run = Date.now().toString(36);
  return Array.from({ length: count }, (_, i) => {
    const body = template
      .split(call.call_id)
      .join(`call_b${run}${i.toString(36).padStart(6, '0')}`)
      .split(call.to_number)
      .join(`+4930${String(100000 + (i % 1000))}`);
    return { body, signature: signRetellBody(body, KEY, Date.now()) };
  });
}

async function startServer(mode: 'full' | 'ceiling', topic: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(BENCH_SERVER_JS, [], {
    // the same V8 flags and malloc setting scripts/up.sh runs ingress with
    execArgv: (process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=8 --heap-growing-percent=50')
      .split(' ')
      .filter(Boolean),
    env: {
      MALLOC_ARENA_MAX: '1',
      ...process.env,
      MODE: mode,
      BENCH_TOPIC: topic,
      RETELL_API_KEY: KEY,
      PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, url };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

interface LoadResult {
  reqPerSec: number;
  latenciesMs: number[];
  errors: number;
  non2xx: number;
}

/** Drives the server as hard as `connections` allow; latencies are recorded per response, so percentiles are exact. */
function load(url: string, requests: { body: string; signature: string }[], connections: number): Promise<LoadResult> {
  let next = 0;
  const latenciesMs: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/webhooks/retell`,
        connections,
        duration: SECONDS,
        requests: [
          {
            method: 'POST',
            setupRequest: (request: autocannon.Request) => {
              const { body, signature } = requests[next++ % requests.length]!;
              return {
                ...request,
                body,
                headers: { 'content-type': 'application/json', 'x-retell-signature': signature },
              };
            },
          },
        ],
      },
      (error: Error | null, result: autocannon.Result) => {
        if (error) return reject(error);
        resolve({
          reqPerSec: result.requests.average,
          latenciesMs,
          errors: result.errors + result.timeouts,
          non2xx: result.non2xx,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) =>
      latenciesMs.push(responseTimeMs),
    );
  });
}

/**
 * Open-loop load at a fixed rate: requests leave evenly spaced whatever the answers do, on a
 * keep-alive pool. (autocannon's overallRate sends each connection's whole per-second quota
 * back to back at the start of every second, which measures bursts, not a steady rate.)
 */
function paced(url: string, requests: { body: string; signature: string }[], rate: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const { hostname, port } = new URL(url);
  const latenciesMs: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let next = 0;
  const total = rate * SECONDS;
  const interval = 1000 / rate;
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = 0;
    const done = () => {
      if (++settled < total) return;
      agent.destroy();
      resolve({ reqPerSec: total / ((performance.now() - started) / 1000), latenciesMs, errors, non2xx });
    };
    const send = () => {
      const { body, signature } = requests[next++ % requests.length]!;
      const sentAt = performance.now();
      const req = httpRequest(
        {
          agent,
          hostname,
          port,
          path: '/webhooks/retell',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-retell-signature': signature,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latenciesMs.push(performance.now() - sentAt);
            if (res.statusCode! < 200 || res.statusCode! > 299) non2xx++;
            done();
          });
        },
      );
      req.on('error', () => {
        errors++;
        done();
      });
      req.end(body);
    };
    let sent = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      for (; sent < due; sent++) send();
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
    };
    tick();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}

async function measure(
  size: string,
  mode: 'full' | 'ceiling',
  requests: { body: string; signature: string }[],
): Promise<Row[]> {
  const topic = uniqueName('bench.retell-events');
  if (mode === 'full') await createTopic(topic, 6);
  const { child, url } = await startServer(mode, topic);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 200);
  const rows: Row[] = [];
  try {
    await paced(url, requests, 500); // warm-up: JIT, connections, producer metadata
    // the steady 1,000 req/s step first, so its peak RSS is not the one of the saturating steps
    const steps: [string, number, number | undefined][] = [
      ['1000 req/s', 0, 1000],
      ...CONNECTIONS.map((c) => [`${c} conns`, c, undefined] as [string, number, undefined]),
    ];
    for (const [label, connections, rate] of steps) {
      const r = rate ? await paced(url, requests, rate) : await load(url, requests, connections);
      const sorted = r.latenciesMs.sort((a, b) => a - b);
      rows.push({
        size,
        mode,
        load: label,
        reqPerSec: Math.round(r.reqPerSec),
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        errors: r.errors,
        non2xx: r.non2xx,
        peakRssMb: Math.round(peak),
      });
      console.error(`  ${size} ${mode} ${label}: ${Math.round(r.reqPerSec)} req/s, p99 ${percentile(sorted, 99)} ms`);
    }
  } finally {
    clearInterval(sampler);
    child.kill('SIGTERM');
  }
  return rows;
}

/** Bundled like the production build (no TypeScript loader in the measured process). */
const BENCH_SERVER_JS = join(REPO_ROOT, '.run', 'bench-server.js');
function buildServer(): void {
  buildSync({
    entryPoints: [join(__dirname, 'bench-server.ts')],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile: BENCH_SERVER_JS,
    logLevel: 'warning',
  });
}

async function main(): Promise<void> {
  buildServer();
  const rows: Row[] = [];
  for (const [size, template] of Object.entries(SIZES)) {
    if (ONLY_SIZE && !size.startsWith(ONLY_SIZE)) continue;
    const requests = prepare(template, 400_000 / Math.max(1, Math.round(template.length / 1000)));
    for (const mode of MODES) rows.push(...(await measure(size, mode, requests)));
  }
  console.log(
    `\nIngress benchmark (${SECONDS} s per step; generator, broker, Redis and ingress on one 2-core machine)`,
  );
  console.log('size             mode     load         req/s    p50 ms  p95 ms  p99 ms  errors  non-2xx  peak RSS MB');
  for (const r of rows) {
    console.log(
      `${r.size.padEnd(17)}${r.mode.padEnd(9)}${r.load.padEnd(13)}${String(r.reqPerSec).padStart(6)}  ${String(r.p50).padStart(6)}  ${String(r.p95).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.errors).padStart(6)}  ${String(r.non2xx).padStart(7)}  ${String(r.peakRssMb).padStart(11)}`,
    );
  }
  console.log('\nfull / ceiling at best throughput:');
  for (const size of Object.keys(SIZES)) {
    if (MODES.length < 2 || (ONLY_SIZE && !size.startsWith(ONLY_SIZE))) continue;
    const best = (mode: string) =>
      Math.max(
        ...rows.filter((r) => r.size === size && r.mode === mode && r.load.endsWith('conns')).map((r) => r.reqPerSec),
      );
    console.log(
      `  ${size}: ${best('full')} / ${best('ceiling')} req/s = ${(best('full') / best('ceiling')).toFixed(2)}x (target >= 0.70x)`,
    );
  }
  mkdirSync(join(REPO_ROOT, '.run'), { recursive: true });
  writeFileSync(join(REPO_ROOT, '.run', 'bench-ingress.json'), JSON.stringify(rows, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
