import { REPO_ROOT } from '../../../../test/paths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTenantsFile } from './tenants-file';

const good = readFileSync(join(REPO_ROOT, 'deploy', 'tenants.example.yaml'), 'utf8');
const lines = good.split('\n');
/** the 1-based line of the first line containing the needle, after the line containing `after` */
const lineOf = (needle: string, after = '') => {
  const from = lines.findIndex((l) => l.includes(after));
  return lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
};
/** the good file with lines replaced (1-based line numbers) */
const withLines = (changes: Record<number, string>) => lines.map((l, i) => changes[i + 1] ?? l).join('\n');
const problems = (text: string) => {
  const read = readTenantsFile(text);
  if (read.kind === 'valid') throw new Error('expected problems');
  return read.problems.map((p) => [p.line, p.path, p.message]);
};
const SALON = 'companies[0].branches[0]';
const PRAXIS = 'companies[1].branches[0]';

describe('reading tenants.yaml: what the phone agent needs of a branch', () => {
  it('when the branches declare address, opening hours, language, agent override and greeting name, then they come out as written, days left out closed', () => {
    const read = readTenantsFile(good);
    if (read.kind !== 'valid') throw new Error(JSON.stringify(read.problems));
    const salon = read.file.companies[0]!.branches[0]!;
    const praxis = read.file.companies[1]!.branches[0]!;
    expect(salon).toMatchObject({
      address: { street: 'Alter Markt 24', postalCode: '50667', city: 'Köln', country: 'DE' },
      language: 'de-DE',
      agentOverride: null,
      greetingName: 'Salon Haarmonie am Alten Markt',
    });
    expect(salon.openingHours).toEqual({
      mon: [],
      tue: [{ opens: '09:00', closes: '18:30' }],
      wed: [{ opens: '09:00', closes: '18:30' }],
      thu: [{ opens: '09:00', closes: '20:00' }],
      fri: [{ opens: '09:00', closes: '18:30' }],
      sat: [{ opens: '08:00', closes: '14:00' }],
      sun: [],
    });
    expect(praxis.agentOverride).toEqual({ agentId: 'agent_8ed7f033dc20e357b87e2a81eb', agentVersion: 12 });
    expect(praxis.openingHours?.mon).toEqual([
      { opens: '08:00', closes: '12:00' },
      { opens: '15:00', closes: '18:00' },
    ]);
    expect(praxis.address).toEqual({ street: 'Petersstraße 28', postalCode: '04109', city: 'Leipzig', country: 'DE' });
  });

  it('when a branch declares none of them, then none is given and the agent speaks German', () => {
    const bare = lines.filter((l, i) => i + 1 < lineOf('address:') || i + 1 > lineOf('greetingName:')).join('\n');
    const read = readTenantsFile(bare);
    if (read.kind !== 'valid') throw new Error(JSON.stringify(read.problems));
    expect(read.file.companies[0]!.branches[0]).toMatchObject({
      address: null,
      openingHours: null,
      language: 'de-DE',
      agentOverride: null,
      greetingName: null,
    });
  });

  it('when opening hours close before they open, overlap, or a time is no HH:mm, then each problem names its line and field', () => {
    const tue = lineOf("tue: [{ opens: '09:00'");
    const thu = lineOf("thu: [{ opens: '09:00'");
    const praxisMon = lineOf('mon: [', 'Leipzig');
    expect(
      problems(
        withLines({
          [tue]: "          tue: [{ opens: '18:30', closes: '09:00' }]",
          [thu]: "          thu: [{ opens: '9 Uhr', closes: '20:00' }]",
          [praxisMon]: "          mon: [{ opens: '08:00', closes: '12:00' }, { opens: '11:30', closes: '18:00' }]",
        }),
      ),
    ).toEqual([
      [tue, `${SALON}.openingHours.tue[0].closes`, 'closes (09:00) must be after opens (18:30)'],
      [thu, `${SALON}.openingHours.thu[0].opens`, 'a time as HH:mm, e.g. 09:00'],
      [
        praxisMon,
        `${PRAXIS}.openingHours.mon[1].opens`,
        "opens (11:30) before the interval before it closes (12:00): list a day's intervals in order, without overlaps",
      ],
    ]);
    const dayLine = lineOf("wed: [{ opens: '09:00'");
    expect(problems(withLines({ [dayLine]: "          mittwoch: [{ opens: '09:00', closes: '18:30' }]" }))).toEqual([
      [dayLine, `${SALON}.openingHours`, expect.stringMatching(/mittwoch/)],
    ]);
  });

  it('when the language, the agent id, the postal code or the greeting name is not what the agent can use, then each is named with its line', () => {
    const language = lineOf('language: de-DE', 'Leipzig');
    const agent = lineOf('agentOverride:');
    const address = lineOf('address:', 'Leipzig');
    const greeting = lineOf('greetingName:');
    expect(
      problems(
        withLines({
          [language]: '        language: fr-FR',
          [agent]: '        agentOverride: { agentId: 8ed7f033dc20e357b87e2a81eb, agentVersion: -1 }',
          [address]: "        address: { street: Petersstraße 28, postalCode: '4109', city: Leipzig, country: DE }",
          [greeting]: `        greetingName: ${'Salon '.repeat(14)}`,
        }),
      ),
    ).toEqual([
      [greeting, `${SALON}.greetingName`, expect.stringMatching(/80/)],
      [address, `${PRAXIS}.address.postalCode`, 'not a postal code of DE (e.g. 50667)'],
      [language, `${PRAXIS}.language`, expect.stringMatching(/^German or English with a region/)],
      [agent, `${PRAXIS}.agentOverride.agentId`, 'a Retell agent id: agent_ followed by letters or digits'],
      [agent, `${PRAXIS}.agentOverride.agentVersion`, expect.stringMatching(/>=0/)],
    ]);
    expect(problems(withLines({ [language]: '        language: german' }))).toEqual([
      [language, `${PRAXIS}.language`, expect.stringMatching(/BCP 47/)],
    ]);
  });
});
