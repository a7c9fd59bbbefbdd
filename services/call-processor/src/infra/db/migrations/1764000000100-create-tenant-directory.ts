import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tenant directory. Integrity lives in the database: every row that belongs to a branch also
 * names the branch's company, and a composite foreign key `(branch_id, company_id)` →
 * `branches (id, company_id)` makes a number, a staff member or an offered service of one company
 * impossible to attach to another company's branch. Numbers are E.164 and unique. Defaults (a
 * branch's default service) are data, never ids in code.
 */
export class CreateTenantDirectory1764000000100 implements MigrationInterface {
  name = 'CreateTenantDirectory1764000000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE companies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
      name text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`CREATE TABLE services (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_id uuid NOT NULL REFERENCES companies (id),
      slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
      name text NOT NULL,
      synonyms text[] NOT NULL DEFAULT '{}',
      calcom_event_type_id integer NOT NULL CHECK (calcom_event_type_id > 0),
      duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
      price_minor integer CHECK (price_minor >= 0),
      currency char(3) NOT NULL DEFAULT 'EUR',
      active boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (company_id, slug),
      UNIQUE (id, company_id))`);
    await db.query(`CREATE TABLE branches (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_id uuid NOT NULL REFERENCES companies (id),
      slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
      name text NOT NULL,
      time_zone text NOT NULL,
      federal_state text CHECK (federal_state ~ '^[A-Z]{2}$'),
      working_days smallint[] NOT NULL DEFAULT '{1,2,3,4,5}',
      default_service_id uuid,
      active boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (company_id, slug),
      UNIQUE (id, company_id),
      FOREIGN KEY (default_service_id, company_id) REFERENCES services (id, company_id))`);
    await db.query(`CREATE TABLE branch_services (
      branch_id uuid NOT NULL,
      service_id uuid NOT NULL,
      company_id uuid NOT NULL,
      PRIMARY KEY (branch_id, service_id),
      FOREIGN KEY (branch_id, company_id) REFERENCES branches (id, company_id) ON DELETE CASCADE,
      FOREIGN KEY (service_id, company_id) REFERENCES services (id, company_id) ON DELETE CASCADE)`);
    // a branch's default service is one it offers (checked at commit, since both rows are written together)
    await db.query(`ALTER TABLE branches ADD CONSTRAINT branch_default_service_offered
      FOREIGN KEY (id, default_service_id) REFERENCES branch_services (branch_id, service_id) DEFERRABLE INITIALLY DEFERRED`);
    await db.query(`CREATE TABLE phone_numbers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number text NOT NULL UNIQUE CHECK (number ~ '^\\+[1-9][0-9]{6,14}$'),
      branch_id uuid NOT NULL,
      company_id uuid NOT NULL,
      active boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (branch_id, company_id) REFERENCES branches (id, company_id))`);
    await db.query(`CREATE TABLE staff (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_id uuid NOT NULL,
      branch_id uuid NOT NULL,
      slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
      name text NOT NULL,
      calcom_user_id integer,
      active boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (branch_id, slug),
      UNIQUE (id, company_id),
      FOREIGN KEY (branch_id, company_id) REFERENCES branches (id, company_id))`);
    await db.query(`CREATE TABLE staff_services (
      staff_id uuid NOT NULL,
      service_id uuid NOT NULL,
      company_id uuid NOT NULL,
      PRIMARY KEY (staff_id, service_id),
      FOREIGN KEY (staff_id, company_id) REFERENCES staff (id, company_id) ON DELETE CASCADE,
      FOREIGN KEY (service_id, company_id) REFERENCES services (id, company_id) ON DELETE CASCADE)`);
    await db.query(`CREATE TABLE customers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      company_id uuid NOT NULL REFERENCES companies (id),
      phone text CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
      name text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (company_id, phone))`);
    // the lookups the webhook path and the import make
    await db.query('CREATE INDEX branches_company ON branches (company_id)');
    await db.query('CREATE INDEX phone_numbers_branch ON phone_numbers (branch_id)');
    await db.query('CREATE INDEX staff_branch ON staff (branch_id)');
    await db.query('CREATE INDEX branch_services_service ON branch_services (service_id)');
    await db.query('CREATE INDEX staff_services_service ON staff_services (service_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'customers',
      'staff_services',
      'staff',
      'phone_numbers',
      'branch_services',
      'branches',
      'services',
      'companies',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
