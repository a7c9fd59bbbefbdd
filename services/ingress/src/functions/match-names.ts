import type { Service, Staff } from '../directory/routing-directory';

/**
 * The keys a name is compared by: lower case, without spaces or punctuation, once with umlauts
 * written out (ä → ae) and once with every accent dropped (ä → a), so "Föhnen", "foehnen",
 * "fohnen" and "FÖHNEN" all meet, and so do "Éva" and "Eva".
 */
export function nameKeys(text: string): string[] {
  const lower = text.normalize('NFC').toLowerCase().replace(/ß/g, 'ss');
  const bare = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^a-z0-9]/g, '');
  const spelledOut = bare(lower.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue'));
  return [...new Set([spelledOut, bare(lower)])].filter((key) => key.length > 0);
}

const meets = (a: string[], b: string[]) => a.some((key) => b.includes(key));
/** a part of at least four letters, so "ab" or "cut" do not match half the list */
const contains = (whole: string, part: string) => part.length >= 4 && whole.includes(part);

export type ServiceMatch =
  { kind: 'matched'; service: Service } | { kind: 'missing' } | { kind: 'unknown'; said: string };

/**
 * The branch's service the LLM named (`dienstleistung`): by slug, name or synonym, the same
 * whatever the case, accents, umlauts or spacing; else the one service whose name or synonym
 * contains what was said, or is contained in it ("Haarschnitt" when only "Damenhaarschnitt"
 * exists). Several candidates are no match: the agent has to ask.
 */
export function matchService(said: string | undefined, services: readonly Service[]): ServiceMatch {
  const keys = said ? nameKeys(said) : [];
  if (keys.length === 0) return { kind: 'missing' };
  const namesOf = (s: Service) => [s.slug, s.name, ...s.synonyms].flatMap(nameKeys);
  const exact = services.filter((s) => meets(keys, namesOf(s)));
  if (exact.length === 1) return { kind: 'matched', service: exact[0]! };
  const partial = services.filter((s) =>
    namesOf(s).some((name) => keys.some((key) => contains(name, key) || contains(key, name))),
  );
  return partial.length === 1 ? { kind: 'matched', service: partial[0]! } : { kind: 'unknown', said: said! };
}

export type StaffMatch =
  | { kind: 'none_asked' }
  | { kind: 'matched'; staff: Staff; offersService: boolean }
  | { kind: 'unknown'; said: string };

/** The branch's staff member the LLM named, by full name, first name or slug. */
export function matchStaff(said: string | undefined, staff: readonly Staff[], service: Service): StaffMatch {
  const keys = said ? nameKeys(said) : [];
  if (keys.length === 0) return { kind: 'none_asked' };
  const found = staff.filter((s) => meets(keys, [s.name, s.name.split(/\s+/)[0] ?? '', s.slug].flatMap(nameKeys)));
  if (found.length !== 1) return { kind: 'unknown', said: said! };
  const member = found[0]!;
  return { kind: 'matched', staff: member, offersService: member.serviceIds.includes(service.id) };
}
