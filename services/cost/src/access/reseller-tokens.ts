import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from '@rb/kafka-runner';
import type { Caller } from './caller';

/** A reseller's token starts with this, so it is recognisable in a leak scan and never taken for an admin token. */
export const RESELLER_TOKEN_PREFIX = 'rbr_';

export type IssueTokenResult =
  | { kind: 'issued'; id: string; resellerId: string; label: string; token: string; createdAt: string }
  | { kind: 'invalid'; problems: string[] }
  | { kind: 'unknown_reseller' };

export type RevokeTokenResult = { kind: 'revoked'; id: string; revokedAt: string } | { kind: 'unknown_token' };

export interface ResellerTokensDeps {
  db: Sql;
  clock: () => Date;
}

/** sha256 of the token as UTF-8: what is stored and looked up, never the token itself. */
export const tokenDigest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * Reseller tokens: 32 random bytes (base64url) behind `rbr_`, shown once when made; only the
 * sha256 is kept. A token is looked up by its digest: the index compares digests, so the time a
 * look-up takes tells nothing usable about the token. Revoking keeps the row (who had access when).
 */
export function makeResellerTokens(deps: ResellerTokensDeps) {
  async function issue(resellerId: string, body: unknown): Promise<IssueTokenResult> {
    const label = (body as { label?: unknown } | null)?.label;
    if (typeof label !== 'string' || label.trim().length === 0 || label.length > 100)
      return { kind: 'invalid', problems: ['label: required, 1 to 100 characters'] };
    const known = await deps.db.query(`SELECT 1 FROM directory_entities WHERE entity = 'reseller' AND id = $1`, [
      resellerId,
    ]);
    if (known.length === 0) return { kind: 'unknown_reseller' };
    const token = RESELLER_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const id = randomUUID();
    const createdAt = deps.clock().toISOString();
    await deps.db.query(
      'INSERT INTO reseller_tokens (id, reseller_id, token_sha256, label, created_at) VALUES ($1, $2, $3, $4, $5)',
      [id, resellerId, tokenDigest(token), label.trim(), createdAt],
    );
    return { kind: 'issued', id, resellerId, label: label.trim(), token, createdAt };
  }

  /** Idempotent: revoking a revoked token answers with when it was revoked. */
  async function revoke(id: string): Promise<RevokeTokenResult> {
    const rows = await deps.db.query<{ revoked_at: Date }>(
      `UPDATE reseller_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING revoked_at`,
      [id, deps.clock().toISOString()],
    );
    const [row] = rows;
    return row ? { kind: 'revoked', id, revokedAt: new Date(row.revoked_at).toISOString() } : { kind: 'unknown_token' };
  }

  /** The reseller a live token belongs to, or null (unknown, revoked, not a reseller token). */
  async function resolve(token: string): Promise<Extract<Caller, { kind: 'reseller' }> | null> {
    if (!token.startsWith(RESELLER_TOKEN_PREFIX)) return null;
    const rows = await deps.db.query<{ id: string; reseller_id: string }>(
      'SELECT id, reseller_id FROM reseller_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL',
      [tokenDigest(token)],
    );
    const [row] = rows;
    return row ? { kind: 'reseller', resellerId: row.reseller_id, tokenId: row.id } : null;
  }

  return { issue, revoke, resolve };
}
export type ResellerTokens = ReturnType<typeof makeResellerTokens>;
