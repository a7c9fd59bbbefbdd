import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR, requireSharedDir } from '../../../../test/paths';
import { extractAppointmentTime } from './extract-appointment-time';

requireSharedDir();
interface Case {
  id: string;
  callStartedAt: string;
  timeZone: string;
  transcript: string;
  expected: { date: string | null; time: string | null };
}
const cases = readFileSync(join(SHARED_DIR, 'testdata', 'appointment-times.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as Case);

describe('the shared appointment-time cases (testdata/appointment-times.jsonl)', () => {
  it('when the file is read, then it holds cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases.map((c) => [c.id, c] as const))(
    'when case %s is extracted, then date and time are the agreed ones',
    (_id, c) => {
      expect(extractAppointmentTime(c)).toEqual(c.expected);
    },
  );
});
