import type { Producer } from 'kafkajs';
import type { DirectoryEntityChangedV1 } from '@rb/contracts';
import {
  DIRECTORY_ENTITY_CHANGED_V1,
  DirectoryEntityChangedV1Schema,
  frameJson,
  registerValueSchema,
  toKafkaHeaders,
} from '@rb/contracts';
import { testKafka, testRegistryUrl } from './kafka';

/**
 * Sends directory entities to a test's own directory topic as call-processor does: registry-framed,
 * CloudEvents headers, keyed by entity id; the event id names the entity and its version (its
 * change time where it has none), as the directory contract's consumers expect.
 */
export async function directorySender(topic: string) {
  const schemaId = await registerValueSchema(testRegistryUrl(), topic, DirectoryEntityChangedV1Schema);
  const producer: Producer = testKafka().producer();
  await producer.connect();
  const message = (entity: DirectoryEntityChangedV1) => ({
    key: entity.id,
    value: frameJson(schemaId, Buffer.from(JSON.stringify(entity))),
    headers: toKafkaHeaders({
      id: `${entity.entity}:${entity.id}:${entity.version ?? entity.changedAt}`,
      type: DIRECTORY_ENTITY_CHANGED_V1,
      source: '/retell-booking/call-processor',
      time: entity.changedAt,
      subject: entity.id,
    }),
  });
  return {
    async send(...entities: DirectoryEntityChangedV1[]): Promise<void> {
      await producer.send({ topic, messages: entities.map(message) });
    },
    stop: () => producer.disconnect(),
  };
}
