import { REPO_ROOT } from '../../../../test/paths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineOf as withKindAndType, readTenantsFile, toE164 } from './tenants-file';

const good = readFileSync(join(REPO_ROOT, 'deploy', 'tenants.example.yaml'), 'utf8');
/** the good file with one line replaced (1-based line number) */
const withLine = (line: number, text: string, source = good) =>
  source
    .split('\n')
    .map((l, i) => (i === line - 1 ? text : l))
    .join('\n');
const lineOf = (needle: string) => good.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('reading tenants.yaml', () => {
  it('when the file is valid, then numbers come out in E.164 and defaults are filled in', () => {
    const read = readTenantsFile(good);
    if (read.kind !== 'valid') throw new Error(JSON.stringify(read.problems));
    const branch = read.file.companies[0]!.branches[0]!;
    expect(branch.phoneNumbers).toEqual(['+4922198765430', '+4922198765431']);
    expect(read.file.companies[1]!.branches[0]!.workingDays).toEqual([1, 2, 3, 4, 5]);
    expect(read.file.companies[0]!.analysisFields).toEqual({});
    expect(read.file.companies[1]!.analysisFields).toEqual({
      date: ['wunschtag'],
      time: ['wunschzeit'],
      name: ['patient_name'],
    });
  });

  it('when the file declares a reseller, billing currencies and an imported number, then they come out with defaults filled in', () => {
    const read = readTenantsFile(good);
    if (read.kind !== 'valid') throw new Error(JSON.stringify(read.problems));
    expect(read.file.resellers).toEqual([
      { slug: 'agentur-mitte', name: 'Agentur Mitte', billingCurrency: 'EUR', active: true },
    ]);
    const [salon, praxis] = read.file.companies;
    expect([salon!.reseller, salon!.billingCurrency]).toEqual([undefined, 'EUR']);
    expect([praxis!.reseller, praxis!.billingCurrency]).toEqual(['agentur-mitte', 'EUR']);
    expect(praxis!.branches[0]!.phoneNumbers).toEqual([
      { number: '+493412240870', numberKind: 'twilio_imported', numberType: 'local' },
    ]);
    expect(salon!.branches[0]!.phoneNumbers.map(withKindAndType)).toEqual([
      { number: '+4922198765430', numberKind: 'retell', numberType: null },
      { number: '+4922198765431', numberKind: 'retell', numberType: null },
    ]);
    const withoutResellers = readTenantsFile('companies: []\n');
    expect(withoutResellers.kind === 'valid' && withoutResellers.file.resellers).toEqual([]);
  });

  it('when a company names a reseller the file does not declare, then that line names it', () => {
    const line = lineOf('reseller: agentur-mitte');
    const read = readTenantsFile(withLine(line, '    reseller: agentur-nord'));
    expect(read).toEqual({
      kind: 'invalid',
      problems: [
        {
          line,
          column: expect.any(Number),
          path: 'companies[1].reseller',
          message: 'reseller "agentur-nord" is not declared under resellers',
        },
      ],
    });
  });

  it('when a number has a kind or type we do not know, or a currency is no ISO code, then each is named', () => {
    const numberLine = lineOf("number: '+493412240870'");
    const currencyLine = lineOf('billingCurrency: EUR');
    const text = withLine(
      currencyLine,
      '    billingCurrency: euro',
      withLine(
        numberLine,
        "        phoneNumbers: [{ number: '+493412240870', numberKind: twilio, numberType: landline }]",
      ),
    );
    const read = readTenantsFile(text);
    expect(read.kind === 'invalid' && read.problems.map((p) => [p.line, p.path])).toEqual([
      [currencyLine, 'resellers[0].billingCurrency'],
      [numberLine, 'companies[1].branches[0].phoneNumbers[0].numberKind'],
      [numberLine, 'companies[1].branches[0].phoneNumbers[0].numberType'],
    ]);
    const twice = readTenantsFile(
      good.replace('resellers:\n', 'resellers:\n  - slug: agentur-mitte\n    name: Doppelt\n'),
    );
    expect(twice.kind === 'invalid' && twice.problems.map((p) => p.message)).toEqual([
      'reseller "agentur-mitte" appears twice',
    ]);
  });

  it('when a company names an analysis field we do not read, or gives no list, then that line is named', () => {
    const line = lineOf('name: [patient_name]');
    const unknown = readTenantsFile(withLine(line, '      birthday: [geburtstag]'));
    expect(unknown.kind === 'invalid' && unknown.problems).toEqual([
      expect.objectContaining({
        line,
        path: 'companies[1].analysisFields',
        message: expect.stringMatching(/birthday/),
      }),
    ]);
    const notAList = readTenantsFile(withLine(line, '      name: patient_name'));
    expect(notAList.kind === 'invalid' && notAList.problems).toEqual([
      expect.objectContaining({ line, path: 'companies[1].analysisFields.name' }),
    ]);
  });

  it('when a number is not a phone number, then the problem names its line and path', () => {
    const line = lineOf('0221 98765431');
    const read = readTenantsFile(withLine(line, '        phoneNumbers: ["+49 221 98765430", "12"]'));
    expect(read).toEqual({
      kind: 'invalid',
      problems: [
        {
          line,
          column: expect.any(Number),
          path: 'companies[0].branches[0].phoneNumbers[1]',
          message: '"12" is not a valid phone number',
        },
      ],
    });
  });

  it('when a branch offers a service its company does not have, then that line is named', () => {
    const line = lineOf('services: [damenhaarschnitt, faerben]');
    const read = readTenantsFile(withLine(line, '        services: [damenhaarschnitt, dauerwelle]'));
    expect(read.kind).toBe('invalid');
    expect(read.kind === 'invalid' && read.problems).toContainEqual(
      expect.objectContaining({
        line,
        path: 'companies[0].branches[0].services[1]',
        message: expect.stringMatching(/dauerwelle/),
      }),
    );
  });

  it('when the same number is given to two branches, then the second is refused', () => {
    const line = lineOf('+493412240870');
    const read = readTenantsFile(withLine(line, '        phoneNumbers: ["+49 221 98765430"]'));
    expect(read.kind === 'invalid' && read.problems).toEqual([
      expect.objectContaining({ line, message: '+4922198765430 is already the number of salon-haarmonie/koeln-mitte' }),
    ]);
  });

  it('when the time zone is not an IANA zone and a required field is missing, then both are reported', () => {
    const zoneLine = lineOf('timeZone: Europe/Berlin');
    const nameLine = lineOf('name: Hausarztpraxis Dr. Brandt');
    const text = withLine(nameLine, '    # no name', withLine(zoneLine, '        timeZone: Europe/Cologne'));
    const read = readTenantsFile(text);
    expect(read.kind === 'invalid' && read.problems.map((p) => [p.line, p.path, p.message])).toEqual([
      [zoneLine, 'companies[0].branches[0].timeZone', 'not an IANA time zone (e.g. Europe/Berlin)'],
      [nameLine - 1, 'companies[1].name', expect.stringMatching(/expected string/)],
    ]);
  });

  it('when a key is misspelt, then it is refused rather than ignored', () => {
    const line = lineOf('defaultService: sprechstunde');
    const read = readTenantsFile(withLine(line, '        defaultServise: sprechstunde'));
    expect(read.kind === 'invalid' && read.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['companies[1].branches[0].defaultService', 'companies[1].branches[0]']),
    );
  });

  it('when the YAML itself is broken, then the syntax error has its line', () => {
    const read = readTenantsFile('companies:\n  - slug: a\n   name: b\n');
    expect(read.kind).toBe('invalid');
    expect(read.kind === 'invalid' && read.problems[0]).toMatchObject({ line: 3, path: '(yaml)' });
  });
});

describe('phone numbers', () => {
  it.each([
    ['0221 98765430', '+4922198765430'],
    ['+49 (221) 987-65430', '+4922198765430'],
    ['0049 221 98765430', '+4922198765430'],
    ['+43 1 5123456', '+4315123456'],
  ])('when "%s" is written, then it is stored as %s', (raw, e164) => expect(toE164(raw)).toBe(e164));
  it('when it is no phone number, then there is none', () => expect(toE164('12')).toBeUndefined());
});
