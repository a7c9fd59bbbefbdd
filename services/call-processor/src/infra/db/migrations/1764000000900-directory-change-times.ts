import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['resellers', 'companies', 'services', 'branches', 'phone_numbers', 'staff'];

/**
 * A directory row's updated_at is the time its change event carries (`changedAt`, the service's
 * clock), not the database's `now()`: the writing transaction names it with
 * `set_config('rb.directory_changed_at', …, true)` (see `stampChangeTime`) and this trigger writes
 * it on every insert and update. `directory:republish` reads it back, so a republished event is
 * the one its change sent, time included. A write without the setting (by hand) keeps what it set.
 */
export class DirectoryChangeTimes1764000000900 implements MigrationInterface {
  name = 'DirectoryChangeTimes1764000000900';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE FUNCTION directory_change_time() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        stamped text := current_setting('rb.directory_changed_at', true);
      BEGIN
        IF stamped IS NOT NULL AND stamped <> '' THEN
          NEW.updated_at := stamped::timestamptz;
        END IF;
        RETURN NEW;
      END $$`);
    for (const table of TABLES)
      await db.query(`CREATE TRIGGER ${table}_change_time BEFORE INSERT OR UPDATE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION directory_change_time()`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of TABLES) await db.query(`DROP TRIGGER ${table}_change_time ON ${table}`);
    await db.query('DROP FUNCTION directory_change_time()');
  }
}
