import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR, requireSharedDir } from '../../../test/paths';
import { readCall } from './read-call.test-support';

requireSharedDir();
interface Case {
  id: string;
  callStartedAt: string;
  timeZone: string;
  transcript: string;
  expected: { date: string | null; time: string | null };
}
const read = (file: string) =>
  readFileSync(join(SHARED_DIR, 'testdata', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Case);
// the newer cases (appointment-times.next.jsonl) are kinds of speech understood later; both must pass
const files = {
  'appointment-times.jsonl': read('appointment-times.jsonl'),
  'appointment-times.next.jsonl': read('appointment-times.next.jsonl'),
};
const cases = Object.values(files).flat();

describe('the shared appointment-time cases (testdata/appointment-times.jsonl and .next.jsonl)', () => {
  it('when the files are read, then each holds cases', () => {
    expect(files['appointment-times.jsonl'].length).toBeGreaterThanOrEqual(30);
    expect(files['appointment-times.next.jsonl'].length).toBeGreaterThanOrEqual(8);
  });

  it('when the files are read, then no case id is used twice', () => {
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.id, c] as const))(
    'when case %s is extracted, then date and time are the agreed ones',
    (_id, c) => {
      expect(readCall(c)).toEqual(c.expected);
    },
  );
});
