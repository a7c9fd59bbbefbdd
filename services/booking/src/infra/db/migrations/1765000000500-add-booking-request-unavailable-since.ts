import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When Cal.com first could not be reached for this intent: an intent gives up only after Cal.com
 * has been unreachable for it a while, not on one failure after a long lag.
 */
export class AddBookingRequestUnavailableSince1765000000500 implements MigrationInterface {
  name = 'AddBookingRequestUnavailableSince1765000000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE booking_requests ADD COLUMN unavailable_since timestamptz');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE booking_requests DROP COLUMN unavailable_since');
  }
}
