import { asksForNextFree } from './next-free';

describe('asking for the earliest free time instead of naming one', () => {
  it.each([
    'so bald wie möglich',
    'So bald als moeglich bitte',
    'sobald wie möglich',
    'schnellstmöglich',
    'nächster freier Termin',
    'den naechsten freien Termin',
    'egal wann',
    'ASAP',
    'as soon as possible',
    'the next available slot',
    'whenever',
  ])('when the caller says "%s", then it asks for the next free time', (said) => {
    expect(asksForNextFree(said)).toBe(true);
  });

  it.each(['nächsten Dienstag', 'morgen früh', 'nächste Woche', '2026-12-08', 'bald', 'wasap', 'frei'])(
    'when the caller says "%s", then it names a time (or nothing) instead',
    (said) => {
      expect(asksForNextFree(said)).toBe(false);
    },
  );
});
