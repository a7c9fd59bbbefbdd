/** The live-call benchmark's parts (bench-live.ts): the bench's businesses, the load runner and the report. */
import { createLogger } from '@rb/observability';
import { percentile } from '../support/bench';

export const say = (line: string) => process.stdout.write(`${line}\n`);
export const log = createLogger({ service: 'bench-live', level: 'silent' });

/** A business per index: one branch open Monday to Saturday, one service, one number. */
export function tenantsYaml(count: number): string {
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
export const dialled = (i: number) => `+4930555${String(i).padStart(4, '0')}`;
export const caller = (i: number) => `+49176${String(1_000_000 + i).padStart(7, '0')}`;

export interface Timed {
  ms: number;
  outcome: string;
}

/** `total` requests, `concurrency` at a time; each returns its outcome label. */
export async function run(
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

export function report(name: string, results: Timed[], wallMs: number, usable: RegExp): number {
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
