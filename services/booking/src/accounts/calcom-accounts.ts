import type { Sql } from '@rb/kafka-runner';
import type { CalcomAccount, Fetch } from '../calcom/calcom-client';
import { CalcomClient } from '../calcom/calcom-client';
import type { CalcomEgress } from '../calcom/calcom-egress';
import { EgressRefusedError } from '../calcom/calcom-egress';
import { CalcomError } from '../calcom/calcom-errors';
import type { CredentialCipher } from '../credentials/credential-cipher';
import { Secret } from '../credentials/credential-cipher';

export interface AccountInput {
  companyId: string;
  /** https://api.cal.com, https://api.cal.eu or an allowed self-hosted instance's root */
  baseUrl: string;
  kind: 'api_key' | 'oauth_token';
  token: Secret;
  /** for callers without a phone number, when the event type needs an email: configured, never made up */
  fallbackEmail?: string | null;
}

/**
 * What setting an account came to. `CALCOM_TARGET_NOT_ALLOWED` is decided from the configuration
 * alone; `CALCOM_UNVERIFIED` is every way Cal.com could not be asked (unreachable, an address or a
 * redirect refused, an answer that is not Cal.com's), alike on purpose: a caller cannot tell a
 * closed port from an open one. Its `cause` is for the log only.
 */
export type SetAccountResult =
  | { kind: 'set'; keyId: string }
  | { kind: 'refused'; code: 'CALCOM_TARGET_NOT_ALLOWED'; detail: string }
  | { kind: 'refused'; code: 'CALCOM_CREDENTIAL_REJECTED'; reason: 'unauthorized' | 'forbidden' }
  | { kind: 'refused'; code: 'CALCOM_UNVERIFIED'; cause: string };

export type VerifyResult =
  Extract<SetAccountResult, { code: 'CALCOM_CREDENTIAL_REJECTED' | 'CALCOM_UNVERIFIED' }> | { kind: 'verified' };
type Verify = (account: CalcomAccount) => Promise<VerifyResult | void>;

/** Asks Cal.com with the credential (an authenticated read) through `fetch` (the egress). */
export async function verifyWithCalcom(
  account: CalcomAccount,
  options: { fetch: Fetch; maxResponseBytes?: number; signal?: AbortSignal },
): Promise<VerifyResult> {
  try {
    const client = new CalcomClient(account, options.fetch, {
      maxResponseBytes: options.maxResponseBytes ?? 64 * 1024,
    });
    await client.listBookings({ take: 1 }, options.signal ?? AbortSignal.timeout(5_000));
    return { kind: 'verified' };
  } catch (error) {
    // Cal.com's own refusal of the key; a target our egress refused is "could not verify", like a
    // closed port, so the answer cannot be used to tell internal addresses apart
    const refusedByEgress = error instanceof CalcomError && error.cause instanceof EgressRefusedError;
    if (error instanceof CalcomError && !refusedByEgress && error.permanentForTenant) {
      const reason = error.code === 'CALCOM_UNAUTHORIZED' ? 'unauthorized' : 'forbidden';
      return { kind: 'refused', code: 'CALCOM_CREDENTIAL_REJECTED', reason };
    }
    const refused = (error as { cause?: unknown }).cause;
    const cause =
      refused instanceof EgressRefusedError
        ? refused.code
        : error instanceof CalcomError
          ? `${error.kind}${error.status ? ` ${error.status}` : ''}`
          : 'unexpected_answer';
    return { kind: 'refused', code: 'CALCOM_UNVERIFIED', cause };
  }
}

/**
 * Sets a company's Cal.com account. The base URL must be an allowed Cal.com host; the new
 * credential is first checked against Cal.com through the egress; only if Cal.com accepts it does
 * it replace the old one (sealed, bound to the company). No transaction is held while Cal.com is
 * asked: the write is one statement.
 */
export async function setCalcomAccount(
  sql: Sql,
  input: AccountInput,
  deps:
    { cipher: CredentialCipher; egress: CalcomEgress; verify?: Verify } | { cipher: CredentialCipher; verify: Verify },
): Promise<SetAccountResult> {
  if ('egress' in deps) {
    const target = deps.egress.target(input.baseUrl);
    if (target.kind === 'refused') return { kind: 'refused', code: 'CALCOM_TARGET_NOT_ALLOWED', detail: target.detail };
  }
  const baseUrl = new URL(input.baseUrl).origin;
  const account = { baseUrl, token: input.token.reveal() };
  const verify: Verify =
    'egress' in deps ? (deps.verify ?? ((a) => verifyWithCalcom(a, { fetch: deps.egress.fetch }))) : deps.verify;
  const verified = (await verify(account)) ?? { kind: 'verified' };
  if (verified.kind !== 'verified') return verified;
  const sealed = deps.cipher.seal(input.token, input.companyId);
  await sql.query(
    `INSERT INTO calcom_accounts (company_id, base_url, credential_kind, sealed_credential, key_id, fallback_email)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (company_id) DO UPDATE SET base_url = excluded.base_url, credential_kind = excluded.credential_kind,
       sealed_credential = excluded.sealed_credential, key_id = excluded.key_id,
       fallback_email = excluded.fallback_email, updated_at = now()`,
    [input.companyId, baseUrl, input.kind, sealed, deps.cipher.keyOf(sealed), input.fallbackEmail ?? null],
  );
  return { kind: 'set', keyId: deps.cipher.keyOf(sealed)! };
}

/** The company's account with its credential opened, or undefined if none is configured. */
export async function loadCalcomAccount(
  sql: Sql,
  companyId: string,
  cipher: CredentialCipher,
): Promise<(CalcomAccount & { secret: Secret; fallbackEmail: string | null }) | undefined> {
  const [row] = await sql.query<{ base_url: string; sealed_credential: string; fallback_email: string | null }>(
    'SELECT base_url, sealed_credential, fallback_email FROM calcom_accounts WHERE company_id = $1',
    [companyId],
  );
  if (!row) return undefined;
  const secret = cipher.open(row.sealed_credential, companyId);
  // `token` is what the client sends; `secret` is what anything that might be logged should carry
  return { baseUrl: row.base_url, token: secret.reveal(), secret, fallbackEmail: row.fallback_email };
}

/** Re-seals every credential not sealed with the current key; returns how many. */
export async function rotateCredentialKeys(
  transactions: <T>(work: (sql: Sql) => Promise<T>) => Promise<T>,
  cipher: CredentialCipher,
): Promise<number> {
  return transactions(async (sql) => {
    const rows = await sql.query<{ company_id: string; sealed_credential: string }>(
      'SELECT company_id, sealed_credential FROM calcom_accounts WHERE key_id <> $1 ORDER BY company_id FOR UPDATE',
      [cipher.currentKey],
    );
    for (const row of rows) {
      const resealed = cipher.reseal(row.sealed_credential, row.company_id)!;
      await sql.query(
        'UPDATE calcom_accounts SET sealed_credential = $2, key_id = $3, updated_at = now() WHERE company_id = $1',
        [row.company_id, resealed, cipher.currentKey],
      );
    }
    return rows.length;
  });
}

export { Secret };
