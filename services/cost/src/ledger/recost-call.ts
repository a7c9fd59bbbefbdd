import type { Transactions } from '@rb/kafka-runner';
import { appendOutbox } from '@rb/kafka-runner';
import type { CostCallsDeps } from './cost-calls';
import { lockCalls } from './call-locks';
import { costCalls } from './cost-calls';
import type { RecostResult } from './recost-result';

/**
 * An operator's re-cost of one call: its costing decided again with the plans, Twilio rate and
 * reseller in force today for its start (not the ones it was costed with), the difference
 * appended as a revision with the reason, and the request audited in `recost_audit` whatever came
 * of it — all in one transaction.
 */
export async function recostCall(
  transactions: Transactions,
  deps: CostCallsDeps,
  callId: string,
  input: { reason: string; requestedBy: string },
): Promise<RecostResult> {
  return transactions(async (sql) => {
    await lockCalls(sql, [callId]);
    const [known] = await sql.query<{ revision: number | null }>(
      `SELECT c.revision FROM call_facts f LEFT JOIN call_costings c USING (call_id) WHERE f.call_id = $1`,
      [callId],
    );
    if (!known) return { kind: 'unknown_call' };
    const before = known.revision ?? 0;
    const outcome = (await costCalls(sql, [callId], { kind: 'recost', reason: input.reason }, deps)).get(callId)!;
    const result: RecostResult =
      outcome.kind === 'revised'
        ? { kind: 'recosted', revision: outcome.revision }
        : outcome.kind === 'unchanged'
          ? { kind: 'unchanged', revision: outcome.revision }
          : {
              kind: 'not_costable',
              reason: outcome.kind === 'pending' ? `waiting for ${outcome.waitingFor}` : 'the call has not ended',
            };
    if (outcome.kind === 'revised') await appendOutbox(sql, [outcome.event]);
    await sql.query(
      `INSERT INTO recost_audit (call_id, reason, requested_by, requested_at, revision_before, revision_after, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        callId,
        input.reason,
        input.requestedBy,
        deps.clock(),
        before,
        'revision' in result ? result.revision : before,
        result.kind,
      ],
    );
    return result;
  });
}
