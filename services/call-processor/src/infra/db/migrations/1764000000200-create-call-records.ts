import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Call records: `call_events` is append-only (a trigger refuses UPDATE and DELETE), `calls` holds
 * the fold of a call's events and its tenant attribution, set once when the call is routed.
 */
export class CreateCallRecords1764000000200 implements MigrationInterface {
  name = 'CreateCallRecords1764000000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE call_events (
      call_id text NOT NULL,
      event_id text NOT NULL,
      stage text NOT NULL,
      facts jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (call_id, event_id))`);
    await db.query(`CREATE FUNCTION call_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'call_events is append-only'; END $$`);
    await db.query(`CREATE TRIGGER call_events_append_only BEFORE UPDATE OR DELETE ON call_events
      FOR EACH STATEMENT EXECUTE FUNCTION call_events_append_only()`);
    await db.query(`CREATE TABLE calls (
      call_id text PRIMARY KEY,
      routing text NOT NULL CHECK (routing IN ('routed', 'unrouted')),
      company_id uuid,
      branch_id uuid,
      phone_number_id uuid REFERENCES phone_numbers (id),
      customer_id uuid REFERENCES customers (id),
      state jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (branch_id, company_id) REFERENCES branches (id, company_id),
      CHECK ((routing = 'routed') = (company_id IS NOT NULL AND branch_id IS NOT NULL AND phone_number_id IS NOT NULL)))`);
    await db.query('CREATE INDEX calls_company ON calls (company_id, updated_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE calls');
    await db.query('DROP TABLE call_events');
    await db.query('DROP FUNCTION call_events_append_only');
  }
}
