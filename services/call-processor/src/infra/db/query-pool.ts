import type { QueryResultRow } from 'pg';
import { Pool } from 'pg';
import type { Sql } from '@rb/kafka-runner';

/** Nobody waits longer for an answer while the phone rings (the asker gives up after ~50 ms). */
const QUERY_TIMEOUT_MS = 1_000;

/**
 * The connections of the internal query API, apart from the consumer's pool: a busy consumer
 * (one transaction per partition in flight, plus the relay, inbox pruning and directory reloads)
 * can take every connection of that one, and a question asked while the phone rings must not
 * queue behind it. All `size` connections are opened at start and kept while idle, so no request
 * waits for a connection to be set up; one that drops is replaced when next needed. A read that
 * would take longer than anyone waits is cancelled, and waiting for a connection is bounded too.
 */
export class QueryPool implements Sql {
  private readonly pool: Pool;

  constructor(
    url: string,
    private readonly size: number,
    /** an idle connection failed (the server restarted); the pool has already dropped it */
    onError: (error: Error) => void,
  ) {
    this.pool = new Pool({
      connectionString: url,
      max: size,
      idleTimeoutMillis: 0,
      connectionTimeoutMillis: QUERY_TIMEOUT_MS,
      statement_timeout: QUERY_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'call-processor-queries',
    });
    this.pool.on('error', onError);
  }

  /** Opens every connection now. */
  async open(): Promise<void> {
    const clients = await Promise.all(Array.from({ length: this.size }, () => this.pool.connect()));
    for (const client of clients) client.release();
  }

  async query<Row = Record<string, unknown>>(text: string, parameters?: unknown[]): Promise<Row[]> {
    return (await this.pool.query<QueryResultRow>(text, parameters)).rows as Row[];
  }

  /** Closes every connection (after the HTTP server stopped taking requests). */
  end(): Promise<void> {
    return this.pool.end();
  }
}
