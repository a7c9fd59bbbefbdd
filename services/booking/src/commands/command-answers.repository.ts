import type { BookingCommandAnsweredV1, CommandResult } from '@rb/contracts';
import { CommandResultSchema } from '@rb/contracts';
import type { Sql } from '@rb/kafka-runner';

export type CommandKind = BookingCommandAnsweredV1['command'];

/** The first answer given for an idempotency key (a repeated command gets it again), if any. */
export async function findAnswer(sql: Sql, idempotencyKey: string): Promise<CommandResult | undefined> {
  const [row] = await sql.query<{ result: unknown }>('SELECT result FROM command_answers WHERE idempotency_key = $1', [
    idempotencyKey,
  ]);
  return row ? CommandResultSchema.parse(row.result) : undefined;
}

/**
 * The key's answer, in the transaction that sends it: false when another command with the same key
 * was answered first (that answer stands; `ON CONFLICT DO NOTHING` keeps the transaction usable).
 */
export async function saveAnswer(
  sql: Sql,
  idempotencyKey: string,
  command: CommandKind,
  result: CommandResult,
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO command_answers (idempotency_key, command, result) VALUES ($1, $2, $3)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1 AS saved`,
    [idempotencyKey, command, JSON.stringify(result)],
  );
  return rows.length === 1;
}
