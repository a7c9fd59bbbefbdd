import express from 'express';
import type { Request, Response } from 'express';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { HealthChecks, Logger } from '@rb/observability';
import { adminFallbacks, healthRouter, httpMetricsMiddleware, requireBearer } from '@rb/observability';
import type { AccountInput } from '../../accounts/calcom-accounts';
import { CredentialRejectedError, Secret } from '../../accounts/calcom-accounts';
import type { BookingChange, ChangeResult } from '../../booking/change-booking';

export interface AppDeps {
  setAccount: (input: AccountInput) => Promise<{ keyId: string }>;
  changeBooking: (uid: string, change: BookingChange) => Promise<ChangeResult>;
  /** every accepted bearer token (several while one is rotated) */
  adminTokens: readonly string[];
  health: HealthChecks;
  registry: Registry;
  log: Logger;
}

/** Plain HTTP only to this machine (tests, a local fake); a credential never travels unencrypted. */
const calcomBaseUrl = z.string().refine((raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
  );
}, 'must be an https URL (plain http only for 127.0.0.1)');

const AccountBody = z.strictObject({
  /** https://api.cal.com, https://api.cal.eu (EU data residency) or a self-hosted instance */
  baseUrl: calcomBaseUrl,
  kind: z.enum(['api_key', 'oauth_token']),
  token: z.string().min(8).max(4096),
  fallbackEmail: z.email().nullable().optional(),
});
const CancelBody = z.strictObject({
  reason: z.string().min(1).max(500),
  cause: z.enum(['caller', 'business']),
});
const RescheduleBody = z.strictObject({
  startUtc: z.iso.datetime(),
  reason: z.string().min(1).max(500),
});
const CompanyId = z.uuid();

/**
 * /livez, /readyz, /metrics and the admin API (bearer token):
 * - PUT /admin/companies/:companyId/calcom-account: a company's Cal.com base URL and credential,
 *   checked against Cal.com before it replaces the old one; the credential is never echoed;
 * - POST /admin/bookings/:uid/cancel and /reschedule: change a booking we made, emitting
 *   booking.cancelled.v1 / booking.rescheduled.v1.
 */
export function makeApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(httpMetricsMiddleware(deps.registry));
  app.use(healthRouter(deps.health, deps.registry));
  const admin = express.Router();
  admin.use(requireBearer(deps.adminTokens));
  admin.use(express.json({ limit: '16kb' }));

  admin.put('/companies/:companyId/calcom-account', async (req: Request, res: Response) => {
    const companyId = CompanyId.safeParse(req.params.companyId);
    const body = AccountBody.safeParse(req.body ?? {});
    if (!companyId.success || !body.success) {
      return void res.status(400).json({ error: 'invalid_request', issues: issuesOf(companyId, body) });
    }
    try {
      const { keyId } = await deps.setAccount({
        companyId: companyId.data,
        baseUrl: body.data.baseUrl,
        kind: body.data.kind,
        token: new Secret(body.data.token),
        fallbackEmail: body.data.fallbackEmail ?? null,
      });
      res.status(200).json({
        companyId: companyId.data,
        baseUrl: new URL(body.data.baseUrl).origin,
        kind: body.data.kind,
        fallbackEmail: body.data.fallbackEmail ?? null,
        keyId,
      });
    } catch (error) {
      if (!(error instanceof CredentialRejectedError)) throw error;
      if (error.reason === 'unreachable') res.status(503).json({ error: 'calcom_unreachable', detail: error.message });
      else res.status(422).json({ error: 'credential_rejected', reason: error.reason, detail: error.message });
    }
  });

  const change =
    (parse: (body: unknown) => z.ZodSafeParseResult<BookingChange>) => async (req: Request, res: Response) => {
      const body = parse(req.body ?? {});
      if (!body.success) return void res.status(400).json({ error: 'invalid_request', issues: issuesOf(body) });
      const result = await deps.changeBooking(String(req.params.uid), body.data);
      if (result.ok) res.status(200).json(result.outcome);
      else res.status(result.status).json({ error: result.error, detail: result.detail });
    };
  admin.post(
    '/bookings/:uid/cancel',
    change((b) => CancelBody.transform((v): BookingChange => ({ kind: 'cancel', ...v })).safeParse(b)),
  );
  admin.post(
    '/bookings/:uid/reschedule',
    change((b) => RescheduleBody.transform((v): BookingChange => ({ kind: 'reschedule', ...v })).safeParse(b)),
  );

  app.use('/admin', admin);
  const [notFound, failed] = adminFallbacks(deps.log);
  app.use(notFound);
  app.use(failed);
  return app;
}

function issuesOf(...results: { success: boolean; error?: z.ZodError }[]) {
  return results.flatMap((r) =>
    r.success ? [] : (r.error?.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}
