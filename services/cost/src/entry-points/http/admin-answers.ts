import type { Response } from 'express';
import type { IssueTokenResult, RevokeTokenResult } from '../../access/reseller-tokens';
import type { RecostResult } from '../../ledger/recost-result';
import { assertNever } from './assert-never';

/** The operator's answers for re-costs and reseller tokens: results to HTTP statuses, each switch exhaustive. */
export function sendRecostResult(res: Response, callId: string, result: RecostResult): void {
  switch (result.kind) {
    case 'recosted':
    case 'unchanged':
      return void res.status(200).json({ callId, outcome: result.kind, revision: result.revision });
    case 'unknown_call':
      return void res.status(404).json({ error: 'unknown_call', callId });
    case 'not_costable':
      return void res.status(409).json({ error: 'not_costable', callId, reason: result.reason });
    default:
      return assertNever(result);
  }
}

/** A new token is shown here once, never again (only its sha256 is kept). */
export function sendIssuedToken(res: Response, result: IssueTokenResult): void {
  switch (result.kind) {
    case 'issued':
      return void res.status(201).set('Cache-Control', 'no-store').json({
        id: result.id,
        resellerId: result.resellerId,
        label: result.label,
        token: result.token,
        createdAt: result.createdAt,
      });
    case 'invalid':
      return void res.status(400).json({ error: 'invalid', problems: result.problems });
    case 'unknown_reseller':
      return void res.status(404).json({ error: 'unknown_reseller' });
    default:
      return assertNever(result);
  }
}

export function sendRevokedToken(res: Response, result: RevokeTokenResult): void {
  switch (result.kind) {
    case 'revoked':
      return void res.status(200).json({ id: result.id, revokedAt: result.revokedAt });
    case 'unknown_token':
      return void res.status(404).json({ error: 'unknown_token' });
    default:
      return assertNever(result);
  }
}
