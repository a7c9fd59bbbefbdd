import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The line a routed call came in on (or went out on), as the directory said when the call was
 * routed: the number's kind and type, kept with its attribution so a later change to the number
 * does not change what the call cost. Null on unrouted calls and on calls routed before this
 * migration (those take the number's kind from the directory as it is).
 */
export class AddCallLines1764000000700 implements MigrationInterface {
  name = 'AddCallLines1764000000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE calls
      ADD COLUMN number_kind text CHECK (number_kind IN ('retell', 'twilio_imported')),
      ADD COLUMN number_type text CHECK (number_type IN ('local', 'mobile', 'toll_free')),
      ADD CONSTRAINT calls_line_routed CHECK (number_kind IS NULL OR routing = 'routed'),
      ADD CONSTRAINT calls_line_type_with_kind CHECK (number_type IS NULL OR number_kind IS NOT NULL)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      'ALTER TABLE calls DROP CONSTRAINT calls_line_type_with_kind, DROP CONSTRAINT calls_line_routed, DROP COLUMN number_type, DROP COLUMN number_kind',
    );
  }
}
