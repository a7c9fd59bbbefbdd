import type { Kafka } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import type { Logger } from '@rb/observability';

/** registry header, CloudEvents headers and the record batch's framing on top of a body */
const HEADROOM_BYTES = 64 * 1024;

/**
 * Whether the topic can store everything ingress accepts: its `max.message.bytes` must exceed
 * MAX_BODY_BYTES with room for headers. A topic created before the limit was aligned (or by other
 * tooling) would answer MESSAGE_TOO_LARGE to long calls, which Retell retries and then drops, so
 * that is said at start-up, loudly, with the fix. Answers the topic's limit (undefined when it
 * could not be read, e.g. the broker is away at start).
 */
export async function checkTopicLimit(
  kafka: Kafka,
  topic: string,
  maxBodyBytes: number,
  log: Logger,
): Promise<number | undefined> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
    });
    const value = resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue;
    const limit = value === undefined ? undefined : Number(value);
    if (limit !== undefined && limit < maxBodyBytes + HEADROOM_BYTES) {
      log.error(
        { topic, maxMessageBytes: limit, maxBodyBytes },
        'the topic cannot store every webhook ingress accepts: larger ones will be answered 503 until its max.message.bytes is raised (scripts/create-topics.ts does it)',
      );
    }
    return limit;
  } catch (error) {
    log.warn({ topic, err: (error as Error).message }, 'could not read the topic size limit at start');
    return undefined;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
