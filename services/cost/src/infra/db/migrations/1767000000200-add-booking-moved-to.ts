import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A moved booking names the booking it became, so the one that stands counts as an alternative when
 * the caller took an offered alternative in the first place, whichever outcome arrived first.
 */
export class AddBookingMovedTo1767000000200 implements MigrationInterface {
  name = 'AddBookingMovedTo1767000000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE call_bookings ADD COLUMN moved_to text');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE call_bookings DROP COLUMN moved_to');
  }
}
