import type { Config } from './config';

/** A consumer group and the topics it reads. */
export interface ConsumerGroup {
  groupId: string;
  topics: string[];
}

/**
 * cost's consumer groups with the topics each reads: KAFKA_GROUP_ID on the three call topics, and
 * `<it>-directory` on the tenant directory. The consumers, the lag they export and the manifests'
 * autoscaler test read them here.
 */
export function consumerGroups(
  config: Pick<Config, 'KAFKA_GROUP_ID'>,
  topics: { directory: string; lifecycle: string; intents: string; outcomes: string },
) {
  return {
    directory: { groupId: `${config.KAFKA_GROUP_ID}-directory`, topics: [topics.directory] } satisfies ConsumerGroup,
    calls: {
      groupId: config.KAFKA_GROUP_ID,
      topics: [topics.lifecycle, topics.intents, topics.outcomes],
    } satisfies ConsumerGroup,
  };
}
