import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `offered_alternatives`: every start booking offered a call's caller as an alternative because
 * their wish was taken (a post-call intent's booking.alternatives-offered.v1, a live book's
 * slot_taken answer), written in the transaction that emits the offer. A booking of that call
 * confirmed later at one of these starts (same event type) is an alternative taken
 * (booking.confirmed.v1 `alternative: true`). Kept as long as the inbox remembers an event
 * (INBOX_RETENTION_DAYS, pruned along `offered_at`), then deleted.
 */
export class CreateOfferedAlternatives1768000000100 implements MigrationInterface {
  name = 'CreateOfferedAlternatives1768000000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE offered_alternatives (
      company_id uuid NOT NULL,
      call_id text NOT NULL,
      event_type_id integer NOT NULL,
      start_utc timestamptz NOT NULL,
      -- the request (idempotency key) whose outcome or answer offered it first
      offered_by text NOT NULL,
      offered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, call_id, event_type_id, start_utc))`);
    await db.query('CREATE INDEX offered_alternatives_offered_at ON offered_alternatives (offered_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE offered_alternatives');
  }
}
