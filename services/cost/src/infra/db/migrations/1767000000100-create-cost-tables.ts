import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * cost's own database. The ledger is append-only (a trigger refuses UPDATE and DELETE): a change
 * to a call's costing is an adjustment entry, so the sum of a call's entries is always its current
 * costing and every earlier state stays readable. The other tables hold what the costing is
 * decided from: the call's facts (from its events, in any order), the directory read model, plans,
 * Twilio rates and ECB rates, and each call's costing state (pending or costed, and what it used).
 */
export class CreateCostTables1767000000100 implements MigrationInterface {
  name = 'CreateCostTables1767000000100';

  async up(db: QueryRunner): Promise<void> {
    // tenants.directory.v1, every entity in one table: names for reports, resellers and currencies for costing
    await db.query(`CREATE TABLE directory_entities (
      id uuid PRIMARY KEY,
      entity text NOT NULL,
      company_id uuid,
      reseller_id uuid,
      name text NOT NULL,
      billing_currency text,
      active boolean NOT NULL,
      version integer,
      changed_at timestamptz NOT NULL)`);
    await db.query(
      `CREATE INDEX directory_entities_reseller ON directory_entities (reseller_id) WHERE entity = 'company'`,
    );
    // each column is set by the one event type that knows it; a redelivery sets the same values again
    await db.query(`CREATE TABLE call_facts (
      call_id text PRIMARY KEY,
      ended boolean NOT NULL DEFAULT false,
      company_id uuid,
      branch_id uuid,
      phone_number_id uuid,
      started_at timestamptz,
      ended_at timestamptz,
      duration_ms bigint,
      direction text,
      number_kind text,
      number_type text,
      twilio_call_sid text,
      ended_cost jsonb,
      analysed_cost jsonb,
      service_id uuid,
      staff_id uuid,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`CREATE TABLE call_bookings (
      call_id text NOT NULL,
      uid text NOT NULL,
      confirmed boolean NOT NULL DEFAULT false,
      alternative boolean NOT NULL DEFAULT false,
      undone boolean NOT NULL DEFAULT false,
      moved boolean NOT NULL DEFAULT false,
      PRIMARY KEY (call_id, uid))`);
    await db.query(`CREATE TABLE call_costings (
      call_id text PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('pending', 'costed')),
      pending_reason text,
      waiting_for text,
      pending_since timestamptz,
      revision integer NOT NULL DEFAULT 0,
      pins jsonb,
      updated_at timestamptz NOT NULL)`);
    await db.query(
      `CREATE INDEX call_costings_pending ON call_costings (pending_since, call_id) WHERE status = 'pending'`,
    );
    await this.createLedger(db);
    await this.createPriceTables(db);
  }

  private async createLedger(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE ledger_entries (
      id bigserial PRIMARY KEY,
      call_id text NOT NULL,
      revision integer NOT NULL,
      cause text NOT NULL,
      kind text NOT NULL,
      component text NOT NULL,
      currency text NOT NULL,
      amount numeric NOT NULL,
      amount_eur numeric NOT NULL,
      company_id uuid,
      reseller_id uuid,
      branch_id uuid,
      phone_number_id uuid,
      service_id uuid,
      staff_id uuid,
      call_day date NOT NULL,
      rate_date date,
      usd_per_eur numeric,
      wholesale_plan_id uuid,
      retail_plan_id uuid,
      twilio_rate_id uuid,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await db.query('CREATE INDEX ledger_entries_call ON ledger_entries (call_id)');
    // the reports: one company's or reseller's days, summed by kind
    await db.query(
      'CREATE INDEX ledger_entries_company_day ON ledger_entries (company_id, call_day) INCLUDE (kind, amount, amount_eur)',
    );
    await db.query(
      'CREATE INDEX ledger_entries_reseller_day ON ledger_entries (reseller_id, call_day) INCLUDE (kind, amount, amount_eur)',
    );
    await db.query(`CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'ledger_entries is append-only: add an adjustment entry instead'; END $$`);
    await db.query(`CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
      FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()`);
    await db.query(`CREATE TABLE recost_audit (
      id bigserial PRIMARY KEY,
      call_id text NOT NULL,
      reason text NOT NULL,
      requested_by text NOT NULL,
      requested_at timestamptz NOT NULL,
      revision_before integer NOT NULL,
      revision_after integer NOT NULL,
      outcome text NOT NULL)`);
  }

  private async createPriceTables(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE plans (
      id uuid PRIMARY KEY,
      seller text NOT NULL,
      buyer_kind text NOT NULL CHECK (buyer_kind IN ('reseller', 'company', 'default')),
      buyer_id uuid,
      currency text NOT NULL,
      unit text NOT NULL,
      price_per_unit numeric NOT NULL,
      minimum_per_connected_call numeric NOT NULL,
      fee_per_confirmed_booking numeric,
      monthly_fee numeric NOT NULL,
      included_minutes integer NOT NULL,
      valid_from timestamptz NOT NULL,
      valid_until timestamptz,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      CHECK (valid_until IS NULL OR valid_until > valid_from))`);
    await db.query('CREATE INDEX plans_parties ON plans (seller, buyer_kind, buyer_id)');
    await db.query(`CREATE TABLE twilio_rates (
      id uuid PRIMARY KEY,
      direction text NOT NULL,
      number_type text NOT NULL,
      usd_per_minute numeric NOT NULL,
      valid_from timestamptz NOT NULL,
      valid_until timestamptz,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      CHECK (valid_until IS NULL OR valid_until > valid_from))`);
    await db.query(`CREATE TABLE ecb_rates (
      rate_date date NOT NULL,
      currency text NOT NULL,
      rate numeric NOT NULL CHECK (rate > 0),
      imported_at timestamptz NOT NULL,
      PRIMARY KEY (rate_date, currency))`);
    // a reseller's API tokens: only a hash is kept; the token is shown once, when it is made
    await db.query(`CREATE TABLE reseller_tokens (
      id uuid PRIMARY KEY,
      reseller_id uuid NOT NULL,
      token_sha256 bytea NOT NULL UNIQUE,
      label text NOT NULL,
      created_at timestamptz NOT NULL,
      revoked_at timestamptz)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['reseller_tokens', 'ecb_rates', 'twilio_rates', 'plans', 'recost_audit', 'ledger_entries'])
      await db.query(`DROP TABLE ${table}`);
    await db.query('DROP FUNCTION ledger_entries_append_only');
    for (const table of ['call_costings', 'call_bookings', 'call_facts', 'directory_entities'])
      await db.query(`DROP TABLE ${table}`);
  }
}
