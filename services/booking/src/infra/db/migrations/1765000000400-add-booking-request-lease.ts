import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lease per intent: only the holder talks to Cal.com about it. kafkajs heartbeats only between
 * messages, so a slow intent (lookups, a create, timeouts) can outlast the session and its
 * partition moves to another replica while the first is still creating; without the lease both
 * could create. Expired leases are taken over (a replica that died).
 */
export class AddBookingRequestLease1765000000400 implements MigrationInterface {
  name = 'AddBookingRequestLease1765000000400';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE booking_requests ADD COLUMN lease_owner text, ADD COLUMN leased_until timestamptz');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE booking_requests DROP COLUMN lease_owner, DROP COLUMN leased_until');
  }
}
