import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../../../test/paths';

const run = (stdin: string) =>
  spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [join(__dirname, 'extract-times.ts')], {
    input: stdin,
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('pnpm extract-times', () => {
  it('when cases arrive on stdin, then one line per case comes out, in order, with date and time', () => {
    const started = '2026-03-11T09:12:00+01:00';
    const input = [
      { id: 'a', callStartedAt: started, timeZone: 'Europe/Berlin', transcript: 'User: Morgen um halb drei.' },
      { id: 'b', callStartedAt: started, timeZone: 'Europe/Berlin', transcript: 'User: Ich rufe wieder an.' },
    ]
      .map((c) => JSON.stringify(c))
      .join('\n');
    const result = run(`${input}\n`);
    expect(result.status).toBe(0);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { id: 'a', date: '2026-03-12', time: '14:30' },
      { id: 'b', date: null, time: null },
    ]);
  });

  it('when a line cannot be read, then it still gets a line of nulls, the reason goes to stderr and the exit code is 1', () => {
    const result = run('not json\n{"id":"c"}\n');
    expect(result.status).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      '{"id":null,"date":null,"time":null}',
      '{"id":"c","date":null,"time":null}',
    ]);
    expect(result.stderr).toMatch(/line 1: .*JSON/);
    expect(result.stderr).toMatch(/line 2: callStartedAt/);
  });
});
