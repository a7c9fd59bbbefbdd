import type { Response } from 'express';
import type { Logger } from '@rb/observability';
import type { SetAccountResult } from '../../accounts/calcom-accounts';
import type { ChangeRefusal, ChangeResult } from '../../booking/change-booking';
import { assertNever } from './assert-never';

/**
 * The admin API's answers: the only place where the use cases' result codes become HTTP statuses
 * and bodies, each switch exhaustive.
 */

const UNVERIFIED = 'Cal.com could not be asked to verify the credential at this base URL; nothing was changed';

/** A Cal.com account's setting, answered: the only place its result codes become HTTP statuses. */
export function sendAccountResult(
  res: Response,
  result: SetAccountResult,
  asked: { companyId: string; baseUrl: string; kind: string; fallbackEmail?: string | null | undefined },
  log: Logger,
): void {
  switch (result.kind) {
    case 'set':
      return void res.status(200).json({
        companyId: asked.companyId,
        baseUrl: new URL(asked.baseUrl).origin,
        kind: asked.kind,
        fallbackEmail: asked.fallbackEmail ?? null,
        keyId: result.keyId,
      });
    case 'refused':
      switch (result.code) {
        case 'CALCOM_TARGET_NOT_ALLOWED':
          return void res
            .status(400)
            .json({ error: 'invalid_request', issues: [{ path: 'baseUrl', message: result.detail }] });
        case 'CALCOM_CREDENTIAL_REJECTED':
          return void res.status(422).json({
            error: 'credential_rejected',
            reason: result.reason,
            detail: `Cal.com refused the credential (${result.reason})`,
          });
        case 'CALCOM_UNVERIFIED':
          // one answer whatever happened (closed port, refused address, redirect, not Cal.com); the log says which
          log.warn(
            { companyId: asked.companyId, calcom: new URL(asked.baseUrl).origin, cause: result.cause },
            'Cal.com account not set: the credential could not be verified',
          );
          return void res.status(502).json({ error: 'calcom_unverified', detail: UNVERIFIED });
        default:
          return assertNever(result);
      }
    default:
      return assertNever(result);
  }
}

/** A booking change, answered: the only place its result codes become HTTP statuses. */
export function sendChangeResult(res: Response, result: ChangeResult): void {
  switch (result.kind) {
    case 'changed':
      return void res.status(200).json(result.outcome);
    case 'calcom_refused':
      return void res.status(422).json({ error: `calcom_${result.failure}`, detail: result.detail });
    case 'refused':
      return void res.status(refusalStatus(result.code)).json({ error: result.code, detail: result.detail });
    default:
      return assertNever(result);
  }
}

function refusalStatus(code: ChangeRefusal): 404 | 409 | 503 {
  switch (code) {
    case 'booking_not_found':
      return 404;
    case 'booking_not_confirmed':
    case 'change_in_progress':
    case 'booking_moved':
    case 'calcom_not_configured':
      return 409;
    case 'calcom_unavailable':
      return 503;
    default:
      return assertNever(code);
  }
}
