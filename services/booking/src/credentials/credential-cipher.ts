import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { BookingError } from '../booking-error';

/**
 * A credential in memory: readable only through `reveal()`. Logging, JSON and string conversion
 * print a placeholder, so a secret cannot slip into a log line, an error or an event by accident.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [inspect.custom](): string {
    return '[secret]';
  }
}

/** A sealed credential or the keyring cannot be used; no retry changes that. */
export class CredentialCipherError extends BookingError<'UNKNOWN_KEY' | 'UNREADABLE' | 'BAD_KEYRING'> {}

const FORMAT = 'v1';
/** GCM's full tag: a shorter one (Node accepts down to 4 bytes unless told) is forgeable far sooner */
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * AES-256-GCM for the Cal.com credentials booking stores. Each sealed value carries the id of
 * the key that sealed it (`v1.<key id>.<iv>.<ciphertext>.<tag>`, base64url), so keys can be
 * rotated: new values use the current key, old ones are still read with theirs until the
 * rotation command re-seals them. The account id is bound in as additional data: a sealed value
 * copied to another account's row does not open.
 */
export class CredentialCipher {
  private constructor(
    private readonly currentKeyId: string,
    private readonly keys: ReadonlyMap<string, Buffer>,
  ) {}

  /**
   * From config: `keys` is `id:base64key,id:base64key` (32-byte keys), `current` the id new values
   * are sealed with (default: the first).
   */
  static fromConfig(keys: string, current?: string): CredentialCipher {
    const map = new Map<string, Buffer>();
    for (const entry of keys
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const at = entry.indexOf(':');
      const id = entry.slice(0, at);
      if (at < 1 || !KEY_ID.test(id)) {
        throw new CredentialCipherError(
          'BAD_KEYRING',
          `credential key "${id || entry.slice(0, 8)}…": expected id:base64key`,
        );
      }
      const key = Buffer.from(entry.slice(at + 1), 'base64');
      if (key.length !== 32) {
        throw new CredentialCipherError(
          'BAD_KEYRING',
          `credential key "${id}" must be 32 bytes (base64), not ${key.length}`,
        );
      }
      if (map.has(id)) throw new CredentialCipherError('BAD_KEYRING', `credential key "${id}" is listed twice`);
      map.set(id, key);
    }
    const currentId = current ?? map.keys().next().value;
    if (!currentId) throw new CredentialCipherError('BAD_KEYRING', 'no credential key configured');
    if (!map.has(currentId))
      throw new CredentialCipherError('BAD_KEYRING', `current credential key "${currentId}" is not in the keyring`);
    return new CredentialCipher(currentId, map);
  }

  get currentKey(): string {
    return this.currentKeyId;
  }

  seal(secret: Secret, accountId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(accountId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret.reveal(), 'utf8'), cipher.final()]);
    return [FORMAT, this.currentKeyId, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string, accountId: string): Secret {
    const [format, keyId, iv, ciphertext, tag, ...rest] = sealed.split('.');
    if (format !== FORMAT || !keyId || !iv || ciphertext === undefined || !tag || rest.length > 0) {
      throw new CredentialCipherError('UNREADABLE', 'not a sealed credential');
    }
    const key = this.keys.get(keyId);
    if (!key)
      throw new CredentialCipherError('UNKNOWN_KEY', `sealed with credential key "${keyId}", which is not configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(accountId, 'utf8'));
      // setAuthTag refuses another length given authTagLength; said here too, not left to that
      const authTag = Buffer.from(tag, 'base64url');
      if (authTag.length !== TAG_BYTES) throw new Error('truncated tag');
      decipher.setAuthTag(authTag);
      const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
      return new Secret(plain.toString('utf8'));
    } catch {
      // GCM says only that it does not match: tampered, another account's, or a wrong key
      throw new CredentialCipherError(
        'UNREADABLE',
        `credential of account ${accountId} does not open with key "${keyId}"`,
      );
    }
  }

  /** The key id a sealed value names, or undefined if it is no sealed value. */
  keyOf(sealed: string): string | undefined {
    const [format, keyId] = sealed.split('.');
    return format === FORMAT ? keyId : undefined;
  }

  /** Re-sealed with the current key when it was sealed with another one; else undefined. */
  reseal(sealed: string, accountId: string): string | undefined {
    if (this.keyOf(sealed) === this.currentKeyId) return undefined;
    return this.seal(this.open(sealed, accountId), accountId);
  }
}
