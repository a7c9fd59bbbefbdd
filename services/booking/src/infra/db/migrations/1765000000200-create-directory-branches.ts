import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * booking's read model of the tenant directory's branches (from tenants.directory.v1): what
 * alternatives need (zone, working days, federal state for public holidays). Owned by
 * call-processor, copied here by event-carried state transfer; never written by anyone else.
 */
export class CreateDirectoryBranches1765000000200 implements MigrationInterface {
  name = 'CreateDirectoryBranches1765000000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE directory_branches (
      id uuid PRIMARY KEY,
      company_id uuid NOT NULL,
      time_zone text NOT NULL,
      federal_state text,
      working_days smallint[] NOT NULL,
      active boolean NOT NULL,
      changed_at timestamptz NOT NULL)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE directory_branches');
  }
}
