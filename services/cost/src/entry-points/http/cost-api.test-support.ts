import { once } from 'node:events';
import type { Server } from 'node:http';
import { typeormAutocommit, typeormTransactions } from '@rb/kafka-runner';
import { createLogger, createMetricsRegistry } from '@rb/observability';
import { createTestDatabase } from '../../../../../test/support/postgres';
import { MIGRATIONS } from '../../infra/db/migrations';
import type { RecostResult } from '../../ledger/recost-result';
import { makeApp } from './app';

/** Test support only: cost's HTTP API on its own test database, a fake re-cost, and SQL seeding. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface ApiHarness {
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  base: string;
  recosts: { callId: string; input: { reason: string; requestedBy: string } }[];
  pricesChanged: { count: number };
  request(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string | null; accept?: string },
  ): Promise<Answer>;
  sql<Row = Record<string, unknown>>(text: string, parameters?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test answers are checked with toMatchObject
}

export async function startApiHarness(recost: (callId: string) => RecostResult): Promise<ApiHarness> {
  const db = await createTestDatabase('cost_api', MIGRATIONS);
  const recosts: ApiHarness['recosts'] = [];
  const pricesChanged = { count: 0 };
  const app = makeApp({
    db: typeormAutocommit(db.dataSource),
    transactions: typeormTransactions(db.dataSource),
    adminTokens: [ADMIN_TOKEN],
    health: { isLive: () => true, notReady: () => [] },
    registry: createMetricsRegistry('test'),
    log: createLogger({ service: 'test', level: 'silent' }),
    clock: () => new Date('2024-08-01T10:00:00Z'),
    onPricesChanged: () => void pricesChanged.count++,
    recost: async (callId, input) => (recosts.push({ callId, input }), recost(callId)),
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    db,
    base,
    recosts,
    pricesChanged,
    request: (method, path, options = {}) => request(base, method, path, options),
    sql: (text, parameters) => db.dataSource.query(text, parameters),
    async close() {
      server.close();
      await db.drop();
    },
  };
}

async function request(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; accept?: string },
): Promise<Answer> {
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.accept ? { accept: options.accept } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined;
  return { status: response.status, headers: response.headers, text, body: json };
}
