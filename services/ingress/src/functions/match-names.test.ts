import { matchService, matchStaff } from './match-names';
import { IDS, SALON } from './test-tenant.test-support';

const serviceOf = (said: string | undefined) => {
  const match = matchService(said, SALON.services);
  return match.kind === 'matched' ? match.service.id : match.kind;
};
const cut = SALON.services[0]!;
const mensCut = SALON.services[2]!;

describe('the service the LLM named', () => {
  it.each([
    ['its slug', 'damenhaarschnitt_foehnen'],
    ['its name with an umlaut', 'Damenhaarschnitt & Föhnen'],
    ['a synonym in capitals with the umlaut written out', 'WASCHEN SCHNEIDEN FOEHNEN'],
    ['a synonym, umlaut dropped', 'schneiden und fohnen'],
    ['a synonym with other punctuation', 'waschen schneiden föhnen'],
  ])('when it is %s, then it is that service', (_, said) => {
    expect(serviceOf(said)).toBe(IDS.cut);
  });

  it('when it is part of exactly one service’s name, then it is that service', () => {
    expect(serviceOf('färb')).toBe(IDS.colour);
    expect(serviceOf('herren')).toBe(IDS.mensCut);
  });

  it('when it is part of several services’ names, then it is unknown (the agent asks)', () => {
    expect(matchService('haarschnitt', SALON.services)).toEqual({ kind: 'unknown', said: 'haarschnitt' });
  });

  it('when it is missing or only punctuation, then the service is missing', () => {
    expect(serviceOf(undefined)).toBe('missing');
    expect(serviceOf(' - ')).toBe('missing');
  });

  it('when nothing the branch offers is like it, or it is too short to be part of a name, then it is unknown', () => {
    expect(serviceOf('Dauerwelle')).toBe('unknown');
    expect(serviceOf('Tö')).toBe('unknown');
  });
});

describe('the staff member the LLM named', () => {
  it('when the first name is said, then that member, and whether they offer the service', () => {
    expect(matchStaff('jana', SALON.staff, cut)).toMatchObject({ kind: 'matched', offersService: true });
    expect(matchStaff('Ole Schmitz', SALON.staff, cut)).toMatchObject({ kind: 'matched', offersService: false });
    expect(matchStaff('Ole', SALON.staff, mensCut)).toMatchObject({ kind: 'matched', offersService: true });
  });

  it('when nobody of that name works at the branch, then unknown; when none is named, then none asked', () => {
    expect(matchStaff('Kevin', SALON.staff, cut)).toEqual({ kind: 'unknown', said: 'Kevin' });
    expect(matchStaff(undefined, SALON.staff, cut)).toEqual({ kind: 'none_asked' });
  });
});
