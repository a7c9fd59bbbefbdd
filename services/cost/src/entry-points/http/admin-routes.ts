import express from 'express';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { isUuid } from '../../access/company-scope';
import type { ResellerTokens } from '../../access/reseller-tokens';
import type { RecostResult } from '../../ledger/recost-result';
import { sendIssuedToken, sendRecostResult, sendRevokedToken } from './admin-answers';
import { operatorOnly } from './authenticate';

export type Recost = (callId: string, input: { reason: string; requestedBy: string }) => Promise<RecostResult>;

const RecostInput = z.strictObject({
  reason: z.string().trim().min(3, 'at least 3 characters').max(500, 'at most 500 characters'),
  requestedBy: z.string().trim().min(1, 'who asks for it').max(200, 'at most 200 characters'),
});
const body = express.json({ limit: '20kb' });

/** The operator's own routes: an explicit re-cost of one call, and reseller tokens. */
export function adminRoutes(recost: Recost, tokens: ResellerTokens): express.Router {
  const router = express.Router();
  router.use(operatorOnly);
  router.post('/calls/:callId/recost', body, async (req: Request, res: Response) => {
    const parsed = RecostInput.safeParse(req.body ?? {});
    if (!parsed.success)
      return void res.status(400).json({
        error: 'invalid',
        problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
      });
    const callId = req.params.callId as string;
    sendRecostResult(res, callId, await recost(callId, parsed.data));
  });
  router.post('/resellers/:id/tokens', body, async (req: Request, res: Response) => {
    const resellerId = req.params.id as string;
    if (!isUuid(resellerId)) return void sendIssuedToken(res, { kind: 'unknown_reseller' });
    sendIssuedToken(res, await tokens.issue(resellerId, req.body));
  });
  router.delete('/reseller-tokens/:id', async (req: Request, res: Response) => {
    const id = req.params.id as string;
    sendRevokedToken(res, isUuid(id) ? await tokens.revoke(id) : { kind: 'unknown_token' });
  });
  return router;
}
