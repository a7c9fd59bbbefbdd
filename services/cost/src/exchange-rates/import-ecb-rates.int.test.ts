import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { typeormTransactions } from '@rb/kafka-runner';
import { SHARED_DIR } from '../../../../test/paths';
import { createTestDatabase } from '../../../../test/support/postgres';
import { MIGRATIONS } from '../infra/db/migrations';
import { importEcbRates } from './import-ecb-rates';

const DAILY = readFileSync(join(SHARED_DIR, 'cost', 'ecb-eurofxref-daily.2024-06-28.xml'), 'utf8');
const HISTORY = [
  'Date,USD,JPY,CYP,',
  '2024-07-02,1.0745,173.32,N/A,',
  '2024-07-01,1.0746,173.26,N/A,',
  '2024-06-28,1.0705,171.94,N/A,',
  '',
].join('\n');

let db: { dataSource: DataSource; drop(): Promise<void> };
const run = (text: string) => typeormTransactions(db.dataSource)((sql) => importEcbRates(sql, text, new Date()));
const stored = async () =>
  (await db.dataSource.query(
    `SELECT to_char(rate_date, 'YYYY-MM-DD') AS day, currency, rate::text AS rate FROM ecb_rates
      WHERE currency IN ('USD', 'JPY') ORDER BY day, currency`,
  )) as { day: string; currency: string; rate: string }[];

beforeAll(async () => {
  db = await createTestDatabase('cost_ecb_import', MIGRATIONS);
});
afterAll(async () => {
  await db?.drop();
});

describe('importing the ECB reference rates', () => {
  it('when the daily XML and then the history CSV are imported, then each day-currency is stored once, exactly as written', async () => {
    const daily = await run(DAILY);
    expect(daily).toMatchObject({ kind: 'imported', days: 1, unchanged: 0, conflicts: [] });
    expect(daily.kind === 'imported' && daily.added).toBeGreaterThan(25);
    expect(await run(HISTORY)).toEqual({ kind: 'imported', days: 3, added: 4, unchanged: 2, conflicts: [] });
    expect(await stored()).toEqual([
      { day: '2024-06-28', currency: 'JPY', rate: '171.94' },
      { day: '2024-06-28', currency: 'USD', rate: '1.0705' },
      { day: '2024-07-01', currency: 'JPY', rate: '173.26' },
      { day: '2024-07-01', currency: 'USD', rate: '1.0746' },
      { day: '2024-07-02', currency: 'JPY', rate: '173.32' },
      { day: '2024-07-02', currency: 'USD', rate: '1.0745' },
    ]);
  });

  it('when a file gives another rate for a stored day, then the stored rate stays and the pair is named as a conflict', async () => {
    const changed = HISTORY.replace('2024-07-01,1.0746', '2024-07-01,1.0800');
    expect(await run(changed)).toEqual({
      kind: 'imported',
      days: 3,
      added: 0,
      unchanged: 5,
      conflicts: ['2024-07-01 USD'],
    });
    expect((await stored()).find((r) => r.day === '2024-07-01' && r.currency === 'USD')?.rate).toBe('1.0746');
  });

  it('when the file is empty or broken, then nothing is written and every problem is named', async () => {
    const before = await stored();
    expect(await run('')).toEqual({ kind: 'invalid', problems: ['the file is empty'] });
    const broken = await run('Date,USD,\n2024-07-03,1.07x,\n');
    expect(broken.kind).toBe('invalid');
    expect(broken.kind === 'invalid' && broken.problems.join(' ')).toMatch(/line 2, USD/);
    expect(await stored()).toEqual(before);
  });
});
