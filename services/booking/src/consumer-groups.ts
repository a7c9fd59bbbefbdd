import type { LaggingGroup } from '@rb/observability';
import type { Config } from './config';

/** booking's consumer groups: the intents' is KAFKA_GROUP_ID, the others are named after it. */
export function groupIds(config: Pick<Config, 'KAFKA_GROUP_ID'>) {
  const intents = config.KAFKA_GROUP_ID;
  return { intents, directory: `${intents}-directory`, commands: `${intents}-commands`, claims: `${intents}-claims` };
}

/** The groups booking runs with the topics each reads (no commands' or claims' group without its topic). */
export function runningGroups(
  config: Pick<Config, 'KAFKA_GROUP_ID'>,
  topics: { intents: string; directory: string; commands?: string | undefined; lifecycle?: string | undefined },
): LaggingGroup[] {
  const ids = groupIds(config);
  return [
    { groupId: ids.directory, topics: [topics.directory] },
    { groupId: ids.intents, topics: [topics.intents] },
    ...(topics.commands === undefined ? [] : [{ groupId: ids.commands, topics: [topics.commands] }]),
    ...(topics.lifecycle === undefined ? [] : [{ groupId: ids.claims, topics: [topics.lifecycle] }]),
  ];
}
