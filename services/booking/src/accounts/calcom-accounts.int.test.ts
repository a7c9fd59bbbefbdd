import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { typeormTransactions } from '@rb/kafka-runner';
import { REPO_ROOT } from '../../../../test/paths';
import { createTestDatabase } from '../../../../test/support/postgres';
import { startStatefulCalcom } from '../../test/stateful-calcom';
import { CredentialCipher, Secret } from '../credentials/credential-cipher';
import { MIGRATIONS } from '../infra/db/migrations';
import { CalcomEgress } from '../calcom/calcom-egress';
import { loadCalcomAccount, rotateCredentialKeys, setCalcomAccount } from './calcom-accounts';

/** Integration: booking's own PostgreSQL database and a stateful fake Cal.com on 127.0.0.1. */
describe("a company's Cal.com account and its sealed credential", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let calcom: Awaited<ReturnType<typeof startStatefulCalcom>>;
  const OLD = 'cal_live_old_key_aaaaaaaaaaaaaaaa';
  const NEW = 'cal_live_new_key_bbbbbbbbbbbbbbbb';
  const [k1, k2] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
  const cipher = CredentialCipher.fromConfig(`k1:${k1}`);
  const company = '00000000-0000-4000-8000-000000000001';
  // the fake listens on 127.0.0.1: allowed explicitly, as an operator would for a local Cal.com
  const egress = new CalcomEgress({ allowedHosts: [], privateHosts: ['127.0.0.1'] });

  beforeAll(async () => {
    db = await createTestDatabase('booking', MIGRATIONS);
    calcom = await startStatefulCalcom({ validTokens: [OLD, NEW] });
  });
  afterAll(async () => {
    egress.close();
    await calcom?.stop();
    await db?.drop();
  });
  const tx = () => typeormTransactions(db.dataSource);
  const set = (token: string) =>
    tx()((sql) =>
      setCalcomAccount(
        sql,
        { companyId: company, baseUrl: `${calcom.url}/`, kind: 'api_key', token: new Secret(token) },
        { cipher, egress },
      ),
    );

  it('when a credential Cal.com accepts is set, then it is stored sealed, never in clear, and opens again', async () => {
    expect(await set(OLD)).toEqual({ kind: 'set', keyId: 'k1' });
    const rows = (await db.dataSource.query('SELECT * FROM calcom_accounts')) as Record<string, unknown>[];
    expect(JSON.stringify(rows)).not.toContain(OLD);
    expect(rows[0]).toMatchObject({ key_id: 'k1', base_url: calcom.url, credential_kind: 'api_key' });
    const loaded = await tx()((sql) => loadCalcomAccount(sql, company, cipher));
    expect(loaded?.secret.reveal()).toBe(OLD);
    expect(JSON.stringify(loaded?.secret)).toBe('"[secret]"');
  });

  it('when a new credential is refused by Cal.com, then the old one stays and the error names no secret', async () => {
    const refused = await set('cal_live_wrong_key_cccccccccccccc');
    expect(refused).toEqual({ kind: 'refused', code: 'CALCOM_CREDENTIAL_REJECTED', reason: 'unauthorized' });
    expect((await tx()((sql) => loadCalcomAccount(sql, company, cipher)))?.secret.reveal()).toBe(OLD);
    // an accepted one replaces it
    await set(NEW);
    expect((await tx()((sql) => loadCalcomAccount(sql, company, cipher)))?.secret.reveal()).toBe(NEW);
  });

  it('when keys rotate, then the command re-seals every credential with the new key, once', async () => {
    const rotated = CredentialCipher.fromConfig(`k2:${k2},k1:${k1}`);
    expect(await rotateCredentialKeys(tx(), rotated)).toBe(1);
    expect(await rotateCredentialKeys(tx(), rotated)).toBe(0);
    expect(await db.dataSource.query('SELECT key_id FROM calcom_accounts')).toEqual([{ key_id: 'k2' }]);
    // the old key can now go
    const onlyNew = CredentialCipher.fromConfig(`k2:${k2}`);
    expect((await tx()((sql) => loadCalcomAccount(sql, company, onlyNew)))?.secret.reveal()).toBe(NEW);
  });

  it('when the rotation command runs, then it says how many it re-sealed', () => {
    const k3 = randomBytes(32).toString('base64');
    const output = execFileSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [join(REPO_ROOT, 'services/booking/src/entry-points/cli/rotate-credential-keys.ts')],
      { env: { ...process.env, DATABASE_URL: db.url, CREDENTIAL_KEYS: `k3:${k3},k2:${k2}` }, encoding: 'utf8' },
    );
    expect(output).toMatch(/re-sealed 1 credential\(s\) with key "k3"/);
  });
});
