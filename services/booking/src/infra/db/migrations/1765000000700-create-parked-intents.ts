import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intents parked while their company's Cal.com is unavailable, so their partition moves on for
 * every other tenant. A row is the intent's Kafka message as it came (claimed in the inbox in the
 * transaction that parked it) and is deleted in the transaction that records its outcome. `id`
 * keeps a call's parked events in the order they were read: only a call's first row is re-driven,
 * once `redrive_after` has passed, by the replica whose claim (`claimed_until`) runs.
 */
export class CreateParkedIntents1765000000700 implements MigrationInterface {
  name = 'CreateParkedIntents1765000000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE parked_intents (
      id bigserial PRIMARY KEY,
      event_id text NOT NULL,
      call_id text NOT NULL,
      company_id uuid NOT NULL,
      idempotency_key text NOT NULL,
      topic text NOT NULL,
      kafka_partition integer NOT NULL,
      kafka_offset text NOT NULL,
      message_key text,
      message_value bytea NOT NULL,
      headers jsonb NOT NULL,
      produced_at timestamptz NOT NULL,
      reason text NOT NULL,
      parked_at timestamptz NOT NULL DEFAULT now(),
      redrive_after timestamptz NOT NULL DEFAULT now(),
      claimed_until timestamptz,
      attempts integer NOT NULL DEFAULT 0)`);
    await db.query('CREATE INDEX parked_intents_call ON parked_intents (call_id, id)');
    await db.query('CREATE INDEX parked_intents_company ON parked_intents (company_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE parked_intents');
  }
}
