import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The version of the branch state booking holds (tenants.directory.v1 `version`, assigned by
 * call-processor's database at commit): a state replaces the held one only if its version is
 * higher. Null for states from events written before the field existed; those compare by time.
 */
export class AddDirectoryBranchVersion1765000000610 implements MigrationInterface {
  name = 'AddDirectoryBranchVersion1765000000610';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE directory_branches ADD COLUMN version bigint');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE directory_branches DROP COLUMN version');
  }
}
