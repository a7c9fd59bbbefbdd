import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `offered_alternatives.offered_in`: where the start was offered, `live_call` (a live book's
 * slot_taken) or `post_call` (a post-call intent's booking.alternatives-offered.v1), so a take can
 * be counted against the offers that could lead to it (booking_alternatives_taken_total's
 * `offered_in`). Offers made before it are read from their offering request's `source` in
 * `booking_requests` (every offer's request has a row there: its outcome settled it).
 */
export class AddOfferedAlternativesOfferedIn1768000000200 implements MigrationInterface {
  name = 'AddOfferedAlternativesOfferedIn1768000000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE offered_alternatives
      ADD COLUMN offered_in text CHECK (offered_in IN ('live_call', 'post_call'))`);
    await db.query(`UPDATE offered_alternatives o SET offered_in =
      CASE WHEN EXISTS (
        SELECT 1 FROM booking_requests r WHERE r.idempotency_key = o.offered_by AND r.source = 'live')
      THEN 'live_call' ELSE 'post_call' END`);
    await db.query('ALTER TABLE offered_alternatives ALTER COLUMN offered_in SET NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE offered_alternatives DROP COLUMN offered_in');
  }
}
