import { groupIds, runningGroups } from './consumer-groups';

const config = { KAFKA_GROUP_ID: 'booking' };

describe('runningGroups', () => {
  it('when every topic is named, then each of the four groups is listed with the topic it reads', () => {
    const topics = { intents: 'i', directory: 'd', commands: 'c', lifecycle: 'l' };
    expect(runningGroups(config, topics)).toEqual([
      { groupId: 'booking-directory', topics: ['d'] },
      { groupId: 'booking', topics: ['i'] },
      { groupId: 'booking-commands', topics: ['c'] },
      { groupId: 'booking-claims', topics: ['l'] },
    ]);
  });

  it('when no commands or lifecycle topic is named, then neither group is listed (their consumers do not run)', () => {
    expect(runningGroups(config, { intents: 'i', directory: 'd' }).map((g) => g.groupId)).toEqual([
      'booking-directory',
      'booking',
    ]);
  });

  it('when listed, then the names are the ones the consumers join with', () => {
    const ids = groupIds(config);
    const listed = runningGroups(config, { intents: 'i', directory: 'd', commands: 'c', lifecycle: 'l' });
    expect(listed.map((g) => g.groupId)).toEqual([ids.directory, ids.intents, ids.commands, ids.claims]);
  });
});
