import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What costing a call needs of the directory. Resellers: agencies that buy the phone agent from
 * the platform and sell it on to companies; a company buys from at most one (`reseller_id`, null:
 * from the platform directly). Each party is billed in its own currency (ISO 4217, EUR unless
 * said). A number is bought through Retell (its telephony is inside Retell's cost) or imported
 * from the business's own Twilio account, and its type (local, mobile, toll-free) is what Twilio's
 * rates depend on (null: not known). Resellers are versioned like the other directory entities.
 */
export class AddResellersAndNumberKinds1764000000600 implements MigrationInterface {
  name = 'AddResellersAndNumberKinds1764000000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE resellers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
      name text NOT NULL,
      billing_currency text NOT NULL DEFAULT 'EUR' CHECK (billing_currency ~ '^[A-Z]{3}$'),
      active boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now(),
      version bigint NOT NULL DEFAULT 1)`);
    await db.query(`CREATE TRIGGER resellers_version BEFORE UPDATE ON resellers
      FOR EACH ROW EXECUTE FUNCTION directory_next_version()`);
    await db.query(`ALTER TABLE companies
      ADD COLUMN reseller_id uuid REFERENCES resellers (id),
      ADD COLUMN billing_currency text NOT NULL DEFAULT 'EUR' CHECK (billing_currency ~ '^[A-Z]{3}$')`);
    await db.query('CREATE INDEX companies_reseller ON companies (reseller_id)');
    await db.query(`ALTER TABLE phone_numbers
      ADD COLUMN number_kind text NOT NULL DEFAULT 'retell' CHECK (number_kind IN ('retell', 'twilio_imported')),
      ADD COLUMN number_type text CHECK (number_type IN ('local', 'mobile', 'toll_free'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE phone_numbers DROP COLUMN number_type, DROP COLUMN number_kind');
    await db.query('ALTER TABLE companies DROP COLUMN billing_currency, DROP COLUMN reseller_id');
    await db.query('DROP TABLE resellers');
  }
}
