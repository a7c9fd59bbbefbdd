import express from 'express';
import type { Request, Response } from 'express';
import type { PlanAdmin } from '../../prices/plan-admin';
import { planJson, twilioRateJson } from '../../prices/price-json';
import type { TwilioRatesAdmin } from '../../prices/twilio-rates-admin';
import { callerOf, operatorOnly } from './authenticate';
import { sendPriceChange, sendPriceList } from './price-answers';

const body = express.json({ limit: '20kb' });

/** /plans (the operator, and resellers for the retail plans they sell) and /twilio-rates (the operator). */
export function priceRoutes(plans: PlanAdmin, rates: TwilioRatesAdmin): express.Router {
  const router = express.Router();
  router.post('/plans', body, async (req: Request, res: Response) => {
    sendPriceChange(res, await plans.create(callerOf(res), req.body), planJson);
  });
  router.get('/plans', async (req: Request, res: Response) => {
    sendPriceList(res, await plans.list(callerOf(res), req.query), planJson);
  });
  router.post('/plans/:id/end', body, async (req: Request, res: Response) => {
    sendPriceChange(res, await plans.end(callerOf(res), req.params.id as string, req.body), planJson);
  });
  router.post('/twilio-rates', operatorOnly, body, async (req: Request, res: Response) => {
    sendPriceChange(res, await rates.create(req.body), twilioRateJson);
  });
  router.get('/twilio-rates', operatorOnly, async (req: Request, res: Response) => {
    sendPriceList(res, await rates.list(req.query), twilioRateJson);
  });
  router.post('/twilio-rates/:id/end', operatorOnly, body, async (req: Request, res: Response) => {
    sendPriceChange(res, await rates.end(req.params.id as string, req.body), twilioRateJson);
  });
  return router;
}
