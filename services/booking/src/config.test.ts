import { adminTokensOf } from '@rb/observability';
import { callerIndexKey, parseConfig } from './config';

const KEYS = `k1:${Buffer.alloc(32, 1).toString('base64')}`;

describe('booking configuration', () => {
  it('when the admin token and credential keys are missing, then both are named', () => {
    const result = parseConfig({});
    const problems = result.kind === 'valid' ? '' : result.problems.join('\n');
    expect(problems).toMatch(/ADMIN_TOKEN/);
    expect(problems).toMatch(/CREDENTIAL_KEYS/);
  });

  it('when a credential key is malformed, then start-up is refused without showing the key', () => {
    const secret = Buffer.alloc(16, 9).toString('base64');
    const result = parseConfig({ ADMIN_TOKEN: 'a'.repeat(24), CREDENTIAL_KEYS: `k1:${secret}` });
    expect(result.kind).toBe('invalid');
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('when only the secrets are given, then the local defaults apply', () => {
    expect(parseConfig({ ADMIN_TOKEN: 'a'.repeat(24), CREDENTIAL_KEYS: KEYS })).toMatchObject({
      kind: 'valid',
      config: {
        PORT: 3002,
        KAFKA_GROUP_ID: 'booking',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/booking',
        CALCOM_REQUESTS_PER_MINUTE: 110,
        SEARCH_WINDOW_DAYS: 7,
        ALTERNATIVES_COUNT: 3,
      },
    });
  });

  it("when the availability deadline is not set, then it is 2 s, below ingress's 2.5 s; when it is not a positive number, then start-up is refused", () => {
    const base = { ADMIN_TOKEN: 'a'.repeat(24), CREDENTIAL_KEYS: KEYS };
    expect(parseConfig(base)).toMatchObject({ kind: 'valid', config: { AVAILABILITY_DEADLINE_MS: 2_000 } });
    expect(parseConfig({ ...base, AVAILABILITY_DEADLINE_MS: '1200' })).toMatchObject({
      config: { AVAILABILITY_DEADLINE_MS: 1_200 },
    });
    for (const wrong of ['0', '-5', 'soon']) {
      const result = parseConfig({ ...base, AVAILABILITY_DEADLINE_MS: wrong });
      expect(result.kind === 'valid' ? [] : result.problems).toEqual([
        expect.stringMatching(/^AVAILABILITY_DEADLINE_MS: /),
      ]);
    }
  });

  it("when the intent lease is shorter than twice a Cal.com call's time limit, then start-up is refused", () => {
    const result = parseConfig({ ADMIN_TOKEN: 'a'.repeat(24), CREDENTIAL_KEYS: KEYS, INTENT_LEASE_SECONDS: '10' });
    expect(result.kind === 'valid' ? '' : result.problems.join('\n')).toMatch(
      /INTENT_LEASE_SECONDS: must be at least twice CALCOM_TIMEOUT_MS/,
    );
  });

  it('when ADMIN_TOKENS names a second token for a rotation, then booking accepts it beside ADMIN_TOKEN', () => {
    const result = parseConfig({ ADMIN_TOKEN: 'a'.repeat(24), ADMIN_TOKENS: 'b'.repeat(24), CREDENTIAL_KEYS: KEYS });
    expect(result.kind === 'valid' && adminTokensOf(result.config)).toEqual(['a'.repeat(24), 'b'.repeat(24)]);
    const rotated = parseConfig({ ADMIN_TOKENS: `${'b'.repeat(24)},${'c'.repeat(24)}`, CREDENTIAL_KEYS: KEYS });
    expect(rotated.kind === 'valid' && adminTokensOf(rotated.config)).toEqual(['b'.repeat(24), 'c'.repeat(24)]);
  });

  it('when Cal.com hosts are configured, then each is read as host or host:port and a malformed one is named', () => {
    const result = parseConfig({
      ADMIN_TOKEN: 'a'.repeat(24),
      CREDENTIAL_KEYS: KEYS,
      CALCOM_ALLOWED_HOSTS: 'cal.example.org, cal.internal.example:8443',
      CALCOM_ALLOW_PRIVATE_HOSTS: '127.0.0.1:4010',
    });
    expect(result).toMatchObject({
      kind: 'valid',
      config: {
        CALCOM_ALLOWED_HOSTS: ['cal.example.org', 'cal.internal.example:8443'],
        CALCOM_ALLOW_PRIVATE_HOSTS: ['127.0.0.1:4010'],
        CALCOM_MAX_RESPONSE_BYTES: 1024 * 1024,
      },
    });
    expect(parseConfig({ ADMIN_TOKEN: 'a'.repeat(24), CREDENTIAL_KEYS: KEYS })).toMatchObject({
      config: { CALCOM_ALLOWED_HOSTS: [], CALCOM_ALLOW_PRIVATE_HOSTS: [] },
    });
    const bad = parseConfig({
      ADMIN_TOKEN: 'a'.repeat(24),
      CREDENTIAL_KEYS: KEYS,
      CALCOM_ALLOWED_HOSTS: 'https://x/y',
    });
    expect(bad.kind === 'valid' ? [] : bad.problems).toEqual(['CALCOM_ALLOWED_HOSTS.0: expected host or host:port']);
  });

  it('when QUERY_TOKENS is unset or empty, then there are no query tokens (the internal API is off)', () => {
    for (const env of [{}, { QUERY_TOKENS: '' }]) {
      expect(parseConfig({ ADMIN_TOKEN: 'a'.repeat(24), CREDENTIAL_KEYS: KEYS, ...env })).toMatchObject({
        kind: 'valid',
        config: { QUERY_TOKENS: [] },
      });
    }
  });

  it('when QUERY_TOKENS lists tokens, then each is accepted and a short one is named without being shown', () => {
    const result = parseConfig({
      ADMIN_TOKEN: 'a'.repeat(24),
      CREDENTIAL_KEYS: KEYS,
      QUERY_TOKENS: ` ${'q'.repeat(24)} , ${'r'.repeat(24)}`,
    });
    expect(result).toMatchObject({ kind: 'valid', config: { QUERY_TOKENS: ['q'.repeat(24), 'r'.repeat(24)] } });
    const short = parseConfig({ ADMIN_TOKEN: 'a'.repeat(24), CREDENTIAL_KEYS: KEYS, QUERY_TOKENS: 'short-secret' });
    expect(short.kind === 'valid' ? [] : short.problems).toEqual([expect.stringMatching(/^QUERY_TOKENS\.0: /)]);
    expect(JSON.stringify(short)).not.toContain('short-secret');
  });

  it('when a query token is also an admin token, then start-up is refused', () => {
    for (const admin of [{ ADMIN_TOKEN: 'a'.repeat(24) }, { ADMIN_TOKENS: `${'b'.repeat(24)},${'a'.repeat(24)}` }]) {
      const result = parseConfig({
        ...admin,
        CREDENTIAL_KEYS: KEYS,
        QUERY_TOKENS: `${'q'.repeat(24)},${'a'.repeat(24)}`,
      });
      expect(result.kind === 'valid' ? [] : result.problems).toEqual([
        'QUERY_TOKENS: must differ from every admin token (ADMIN_TOKEN, ADMIN_TOKENS)',
      ]);
    }
  });

  it('when CALLER_INDEX_KEY is base64 of 32 bytes, then its bytes are the key; when unset or empty, then there is none; when shorter or not base64, then start-up is refused without showing it', () => {
    const base = { ADMIN_TOKEN: 'a'.repeat(24), CREDENTIAL_KEYS: KEYS };
    const key = Buffer.alloc(32, 5);
    const valid = parseConfig({ ...base, CALLER_INDEX_KEY: key.toString('base64') });
    expect(valid.kind === 'valid' && callerIndexKey(valid.config)).toEqual(key);
    for (const unset of [{}, { CALLER_INDEX_KEY: '' }]) {
      const result = parseConfig({ ...base, ...unset });
      expect(result.kind === 'valid' && callerIndexKey(result.config)).toBeUndefined();
    }
    for (const bad of [Buffer.alloc(16, 5).toString('base64'), `${'x'.repeat(43)}!`]) {
      const result = parseConfig({ ...base, CALLER_INDEX_KEY: bad });
      expect(result.kind).toBe('invalid');
      expect(JSON.stringify(result)).toMatch(/CALLER_INDEX_KEY/);
      expect(JSON.stringify(result)).not.toContain(bad);
    }
  });
});
