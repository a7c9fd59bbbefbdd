import { readCall } from './read-call.test-support';

// Wednesday 2 December 2026 in Berlin
const at = (said: string, opening = 'Agent: Guten Tag, was kann ich für Sie tun?') =>
  readCall({
    transcript: `${opening}\nUser: ${said}`,
    callStartedAt: '2026-12-02T10:15:00+01:00',
    timeZone: 'Europe/Berlin',
  });
const english = (said: string) => at(said, 'Agent: Hello, how can I help you?');

describe('a day the caller rules out before naming the one they want', () => {
  it.each([
    ['Morgen geht nicht, dafür übermorgen um zehn.', '2026-12-04', '10:00'],
    ['Morgen geht nicht dafür übermorgen um zehn.', '2026-12-04', '10:00'],
    ['Montag kann ich nicht, aber Dienstag um 10.', '2026-12-08', '10:00'],
    ['Nicht am Donnerstag, lieber Freitag um 10.', '2026-12-04', '10:00'],
    ['Freitag ist schlecht, Samstag um 10?', '2026-12-05', '10:00'],
    ['Freitag ist ungünstig, Samstag um 10 wäre gut.', '2026-12-05', '10:00'],
    ['Am Freitag bin ich verhindert, ginge Samstag um 10?', '2026-12-05', '10:00'],
    ['Donnerstag, um 10 ist leider schlecht, Freitag um 11?', '2026-12-04', '11:00'],
    ['Statt Freitag lieber Samstag um 10.', '2026-12-05', '10:00'],
    ['Lieber Samstag als Freitag, um 10.', '2026-12-05', '10:00'],
    ['Der 9.12 passt nicht, dafür der 10.12 um 15 Uhr.', '2026-12-10', '15:00'],
    ['Am 3 März kann ich nicht, am 4 März um 9 Uhr.', '2027-03-04', '09:00'],
  ])('when the caller says "%s", then the wish is %s %s', (said, date, time) => {
    expect(at(said)).toEqual({ date, time });
  });

  it('when the wish comes first and the ruled-out day after, then the wish still counts', () => {
    expect(at('Samstag um 10 wäre besser, Freitag ist schlecht.')).toEqual({ date: '2026-12-05', time: '10:00' });
  });

  it('when the caller says yes before the day they want, then the yes rules nothing out', () => {
    expect(at('Ja, Donnerstag um 9, Mittwoch ist schlecht.')).toEqual({ date: '2026-12-03', time: '09:00' });
  });

  it.each([
    ['Freitag um zehn, das geht leider nicht.'],
    ['Am Montag, den 7. Dezember, geht es leider nicht.'],
    ['Donnerstag, um 7:30 Uhr ist leider schon weg.'],
    ['Morgen, also Donnerstag, geht leider nicht.'],
  ])('when the whole day said is ruled out ("%s"), then there is no wish', (said) => {
    expect(at(said)).toEqual({ date: null, time: null });
  });

  it('when the agent rules out a day and offers another that the caller takes, then that one counts', () => {
    const transcript = 'Morgen um 10?\nAgent: Morgen ist leider voll, übermorgen um 10 hätte ich.\nUser: Ja, gerne.';
    expect(at(transcript)).toEqual({ date: '2026-12-04', time: '10:00' });
  });
});

describe('in English', () => {
  it.each([
    ['Not Tuesday, Wednesday works.', '2026-12-09', null],
    ['Not Monday, I work then. Tuesday at 2 pm please.', '2026-12-08', '14:00'],
    ['Tuesday is bad for me, Wednesday at 3?', '2026-12-09', '15:00'],
    ["I can't do Monday, but Tuesday at 10 would be great.", '2026-12-08', '10:00'],
    ["Monday doesn't work, how about Tuesday at 10?", '2026-12-08', '10:00'],
    ['Tuesday instead of Monday, at 10.', '2026-12-08', '10:00'],
    ['Not tomorrow, the day after tomorrow at 9 am.', '2026-12-04', '09:00'],
    ['Friday is no good, could I come on the 7th at 4?', '2026-12-07', '16:00'],
  ])('when the caller says "%s", then the wish is %s %s', (said, date, time) => {
    expect(english(said)).toEqual({ date, time });
  });
});
