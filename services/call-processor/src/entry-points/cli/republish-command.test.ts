import { waitOf } from './republish-command';

describe("directory:republish's arguments", () => {
  it('when none are given, then it waits up to 60 s for the relay', () => {
    expect(waitOf([])).toBe(60_000);
  });

  it('when --wait-seconds or --no-wait is given, then it waits that long, or not at all', () => {
    expect(waitOf(['--wait-seconds', '5'])).toBe(5_000);
    expect(waitOf(['--no-wait'])).toBe(0);
  });

  it('when the arguments are not usable, then there is no wait to go by (usage)', () => {
    for (const argv of [
      ['--wait-seconds', 'soon'],
      ['--wait-seconds', '-1'],
      ['tenants'],
      ['--no-wait', '--wait-seconds', '3'],
      ['--all'],
    ])
      expect(waitOf(argv)).toBeUndefined();
  });
});
