import type { Sql } from '@rb/kafka-runner';
import type { CalcomAccount } from '../calcom/calcom-client';
import { CalcomClient } from '../calcom/calcom-client';
import { CalcomError } from '../calcom/calcom-errors';
import type { CredentialCipher } from '../credentials/credential-cipher';
import { Secret } from '../credentials/credential-cipher';

export interface AccountInput {
  companyId: string;
  /** https://api.cal.com, https://api.cal.eu or a self-hosted instance's root */
  baseUrl: string;
  kind: 'api_key' | 'oauth_token';
  token: Secret;
  /** for callers without a phone number, when the event type needs an email: configured, never made up */
  fallbackEmail?: string | null;
}

export class CredentialRejectedError extends Error {
  readonly code = 'CALCOM_CREDENTIAL_REJECTED';
  constructor(
    message: string,
    readonly reason: 'unauthorized' | 'forbidden' | 'unreachable',
  ) {
    super(message);
  }
}

/** Asks Cal.com with the credential (an authenticated read); throws when Cal.com refuses it or cannot be asked. */
export async function verifyWithCalcom(account: CalcomAccount, signal?: AbortSignal): Promise<void> {
  try {
    await new CalcomClient(account).listBookings({ take: 1 }, signal ?? AbortSignal.timeout(5_000));
  } catch (error) {
    if (error instanceof CalcomError && (error.kind === 'unauthorized' || error.kind === 'forbidden')) {
      throw new CredentialRejectedError(`Cal.com refused the new credential (${error.status})`, error.kind);
    }
    const detail = error instanceof CalcomError ? error.kind : 'error';
    throw new CredentialRejectedError(`Cal.com could not check the new credential (${detail})`, 'unreachable');
  }
}

/**
 * Sets a company's Cal.com account. The new credential is first checked against Cal.com; only
 * if Cal.com accepts it does it replace the old one (sealed, bound to the company).
 */
export async function setCalcomAccount(
  sql: Sql,
  input: AccountInput,
  deps: { cipher: CredentialCipher; verify?: (account: CalcomAccount) => Promise<void> },
): Promise<void> {
  const baseUrl = new URL(input.baseUrl).origin;
  await (deps.verify ?? verifyWithCalcom)({ baseUrl, token: input.token.reveal() });
  const sealed = deps.cipher.seal(input.token, input.companyId);
  await sql.query(
    `INSERT INTO calcom_accounts (company_id, base_url, credential_kind, sealed_credential, key_id, fallback_email)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (company_id) DO UPDATE SET base_url = excluded.base_url, credential_kind = excluded.credential_kind,
       sealed_credential = excluded.sealed_credential, key_id = excluded.key_id,
       fallback_email = excluded.fallback_email, updated_at = now()`,
    [input.companyId, baseUrl, input.kind, sealed, deps.cipher.keyOf(sealed), input.fallbackEmail ?? null],
  );
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
