/**
 * Who is asking, as the bearer token says:
 * - `operator`: one of the configured admin tokens (ADMIN_TOKEN(S)); sees and manages everything;
 * - `reseller`: a token made for one reseller (reseller-tokens.ts); sees only its own companies (those
 *   whose reseller is it in the directory) and manages only the retail plans it sells.
 */
export type Caller = { kind: 'operator' } | { kind: 'reseller'; resellerId: string; tokenId: string };

/** The reseller a caller is limited to, or null for the operator (no limit). */
export function resellerScope(caller: Caller): string | null {
  switch (caller.kind) {
    case 'operator':
      return null;
    case 'reseller':
      return caller.resellerId;
    default:
      return assertNever(caller);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
