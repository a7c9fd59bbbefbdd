import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the phone agent needs of a branch when a call comes in: its postal address (all four parts
 * or none), its opening hours per weekday (jsonb `{ mon: [{ opens, closes }], … }`, null: not
 * given; the order and overlaps are checked where it is written), the language its agent speaks
 * (BCP 47 with region, de-DE unless said), a Retell agent (and version) that answers its calls
 * instead of the number's own, and the name the agent greets with (null: the branch's name).
 */
export class AddBranchProfiles1764000000800 implements MigrationInterface {
  name = 'AddBranchProfiles1764000000800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE branches
      ADD COLUMN address_street text CHECK (char_length(address_street) BETWEEN 1 AND 120),
      ADD COLUMN address_postal_code text CHECK (address_postal_code ~ '^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$'),
      ADD COLUMN address_city text CHECK (char_length(address_city) BETWEEN 1 AND 80),
      ADD COLUMN address_country text CHECK (address_country ~ '^[A-Z]{2}$'),
      ADD CONSTRAINT branch_address_whole
        CHECK (num_nulls(address_street, address_postal_code, address_city, address_country) IN (0, 4)),
      ADD COLUMN opening_hours jsonb CHECK (jsonb_typeof(opening_hours) = 'object'),
      ADD COLUMN language text NOT NULL DEFAULT 'de-DE' CHECK (language ~ '^[a-z]{2,3}-([A-Z]{2}|[0-9]{3})$'),
      ADD COLUMN override_agent_id text CHECK (override_agent_id ~ '^agent_[A-Za-z0-9]{8,64}$'),
      ADD COLUMN override_agent_version integer CHECK (override_agent_version >= 0),
      ADD CONSTRAINT branch_agent_version_with_agent
        CHECK (override_agent_version IS NULL OR override_agent_id IS NOT NULL),
      ADD COLUMN greeting_name text CHECK (char_length(greeting_name) BETWEEN 1 AND 80)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE branches
      DROP COLUMN greeting_name, DROP COLUMN override_agent_version, DROP COLUMN override_agent_id,
      DROP COLUMN language, DROP COLUMN opening_hours, DROP COLUMN address_country, DROP COLUMN address_city,
      DROP COLUMN address_postal_code, DROP COLUMN address_street`);
  }
}
