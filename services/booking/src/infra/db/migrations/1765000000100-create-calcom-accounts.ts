import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each company's Cal.com account, owned by booking only: where its API lives (US, EU or
 * self-hosted) and its credential, sealed (AES-256-GCM, `v1.<key id>.…`), never in clear.
 */
export class CreateCalcomAccounts1765000000100 implements MigrationInterface {
  name = 'CreateCalcomAccounts1765000000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE calcom_accounts (
      company_id uuid PRIMARY KEY,
      base_url text NOT NULL CHECK (base_url ~ '^https?://[^/]+'),
      credential_kind text NOT NULL CHECK (credential_kind IN ('api_key', 'oauth_token')),
      sealed_credential text NOT NULL CHECK (sealed_credential LIKE 'v1.%'),
      key_id text NOT NULL,
      fallback_email text,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await db.query('CREATE INDEX calcom_accounts_key_id ON calcom_accounts (key_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE calcom_accounts');
  }
}
