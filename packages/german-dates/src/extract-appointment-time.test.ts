import { parseTranscript } from './extract-appointment-time';
import { readCall } from './read-call.test-support';

// Wednesday 11 March 2026, 09:12 in Berlin (the shared cases' reference day)
const at = (transcript: string, callStartedAt = '2026-03-11T09:12:00+01:00') =>
  readCall({ transcript, callStartedAt, timeZone: 'Europe/Berlin' });
const user = (text: string) => `Agent: Guten Tag, was kann ich für Sie tun?\nUser: ${text}`;

describe('German times as spoken', () => {
  it.each([
    ['um halb drei', '14:30'],
    ['um halb eins', '12:30'],
    ['Viertel nach zehn', '10:15'],
    ['Viertel vor elf', '10:45'],
    ['dreiviertel neun', '08:45'],
    ['drei viertel neun', '08:45'],
    ['viertel elf', '10:15'],
    ['fünf nach halb vier', '15:35'],
    ['zehn vor halb vier', '15:20'],
    ['zwanzig nach drei', '15:20'],
    ['vierzehn Uhr dreißig', '14:30'],
    ['14 Uhr 30', '14:30'],
    ['um 9.30 Uhr', '09:30'],
    ['um 17:45', '17:45'],
    ['gegen Mittag', '12:00'],
    ['abends um sieben', '19:00'],
    ['um sieben', '07:00'],
    ['um fünf vor zwölf', '11:55'],
    ['um zwölf', '12:00'],
  ])('when the caller says "morgen %s", then the time is %s', (said, time) => {
    expect(at(user(`Morgen ${said}, bitte.`))).toEqual({ date: '2026-03-12', time });
  });
});

describe('"am" in a German call', () => {
  it.each([
    ['Am Freitag um drei.', '2026-03-13', '15:00'],
    ['Geht am Dienstag um vier Uhr?', '2026-03-17', '16:00'],
    ['Um drei am Freitag, bitte.', '2026-03-13', '15:00'],
    ['Am Montag gegen fünf.', '2026-03-16', '17:00'],
  ])('when the caller says "%s", then "am" is the day, not a.m.: %s %s', (said, date, time) => {
    expect(at(user(said))).toEqual({ date, time });
  });
});

describe('days as spoken', () => {
  it.each([
    ['heute um 16 Uhr', '2026-03-11'],
    ['übermorgen um 10 Uhr', '2026-03-13'],
    ['in drei Tagen um 10 Uhr', '2026-03-14'],
    ['in einer Woche um 10 Uhr', '2026-03-18'],
    ['Mittwoch in einer Woche um 10 Uhr', '2026-03-18'],
    ['am Mittwoch um 10 Uhr', '2026-03-18'],
    ['nächste Woche Dienstag um 10 Uhr', '2026-03-17'],
    ['Dienstag nächste Woche um 10 Uhr', '2026-03-17'],
    ['übernächste Woche Montag um 10 Uhr', '2026-03-23'],
    ['am zwanzigsten März um 10 Uhr', '2026-03-20'],
    ['am 20.03.2026 um 10 Uhr', '2026-03-20'],
    ['am 2. März um 10 Uhr', '2027-03-02'],
    ['am dritten um 10 Uhr', '2026-04-03'],
    ['am einunddreißigsten März um 10 Uhr', '2026-03-31'],
  ])('when the caller says "%s", then the day is %s', (said, date) => {
    expect(at(user(`${said}, bitte.`)).date).toBe(date);
  });

  it('when "Guten Morgen" is only a greeting, then it is no day', () => {
    expect(at('User: Guten Morgen, ich wollte nur was fragen.')).toEqual({ date: null, time: null });
  });

  it('when the day is across the change to summer time, then the calendar day still counts', () => {
    // Saturday 28 March 2026, the night before the clocks go forward
    expect(at(user('Übermorgen um 9 Uhr.'), '2026-03-28T23:30:00+01:00')).toEqual({
      date: '2026-03-30',
      time: '09:00',
    });
  });
});

describe('the last agreed wish', () => {
  it('when the caller changes their mind, then the later wish counts', () => {
    expect(at(user('Freitag um zehn. Ach nein, lieber Montag um elf.'))).toEqual({ date: '2026-03-16', time: '11:00' });
  });

  it('when the caller accepts the one alternative offered, then that alternative counts', () => {
    const transcript = `${user('Morgen um drei?')}\nAgent: Da ist leider belegt, aber Freitag um 16 Uhr ginge.\nUser: Ja, gerne.`;
    expect(at(transcript)).toEqual({ date: '2026-03-13', time: '16:00' });
  });

  it('when the caller picks the second of two offers, then the second counts', () => {
    const transcript = `${user('Morgen um drei?')}\nAgent: Ich könnte 16 Uhr oder 17:30 Uhr anbieten.\nUser: Das zweite bitte.`;
    expect(at(transcript)).toEqual({ date: '2026-03-12', time: '17:30' });
  });

  it('when the caller gives their date of birth, then that is no wish', () => {
    const asked = 'Agent: Nennen Sie mir bitte Ihr Geburtsdatum.\nUser: Siebter März neunzehnhunderteinundsechzig.';
    expect(at(`${user('Ich brauche einen Termin.')}\n${asked}`)).toEqual({ date: null, time: null });
    expect(at(`${user('Donnerstag um zehn.')}\n${asked}`)).toEqual({ date: '2026-03-12', time: '10:00' });
  });

  it('when the agent confirms a moved appointment and the caller says yes, then the confirmed one counts', () => {
    const transcript = `${user('Donnerstag früh, so zwischen halb acht und acht.')}\nAgent: Donnerstag, 12. März, um 7:30 Uhr ist frei. Soll ich?\nUser: Ja, bitte.`;
    expect(at(transcript)).toEqual({ date: '2026-03-12', time: '07:30' });
  });

  it('when the agent only informs about opening hours, then nothing is agreed', () => {
    const transcript = `${user('Haben Sie heute offen?')}\nAgent: Ja, heute bis 18 Uhr.\nUser: Danke, tschüss.`;
    expect(at(transcript)).toEqual({ date: null, time: null });
  });
});

describe('English calls', () => {
  it.each([
    ['tomorrow at half past two', '2026-03-12', '14:30'],
    ['the day after tomorrow at quarter to eleven', '2026-03-13', '10:45'],
    ['on Friday at noon', '2026-03-13', '12:00'],
    ['on the 20th of March at 9 am', '2026-03-20', '09:00'],
    ['next Monday at 4', '2026-03-16', '16:00'],
    ['tomorrow at 9 am', '2026-03-12', '09:00'],
    ['tomorrow at 8 p.m.', '2026-03-12', '20:00'],
  ])('when the caller says "%s", then it is %s %s', (said, date, time) => {
    expect(at(`Agent: Hello, how can I help?\nUser: Could I come ${said}?`)).toEqual({ date, time });
  });
});

describe('reading a transcript', () => {
  it('when a turn spans lines, then the lines join the turn', () => {
    expect(parseTranscript('Agent: Hallo\nUser: Morgen\num zehn')).toEqual([
      { speaker: 'agent', text: 'Hallo' },
      { speaker: 'user', text: 'Morgen um zehn' },
    ]);
  });
});
