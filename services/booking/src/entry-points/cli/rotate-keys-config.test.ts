import { parseRotateKeysConfig } from '../../config';

const KEYS = `k1:${Buffer.alloc(32, 1).toString('base64')},k0:${Buffer.alloc(32, 2).toString('base64')}`;

describe("the key rotation command's settings", () => {
  it('when only the keys are given, then the local database is used and the first key is current', () => {
    expect(parseRotateKeysConfig({ CREDENTIAL_KEYS: KEYS })).toEqual({
      kind: 'valid',
      config: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/booking', CREDENTIAL_KEYS: KEYS },
    });
  });

  it('when CREDENTIAL_KEY_CURRENT names a key, then it is read; empty, then it is unset', () => {
    expect(parseRotateKeysConfig({ CREDENTIAL_KEYS: KEYS, CREDENTIAL_KEY_CURRENT: 'k0' })).toMatchObject({
      config: { CREDENTIAL_KEY_CURRENT: 'k0' },
    });
    const empty = parseRotateKeysConfig({ CREDENTIAL_KEYS: KEYS, CREDENTIAL_KEY_CURRENT: '' });
    expect(empty.kind === 'valid' && empty.config.CREDENTIAL_KEY_CURRENT).toBeUndefined();
  });

  it('when the keys are missing or malformed, then the command is refused naming the setting, never a key', () => {
    const missing = parseRotateKeysConfig({});
    expect(missing.kind === 'invalid' && missing.problems.join('\n')).toMatch(/CREDENTIAL_KEYS/);
    const secret = Buffer.alloc(16, 9).toString('base64');
    const malformed = parseRotateKeysConfig({ CREDENTIAL_KEYS: `k1:${secret}` });
    expect(malformed.kind).toBe('invalid');
    expect(JSON.stringify(malformed)).not.toContain(secret);
  });
});
