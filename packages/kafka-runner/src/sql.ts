import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import { inTransactionSpan } from './transaction-span';

/** What the kit needs of a database connection: one parameterised statement at a time. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, parameters?: unknown[]): Promise<Row[]>;
}

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
export type Transactions = <T>(work: (sql: Sql) => Promise<T>) => Promise<T>;

/**
 * Transactions over a TypeORM DataSource (PostgreSQL). Statements run through the query runner's
 * structured result, so every statement answers with its rows: a plain `manager.query` answers
 * an UPDATE or DELETE with `[rows, rowCount]` instead, which would read as one odd row. Each
 * transaction run as part of traced work gets a span (`transaction-span`).
 */
export function typeormTransactions(dataSource: DataSource): Transactions {
  return (work) =>
    inTransactionSpan((counted) =>
      dataSource.transaction((manager) =>
        work({
          query: async <Row>(text: string, parameters?: unknown[]) => {
            counted();
            return (await manager.queryRunner!.query(text, parameters, true)).records as Row[];
          },
        }),
      ),
    );
}

export interface ServiceDataSourceOptions {
  poolSize?: number;
  /** the server cancels a statement running longer than this (`statement_timeout`); 0 = never */
  statementTimeoutMs?: number;
  /**
   * the server ends a session that sits this long inside a transaction without a statement
   * (`idle_in_transaction_session_timeout`), which rolls the transaction back and frees its locks;
   * 0 = never
   */
  idleInTransactionTimeoutMs?: number;
}

/** What a service's pool uses unless its configuration says otherwise. */
export const DATABASE_TIMEOUT_DEFAULTS = { statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 60_000 };

/**
 * A service's own PostgreSQL: its migrations run at start-up (each once, in its own
 * transaction), and a pool that cannot give a connection says so instead of hanging callers.
 * Every session of the pool has a statement timeout and an idle-in-transaction timeout, so no
 * statement and no transaction left open across a call elsewhere (Kafka, Cal.com) holds rows
 * locked indefinitely. A migration that needs longer than the statement timeout raises it for
 * its own transaction (`SET LOCAL statement_timeout = ...`).
 */
export function serviceDataSource(
  url: string,
  migrations: (new () => MigrationInterface)[],
  options: ServiceDataSourceOptions = {},
): DataSource {
  const { statementTimeoutMs, idleInTransactionTimeoutMs } = { ...DATABASE_TIMEOUT_DEFAULTS, ...definedOnly(options) };
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    poolSize: options.poolSize ?? 10,
    // node-postgres sends these as start-up parameters of every connection of the pool
    extra: {
      connectionTimeoutMillis: 10_000,
      statement_timeout: statementTimeoutMs,
      idle_in_transaction_session_timeout: idleInTransactionTimeoutMs,
    },
  });
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Single statements outside any transaction (each commits on its own), answered like `typeormTransactions`. */
export function typeormAutocommit(dataSource: DataSource): Sql {
  return {
    query: async <Row>(text: string, parameters?: unknown[]) => {
      const runner = dataSource.createQueryRunner();
      try {
        return (await runner.query(text, parameters, true)).records as Row[];
      } finally {
        await runner.release();
      }
    },
  };
}

/**
 * The kit's tables, as a TypeORM migration each service lists beside its own:
 * - `processed_messages`: the inbox; one row per (consumer, event id) makes a consumer idempotent;
 * - `outbox`: events to publish, in insertion order, with their key and headers.
 */
export class CreateMessagingTables1764000000000 implements MigrationInterface {
  name = 'CreateMessagingTables1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE processed_messages (
      consumer text NOT NULL,
      event_id text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id))`);
    await runner.query(`CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      topic text NOT NULL,
      key text NOT NULL,
      value bytea NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz)`);
    await runner.query('CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL');
    await runner.query('CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL');
    await runner.query('CREATE INDEX processed_messages_processed_at ON processed_messages (processed_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE outbox');
    await runner.query('DROP TABLE processed_messages');
  }
}
