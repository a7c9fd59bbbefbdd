import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['companies', 'services', 'branches', 'phone_numbers', 'staff'];

/**
 * A version per directory entity that the database assigns inside the writing transaction: 1 on
 * insert, one more on every UPDATE (the admin API, a tenants.yaml import, or by hand). The trigger
 * runs after the row lock is taken and reads the latest committed row, so of two concurrent changes
 * to one entity the one that commits later always carries the higher version: readers of
 * tenants.directory.v1 keep the highest one, whatever the writers' clocks said.
 */
export class AddDirectoryVersions1764000000510 implements MigrationInterface {
  name = 'AddDirectoryVersions1764000000510';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE FUNCTION directory_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.version := OLD.version + 1;
        RETURN NEW;
      END $$`);
    for (const table of TABLES) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN version bigint NOT NULL DEFAULT 1`);
      await db.query(`CREATE TRIGGER ${table}_version BEFORE UPDATE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION directory_next_version()`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await db.query(`DROP TRIGGER ${table}_version ON ${table}`);
      await db.query(`ALTER TABLE ${table} DROP COLUMN version`);
    }
    await db.query('DROP FUNCTION directory_next_version()');
  }
}
