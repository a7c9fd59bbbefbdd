import { extractAppointmentTime } from './extract-appointment-time';

// how each kind of speech is understood is tested in @rb/german-dates; here what call-processor adds
const at = (transcript: string, callStartedAt: string) =>
  extractAppointmentTime({ transcript, callStartedAt, timeZone: 'Europe/Berlin' });
const user = (text: string) => `Agent: Guten Tag, was kann ich für Sie tun?\nUser: ${text}`;

describe('the day a call starts on', () => {
  it("when the call starts before midnight UTC but after midnight in the branch's zone, then relative days count from the zone's day", () => {
    // 23:30Z on 11 March is 00:30 on Thursday 12 March in Berlin
    expect(at(user('Morgen um zehn, bitte.'), '2026-03-11T23:30:00Z')).toEqual({ date: '2026-03-13', time: '10:00' });
  });
});

describe('a call start that is no time', () => {
  it('when callStartedAt cannot be read, then it throws CALL_START_INVALID, not retryable', () => {
    expect(() => at(user('Morgen um zehn'), 'yesterday')).toThrow(
      expect.objectContaining({ name: 'CallProcessorError', code: 'CALL_START_INVALID', retryable: false }),
    );
  });
});
