import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { CredentialCipher, Secret } from './credential-cipher';

const key = () => randomBytes(32).toString('base64');
const [k1, k2] = [key(), key()];
const API_KEY = 'cal_live_0123456789abcdef0123456789abcdef';

describe('credentials sealed with AES-256-GCM and a key id', () => {
  const cipher = CredentialCipher.fromConfig(`k1:${k1}`);

  it('when a credential is sealed and opened, then it comes back, and the sealed text shows neither it nor the key', () => {
    const sealed = cipher.seal(new Secret(API_KEY), 'acct-1');
    expect(sealed).toMatch(/^v1\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(API_KEY);
    expect(cipher.open(sealed, 'acct-1').reveal()).toBe(API_KEY);
    // a fresh IV each time
    expect(cipher.seal(new Secret(API_KEY), 'acct-1')).not.toBe(sealed);
  });

  it("when a sealed value is changed, or copied to another account's row, then it does not open", () => {
    const sealed = cipher.seal(new Secret(API_KEY), 'acct-1');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    const tampered = [...parts.slice(0, 3), flipped.toString('base64url'), parts[4]].join('.');
    expect(() => cipher.open(tampered, 'acct-1')).toThrow(/does not open/);
    expect(() => cipher.open(sealed, 'acct-2')).toThrow(/does not open/);
    expect(() => cipher.open('cal_live_plaintext', 'acct-1')).toThrow(/not a sealed credential/);
  });

  it('when the tag of a sealed value is cut to 4 bytes, then it does not open (the tag length is pinned to 16)', () => {
    const sealed = cipher.seal(new Secret(API_KEY), 'acct-1');
    const parts = sealed.split('.');
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength(16);
    for (const bytes of [4, 8, 12, 15]) {
      const short = [
        ...parts.slice(0, 4),
        Buffer.from(parts[4]!, 'base64url').subarray(0, bytes).toString('base64url'),
      ];
      expect(() => cipher.open(short.join('.'), 'acct-1')).toThrow(/does not open/);
    }
  });

  it('when keys rotate, then old values still open, new ones use the current key, and reseal moves the old ones', () => {
    const old = cipher.seal(new Secret(API_KEY), 'acct-1');
    const rotated = CredentialCipher.fromConfig(`k2:${k2},k1:${k1}`);
    expect(rotated.currentKey).toBe('k2');
    expect(rotated.open(old, 'acct-1').reveal()).toBe(API_KEY);
    const moved = rotated.reseal(old, 'acct-1')!;
    expect(rotated.keyOf(moved)).toBe('k2');
    expect(rotated.open(moved, 'acct-1').reveal()).toBe(API_KEY);
    expect(rotated.reseal(moved, 'acct-1')).toBeUndefined();
    // once k1 is retired, a value still sealed with it says which key is missing
    expect(() => CredentialCipher.fromConfig(`k2:${k2}`).open(old, 'acct-1')).toThrow(/credential key "k1"/);
  });

  it('when the keyring is wrong, then start-up fails with what is wrong and no key material', () => {
    expect(() => CredentialCipher.fromConfig('k1:c2hvcnQ=')).toThrow(/must be 32 bytes/);
    expect(() => CredentialCipher.fromConfig(`k1:${k1}`, 'k9')).toThrow(/"k9" is not in the keyring/);
    expect(() => CredentialCipher.fromConfig('')).toThrow(/no credential key/);
    expect(() => CredentialCipher.fromConfig(`k1:${k1},k1:${k2}`)).toThrow(/listed twice/);
    const refused = (() => {
      try {
        return CredentialCipher.fromConfig(`bad key:${k1}`);
      } catch (error) {
        return error;
      }
    })();
    expect(String(refused)).toMatch(/expected id:base64key/);
    expect(String(refused)).not.toContain(k1);
  });

  it('when a secret is logged, turned into JSON or a string, then it shows as [secret]', () => {
    const secret = new Secret(API_KEY);
    const shown = [String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ secret })].join(' ');
    expect(shown).not.toContain(API_KEY);
    expect(shown).toContain('[secret]');
  });
});
