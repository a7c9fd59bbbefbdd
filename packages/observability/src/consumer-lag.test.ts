import { partitionLag } from './consumer-lag';

describe('partitionLag', () => {
  it('when the group committed an offset, then the lag is the high watermark minus it', () => {
    expect(partitionLag({ committed: '7', high: '10', low: '0' })).toBe(3);
  });

  it('when the group committed everything, then the lag is 0', () => {
    expect(partitionLag({ committed: '10', high: '10', low: '4' })).toBe(0);
  });

  it('when the group has no committed offset yet, then it counts from the low watermark', () => {
    expect(partitionLag({ committed: '-1', high: '10', low: '4' })).toBe(6);
  });

  it('when the committed offset was deleted by retention, then it counts from the low watermark', () => {
    expect(partitionLag({ committed: '2', high: '10', low: '4' })).toBe(6);
  });

  it('when the partition is empty and nothing was committed, then the lag is 0', () => {
    expect(partitionLag({ committed: '-1', high: '0', low: '0' })).toBe(0);
  });
});
