import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths';

/** One answer of /api/v1/query, as Prometheus sends it. */
export type QueryAnswer =
  | {
      status: 'success';
      data: { resultType: string; result: { metric: Record<string, string>; value?: [number, string] }[] };
    }
  | { status: 'error'; errorType: string; error: string };

export interface RunningPrometheus {
  url: string;
  query(expr: string): Promise<QueryAnswer>;
  /** what every scraped target declared (# HELP / # TYPE), by metric name, series or not */
  metadataNames(): Promise<Set<string>>;
  /** the names of the loaded recording rules */
  recordedNames(): Promise<Set<string>>;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  "Prometheus is not installed: the dashboard test runs a real prometheus. Install Debian's package " +
  '(apt-get install -y --no-install-recommends prometheus; scripts/test.sh does this on a new machine).';

/** Fails with how to install it when the `prometheus` binary is not on PATH. */
export function requirePrometheus(): void {
  try {
    execFileSync('prometheus', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(INSTALL_HINT);
  }
}

/**
 * A real Prometheus on 127.0.0.1, in a temporary directory (config and TSDB), scraping each job's
 * targets every second with the repository's rule files loaded and evaluated every second.
 */
export async function startPrometheus(jobs: Record<string, string[]>): Promise<RunningPrometheus> {
  requirePrometheus();
  const dir = mkdtempSync(join(tmpdir(), 'rb-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    rule_files: [join(REPO_ROOT, 'deploy', 'prometheus', 'rules', '*.yml')],
    scrape_configs: Object.entries(jobs).map(([job, targets]) => ({
      job_name: job,
      static_configs: [{ targets }],
    })),
  };
  // JSON is YAML
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${url}${path}`)).json()) as T;
  const stop = () => stopChild(child).finally(() => rmSync(dir, { recursive: true, force: true }));
  try {
    await waitUntilReady(url, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    query: (expr) => get<QueryAnswer>(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    async metadataNames() {
      const answer = await get<{ data: Record<string, unknown> }>('/api/v1/metadata');
      return new Set(Object.keys(answer.data));
    },
    async recordedNames() {
      const answer = await get<{ data: { groups: { rules: { type: string; name: string }[] }[] } }>(
        '/api/v1/rules?type=record',
      );
      return new Set(answer.data.groups.flatMap((g) => g.rules.map((r) => r.name)));
    },
    stop,
  };
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr()}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`prometheus not ready after 20 s: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A port free on 127.0.0.1 a moment ago (prometheus cannot report a port it chose itself). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
