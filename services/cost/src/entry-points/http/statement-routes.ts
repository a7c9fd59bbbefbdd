import express from 'express';
import type { Request, Response } from 'express';
import type { CompanyStatementResult, makeCompanyStatement } from '../../statements/company-statement';
import { statementCsv } from '../../statements/statement-csv';
import { statementJson } from '../../statements/statement-json';
import { assertNever } from './assert-never';
import { callerOf } from './authenticate';

/** GET /companies/:companyId/statements/:month: JSON, or CSV with `?format=csv` or `Accept: text/csv`. */
export function statementRoutes(companyStatement: ReturnType<typeof makeCompanyStatement>): express.Router {
  const router = express.Router();
  router.get('/companies/:companyId/statements/:month', async (req: Request, res: Response) => {
    const { companyId, month } = req.params as { companyId: string; month: string };
    const csv = req.query.format === 'csv' || req.accepts(['application/json', 'text/csv']) === 'text/csv';
    sendStatement(res, await companyStatement(callerOf(res), companyId, month), csv);
  });
  return router;
}

function sendStatement(res: Response, result: CompanyStatementResult, csv: boolean): void {
  switch (result.kind) {
    case 'statement': {
      if (!csv) return void res.status(200).json(statementJson(result.company, result.statement, result.pendingCalls));
      const name = `statement-${result.company.id}-${result.statement.month}.csv`;
      return void res
        .status(200)
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="${name}"`)
        // not billed yet, so not on the statement; the CSV's rows stay the statement's own
        .set('X-Pending-Calls', String(result.pendingCalls))
        .send(statementCsv(result.statement));
    }
    case 'invalid':
      return void res.status(400).json({ error: 'invalid', problems: result.problems });
    case 'not_found':
      return void res.status(404).json({ error: 'not_found' });
    case 'inconsistent':
      return void res.status(409).json({ error: 'inconsistent', reason: result.reason });
    default:
      return assertNever(result);
  }
}
