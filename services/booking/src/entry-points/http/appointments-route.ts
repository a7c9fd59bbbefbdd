import express from 'express';
import type { Request, Response, Router } from 'express';
import type { AppointmentsAnswer, AppointmentsQuery } from '@rb/contracts';
import { APPOINTMENTS_QUERY_ROUTE, AppointmentsQuerySchema } from '@rb/contracts';
import { below, jsonRoute, sendInvalidQuery } from './internal-api';

export interface AppointmentsRouteDeps {
  /** the use case (`makeFindAppointments`): one read of booking's own database, no Cal.com */
  find: (query: AppointmentsQuery) => Promise<AppointmentsAnswer>;
}

/**
 * POST /internal/appointments (mounted behind `internalRouter`'s token check) — Retell's
 * find_appointments: the caller's number travels in the body, never in the URL. A body that is not
 * the contract's query (or not JSON) is 400 `invalid_query` with every issue named; the answer is
 * the contract's, always 200 (no bookings is an empty list).
 */
export function appointmentsRouter(deps: AppointmentsRouteDeps): Router {
  const router = express.Router();
  const find = async (req: Request, res: Response) => {
    const query = AppointmentsQuerySchema.safeParse(req.body ?? {});
    if (!query.success) return sendInvalidQuery(res, query.error);
    res.status(200).json(await deps.find(query.data));
  };
  router.post(below(APPOINTMENTS_QUERY_ROUTE), ...jsonRoute(find));
  return router;
}
