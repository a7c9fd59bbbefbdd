import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each company's own names for the fields of its agent's post-call analysis, looked up before the
 * common German and English names: `{"date": ["wunschtag"], "name": ["anrufer"]}`.
 */
export class AddCompanyAnalysisFields1764000000400 implements MigrationInterface {
  name = 'AddCompanyAnalysisFields1764000000400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE companies ADD COLUMN analysis_fields jsonb NOT NULL DEFAULT '{}'
      CHECK (jsonb_typeof(analysis_fields) = 'object')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE companies DROP COLUMN analysis_fields');
  }
}
