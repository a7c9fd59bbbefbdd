import type { Sql } from '@rb/kafka-runner';
import type { Plan } from '../costing/cost-inputs';
import type { PlanRow } from '../ledger/price-tables';
import { toPlan } from '../ledger/price-tables';
import { lockPriceKey } from './price-lock';

/** A stored plan and who decided it when. */
export interface PlanRecord {
  plan: Plan;
  createdAt: Date;
  createdBy: string;
}

type RecordRow = PlanRow & { created_at: Date; created_by: string };
const toRecord = (r: RecordRow): PlanRecord => ({ plan: toPlan(r), createdAt: r.created_at, createdBy: r.created_by });
const buyerId = (buyer: Plan['buyer']): string | null =>
  buyer.kind === 'reseller' ? buyer.resellerId : buyer.kind === 'company' ? buyer.companyId : null;

/** Locks the plan's (seller, buyer) for the transaction, then reads every plan of that pair. */
export async function lockedPlansOfPair(sql: Sql, plan: Plan): Promise<Plan[]> {
  await lockPriceKey(sql, `plans|${plan.seller}|${plan.buyer.kind}|${buyerId(plan.buyer) ?? ''}`);
  const rows = await sql.query<RecordRow>(
    'SELECT * FROM plans WHERE seller = $1 AND buyer_kind = $2 AND buyer_id IS NOT DISTINCT FROM $3::uuid',
    [plan.seller, plan.buyer.kind, buyerId(plan.buyer)],
  );
  return rows.map(toPlan);
}

/** Stores a new plan; false when its id is taken. */
export async function insertPlan(sql: Sql, plan: Plan, createdBy: string, createdAt: Date): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO plans (id, seller, buyer_kind, buyer_id, currency, unit, price_per_unit, minimum_per_connected_call,
                        fee_per_confirmed_booking, monthly_fee, included_minutes, valid_from, valid_until, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      plan.id,
      plan.seller,
      plan.buyer.kind,
      buyerId(plan.buyer),
      plan.currency,
      plan.unit,
      plan.pricePerUnit.toDecimalString(),
      plan.minimumPerConnectedCall.toDecimalString(),
      plan.feePerConfirmedBooking?.toDecimalString() ?? null,
      plan.monthlyFee.toDecimalString(),
      plan.includedMinutes,
      plan.validFrom,
      plan.validUntil,
      createdAt,
      createdBy,
    ],
  );
  return rows.length === 1;
}

/** One plan, locked for the transaction (FOR UPDATE); null when unknown. */
export async function findPlanForUpdate(sql: Sql, id: string): Promise<PlanRecord | null> {
  const rows = await sql.query<RecordRow>('SELECT * FROM plans WHERE id = $1 FOR UPDATE', [id]);
  const [row] = rows;
  return row ? toRecord(row) : null;
}

/** Ends a plan at `validUntil` (the only change a stored plan ever takes). */
export async function endPlan(sql: Sql, id: string, validUntil: Date): Promise<PlanRecord> {
  const rows = await sql.query<RecordRow>('UPDATE plans SET valid_until = $2 WHERE id = $1 RETURNING *', [
    id,
    validUntil,
  ]);
  return toRecord(rows[0]!);
}

export interface PlanFilter {
  seller: string | null;
  /** a reseller's or company's id, or 'default' */
  buyer: string | null;
  /** a reseller's view: the plans it sells, the platform's plans for it, and the platform's default plans */
  visibleTo: string | null;
}

/** Plans by seller and buyer, oldest validity first. */
export async function listPlans(sql: Sql, filter: PlanFilter): Promise<PlanRecord[]> {
  const rows = await sql.query<RecordRow>(
    `SELECT * FROM plans
      WHERE ($1::text IS NULL OR seller = $1)
        AND ($2::text IS NULL OR ($2 = 'default' AND buyer_kind = 'default') OR buyer_id::text = $2)
        AND ($3::text IS NULL OR seller = $3
             OR (seller = 'platform' AND (buyer_kind = 'default' OR (buyer_kind = 'reseller' AND buyer_id::text = $3))))
      ORDER BY seller, buyer_kind, buyer_id, valid_from, id`,
    [filter.seller, filter.buyer, filter.visibleTo],
  );
  return rows.map(toRecord);
}
