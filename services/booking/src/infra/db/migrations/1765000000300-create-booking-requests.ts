import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per booking intent (by its idempotency key): what became of it and, before that,
 * whether a create may already have reached Cal.com. `create_sent_at` is written and committed
 * before the create is sent, so whoever handles the intent next (a retry, a redelivery after a
 * crash, another replica) looks the booking up in Cal.com before creating anything.
 */
export class CreateBookingRequests1765000000300 implements MigrationInterface {
  name = 'CreateBookingRequests1765000000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE booking_requests (
      idempotency_key text PRIMARY KEY,
      call_id text NOT NULL,
      company_id uuid NOT NULL,
      branch_id uuid NOT NULL,
      phone_number_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'confirmed', 'alternatives_offered', 'failed', 'cancelled', 'compensated')),
      create_sent_at timestamptz,
      calcom_uid text,
      event_type_id integer,
      start_utc timestamptz,
      time_zone text NOT NULL,
      failure_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.query('CREATE UNIQUE INDEX booking_requests_calcom_uid ON booking_requests (calcom_uid)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE booking_requests');
  }
}
