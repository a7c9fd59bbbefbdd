import type { Response } from 'express';
import type { BreakdownResult } from '../../reports/call-breakdown';
import type { ReportResult } from '../../reports/reports';
import { assertNever } from './assert-never';

/** Reports and one call's breakdown as HTTP answers, each switch exhaustive. */
export function sendReport(res: Response, result: ReportResult): void {
  switch (result.kind) {
    case 'report':
      return void res.status(200).json({ ...result.request, currency: 'EUR', rows: result.rows });
    case 'invalid':
      return void res.status(400).json({ error: 'invalid', problems: result.problems });
    case 'not_found':
      return void res.status(404).json({ error: 'not_found' });
    default:
      return assertNever(result);
  }
}

export function sendBreakdown(res: Response, result: BreakdownResult): void {
  switch (result.kind) {
    case 'breakdown':
      return void res.status(200).json({
        callId: result.callId,
        costing: result.costing,
        lines: result.lines,
        entries: result.entries,
      });
    case 'not_found':
      return void res.status(404).json({ error: 'not_found' });
    default:
      return assertNever(result);
  }
}
