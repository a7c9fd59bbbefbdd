import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT, SHARED_DIR } from '../paths';

/** Cal.com's bookings OpenAPI subset the contract mock serves (../shared/calcom, see its NOTES.md §C). */
export const CALCOM_OPENAPI = join(SHARED_DIR, 'calcom', 'openapi-bookings.json');
const PRISM = join(REPO_ROOT, 'services', 'booking', 'node_modules', '.bin', 'prism');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Prism mocking the Cal.com spec on 127.0.0.1 and waits until it answers. Prism validates
 * every request against the spec: an invalid one gets the spec's 400 `validation` example.
 */
export async function startPrism(): Promise<{ url: string; stop: () => Promise<void>; log: () => string }> {
  if (!existsSync(CALCOM_OPENAPI)) throw new Error(`Cal.com OpenAPI not found at ${CALCOM_OPENAPI}; set SHARED_DIR`);
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(PRISM, ['mock', '-h', '127.0.0.1', '-p', String(port), CALCOM_OPENAPI], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prism exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/v2/slots?eventTypeId=1&start=2050-09-05&end=2050-09-06`, {
      headers: { 'cal-api-version': '2024-09-04' },
    }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prism not ready after 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    log: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
