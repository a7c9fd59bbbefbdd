import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live call (Retell's book, find, move and cancel tools, as commands and queries):
 * - `booking_requests` learns where a request came from (`source`: a post-call intent or a live
 *   command), the handle a caller uses for it (`public_id`, `bk_…`), the service's name and length
 *   for reading it out, and `caller_digest`: a keyed digest of (company, caller's number), the index
 *   find_appointments and the ownership check use; the number itself is never stored here.
 *   `superseded`: a post-call intent of a call that was handled live (the live booking is the call's).
 * - `call_claims`: who took a call's booking first, the live commands or the post-call intent;
 *   the other never books for that call.
 * - `command_answers`: the first answer to each command's idempotency key, so a repeated command
 *   is answered the same way without doing anything again.
 */
export class LiveCallBookings1766000000100 implements MigrationInterface {
  name = 'LiveCallBookings1766000000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE booking_requests
      ADD COLUMN source text NOT NULL DEFAULT 'intent' CHECK (source IN ('intent', 'live')),
      ADD COLUMN public_id text,
      ADD COLUMN caller_digest text,
      ADD COLUMN service_name text,
      ADD COLUMN duration_minutes integer CHECK (duration_minutes > 0)`);
    await db.query('ALTER TABLE booking_requests DROP CONSTRAINT booking_requests_status_check');
    await db.query(`ALTER TABLE booking_requests ADD CONSTRAINT booking_requests_status_check
      CHECK (status IN ('pending', 'confirmed', 'alternatives_offered', 'failed', 'cancelled', 'compensated', 'superseded'))`);
    // a handle names a booking at its company (every look-up by handle is scoped by company); 40 bits
    // can clash, and a clash takes the request's next candidate handle (see openRequest)
    await db.query('CREATE UNIQUE INDEX booking_requests_public_id ON booking_requests (company_id, public_id)');
    await db.query(`CREATE INDEX booking_requests_caller ON booking_requests (company_id, caller_digest, start_utc)
      WHERE status = 'confirmed'`);
    await db.query('CREATE INDEX booking_requests_call ON booking_requests (call_id)');
    await db.query(`CREATE TABLE call_claims (
      call_id text PRIMARY KEY,
      source text NOT NULL CHECK (source IN ('intent', 'live')),
      idempotency_key text NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`CREATE TABLE command_answers (
      idempotency_key text PRIMARY KEY,
      command text NOT NULL CHECK (command IN ('book', 'reschedule', 'cancel')),
      result jsonb NOT NULL,
      answered_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE command_answers');
    await db.query('DROP TABLE call_claims');
    await db.query('DROP INDEX booking_requests_call');
    await db.query('DROP INDEX booking_requests_caller');
    await db.query('DROP INDEX booking_requests_public_id');
    await db.query('ALTER TABLE booking_requests DROP CONSTRAINT booking_requests_status_check');
    await db.query(`ALTER TABLE booking_requests ADD CONSTRAINT booking_requests_status_check
      CHECK (status IN ('pending', 'confirmed', 'alternatives_offered', 'failed', 'cancelled', 'compensated'))`);
    await db.query(`ALTER TABLE booking_requests DROP COLUMN source, DROP COLUMN public_id, DROP COLUMN caller_digest,
      DROP COLUMN service_name, DROP COLUMN duration_minutes`);
  }
}
