import express from 'express';
import type { Request, Response } from 'express';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { HealthChecks, Logger } from '@rb/observability';
import { adminFallbacks, healthRouter, httpMetricsMiddleware, httpServerSpans, requireBearer } from '@rb/observability';
import type { AccountInput, SetAccountResult } from '../../accounts/calcom-accounts';
import { Secret } from '../../accounts/calcom-accounts';
import type { BookingChange, ChangeResult } from '../../booking/change-booking';
import { sendAccountResult, sendChangeResult } from './admin-answers';
import type { AppointmentsRouteDeps } from './appointments-route';
import { appointmentsRouter } from './appointments-route';
import type { AvailabilityRouteDeps } from './availability-route';
import { availabilityRouter } from './availability-route';
import { INTERNAL_PREFIX, internalRouter } from './internal-api';

export interface AppDeps {
  setAccount: (input: AccountInput) => Promise<SetAccountResult>;
  changeBooking: (uid: string, change: BookingChange) => Promise<ChangeResult>;
  /** every accepted bearer token (several while one is rotated) */
  adminTokens: readonly string[];
  /**
   * the internal query API (live calls); its `tokens` (QUERY_TOKENS) guard every internal route,
   * and without tokens none of them exists (404)
   */
  availability?: AvailabilityRouteDeps;
  /** find_appointments under the same tokens (`makeFindAppointments` with CALLER_INDEX_KEY) */
  appointments?: AppointmentsRouteDeps;
  health: HealthChecks;
  registry: Registry;
  log: Logger;
}

/** A URL; which hosts, schemes and addresses are allowed is the egress policy's (CALCOM_ALLOWED_HOSTS …) */
const calcomBaseUrl = z.string().refine((raw) => URL.canParse(raw), 'must be an https URL');

const AccountBody = z.strictObject({
  /** https://api.cal.com, https://api.cal.eu (EU data residency) or a self-hosted instance */
  baseUrl: calcomBaseUrl.max(2048),
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
 * /livez, /readyz, /metrics, the internal query API (`internalRouter`, QUERY_TOKENS: availability
 * and appointments) and the admin API (bearer token):
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
  // a SERVER span per request (with tracing on), a child of the asker's traceparent: ingress's
  // questions during a live call join the call's trace, and what a request emits carries it on;
  // after the probes and scrapes, which would each start a trace of their own
  app.use(httpServerSpans());
  const admin = express.Router();
  admin.use(requireBearer(deps.adminTokens));
  admin.use(express.json({ limit: '16kb' }));

  admin.put('/companies/:companyId/calcom-account', async (req: Request, res: Response) => {
    const companyId = CompanyId.safeParse(req.params.companyId);
    const body = AccountBody.safeParse(req.body ?? {});
    if (!companyId.success || !body.success) {
      return void res.status(400).json({ error: 'invalid_request', issues: issuesOf(companyId, body) });
    }
    const result = await deps.setAccount({
      companyId: companyId.data,
      baseUrl: body.data.baseUrl,
      kind: body.data.kind,
      token: new Secret(body.data.token),
      fallbackEmail: body.data.fallbackEmail ?? null,
    });
    const { baseUrl, kind, fallbackEmail } = body.data;
    sendAccountResult(res, result, { companyId: companyId.data, baseUrl, kind, fallbackEmail }, deps.log);
  });

  const change =
    (parse: (body: unknown) => z.ZodSafeParseResult<BookingChange>) => async (req: Request, res: Response) => {
      const body = parse(req.body ?? {});
      if (!body.success) return void res.status(400).json({ error: 'invalid_request', issues: issuesOf(body) });
      sendChangeResult(res, await deps.changeBooking(String(req.params.uid), body.data));
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
  const queryTokens = deps.availability?.tokens ?? [];
  if (queryTokens.length > 0) {
    const routes = [
      ...(deps.availability ? [availabilityRouter(deps.availability)] : []),
      ...(deps.appointments ? [appointmentsRouter(deps.appointments)] : []),
    ];
    app.use(INTERNAL_PREFIX, internalRouter(queryTokens, routes));
  }
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
