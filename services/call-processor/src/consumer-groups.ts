import type { Config } from './config';

/** A consumer group and the topics it reads. */
export interface ConsumerGroup {
  groupId: string;
  topics: string[];
}

/**
 * call-processor's consumer groups with the topics each reads: one, KAFKA_GROUP_ID, on Retell's
 * webhook events. The consumer, the lag it exports and the manifests' autoscaler test read it here.
 */
export function consumerGroups(config: Pick<Config, 'KAFKA_GROUP_ID'>, topics: { retell: string }) {
  return { calls: { groupId: config.KAFKA_GROUP_ID, topics: [topics.retell] } satisfies ConsumerGroup };
}
