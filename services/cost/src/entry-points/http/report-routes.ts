import express from 'express';
import type { Request, Response } from 'express';
import type { makeCallBreakdown } from '../../reports/call-breakdown';
import type { makeReports } from '../../reports/reports';
import { callerOf } from './authenticate';
import { sendBreakdown, sendReport } from './report-answers';

/** What the operator and resellers read: reports and one call's breakdown. */
export function reportRoutes(
  report: ReturnType<typeof makeReports>,
  breakdown: ReturnType<typeof makeCallBreakdown>,
): express.Router {
  const router = express.Router();
  router.get('/reports', async (req: Request, res: Response) => {
    sendReport(res, await report(callerOf(res), req.query as Record<string, unknown>));
  });
  router.get('/calls/:callId/cost', async (req: Request, res: Response) => {
    sendBreakdown(res, await breakdown(callerOf(res), req.params.callId as string));
  });
  return router;
}
