import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The call's transcript in one column (kept from call_analyzed, else the first event that has one). */
export class AddCallTranscript1764000000300 implements MigrationInterface {
  name = 'AddCallTranscript1764000000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE calls ADD COLUMN transcript text');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE calls DROP COLUMN transcript');
  }
}
