import type { Sql } from '@rb/kafka-runner';
import type { LedgerKind } from '../costing/cost-inputs';
import { LEDGER_DECIMALS } from '../costing/cost-inputs';
import { Exact } from '../money/exact';

/** Who a ledger line is attributed to; a change of attribution moves amounts by adjustment. */
export interface LineAttribution {
  companyId: string | null;
  resellerId: string | null;
  branchId: string | null;
  phoneNumberId: string | null;
  serviceId: string | null;
  staffId: string | null;
}

/** The ledger's key of a line besides its kind, component and currency: its attribution, as text. */
export function attributionKey(a: LineAttribution): string {
  return JSON.stringify([a.companyId, a.resellerId, a.branchId, a.phoneNumberId, a.serviceId, a.staffId]);
}

export function attributionOfKey(key: string): LineAttribution {
  const [companyId, resellerId, branchId, phoneNumberId, serviceId, staffId] = JSON.parse(key) as (string | null)[];
  return {
    companyId: companyId ?? null,
    resellerId: resellerId ?? null,
    branchId: branchId ?? null,
    phoneNumberId: phoneNumberId ?? null,
    serviceId: serviceId ?? null,
    staffId: staffId ?? null,
  };
}

/** A call's entries summed per line: its current costing. */
export interface LedgerSum {
  kind: LedgerKind;
  component: string;
  currency: string;
  attributionKey: string;
  amount: Exact;
  amountEur: Exact;
}

/** One entry to append; amounts exact at the ledger's scale. */
export interface NewLedgerEntry extends Omit<LedgerSum, 'attributionKey'> {
  callId: string;
  revision: number;
  cause: 'costed' | 'late_fact' | 'recost';
  attribution: LineAttribution;
  callDay: string;
  rateDate: string | null;
  usdPerEur: Exact | null;
  wholesalePlanId: string | null;
  retailPlanId: string | null;
  twilioRateId: string | null;
}

interface SumRow {
  call_id: string;
  kind: LedgerKind;
  component: string;
  currency: string;
  company_id: string | null;
  reseller_id: string | null;
  branch_id: string | null;
  phone_number_id: string | null;
  service_id: string | null;
  staff_id: string | null;
  amount: string;
  amount_eur: string;
}

/** The current sums of the calls' ledger lines, in one statement; calls without entries are absent. */
export async function loadLedgerSums(sql: Sql, callIds: readonly string[]): Promise<Map<string, LedgerSum[]>> {
  const rows = await sql.query<SumRow>(
    `SELECT call_id, kind, component, currency, company_id, reseller_id, branch_id, phone_number_id, service_id, staff_id,
            sum(amount)::text AS amount, sum(amount_eur)::text AS amount_eur
       FROM ledger_entries WHERE call_id = ANY($1::text[])
      GROUP BY call_id, kind, component, currency, company_id, reseller_id, branch_id, phone_number_id, service_id, staff_id`,
    [callIds],
  );
  const sums = new Map<string, LedgerSum[]>();
  for (const r of rows) {
    const list = sums.get(r.call_id) ?? [];
    list.push({
      kind: r.kind,
      component: r.component,
      currency: r.currency,
      attributionKey: attributionKey({
        companyId: r.company_id,
        resellerId: r.reseller_id,
        branchId: r.branch_id,
        phoneNumberId: r.phone_number_id,
        serviceId: r.service_id,
        staffId: r.staff_id,
      }),
      amount: Exact.parse(r.amount),
      amountEur: Exact.parse(r.amount_eur),
    });
    sums.set(r.call_id, list);
  }
  return sums;
}

const COLUMNS = [
  'call_id',
  'revision',
  'cause',
  'kind',
  'component',
  'currency',
  'amount',
  'amount_eur',
  'company_id',
  'reseller_id',
  'branch_id',
  'phone_number_id',
  'service_id',
  'staff_id',
  'call_day',
  'rate_date',
  'usd_per_eur',
  'wholesale_plan_id',
  'retail_plan_id',
  'twilio_rate_id',
] as const;
const TYPES = [
  'text',
  'int',
  'text',
  'text',
  'text',
  'text',
  'numeric',
  'numeric',
  'uuid',
  'uuid',
  'uuid',
  'uuid',
  'uuid',
  'uuid',
  'date',
  'date',
  'numeric',
  'uuid',
  'uuid',
  'uuid',
];

/** Appends entries in one statement (the ledger is append-only: nothing here ever changes a row). */
export async function appendLedgerEntries(sql: Sql, entries: readonly NewLedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const columns: unknown[][] = COLUMNS.map(() => []);
  for (const e of entries) {
    const a = e.attribution;
    const row = [
      e.callId,
      e.revision,
      e.cause,
      e.kind,
      e.component,
      e.currency,
      decimal(e.amount),
      decimal(e.amountEur),
      a.companyId,
      a.resellerId,
      a.branchId,
      a.phoneNumberId,
      a.serviceId,
      a.staffId,
      e.callDay,
      e.rateDate,
      e.usdPerEur ? decimal(e.usdPerEur) : null,
      e.wholesalePlanId,
      e.retailPlanId,
      e.twilioRateId,
    ];
    row.forEach((value, i) => columns[i]!.push(value));
  }
  const params = TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  await sql.query(`INSERT INTO ledger_entries (${COLUMNS.join(', ')}) SELECT * FROM unnest(${params})`, columns);
}

/** Exact at the ledger's scale as PostgreSQL numeric text; a value off the scale is a bug, never rounded here. */
function decimal(x: Exact): string {
  const text = x.toDecimalString(LEDGER_DECIMALS);
  if (!Exact.parse(text).equals(x)) throw new RangeError('a ledger amount off the ledger scale');
  return text;
}
