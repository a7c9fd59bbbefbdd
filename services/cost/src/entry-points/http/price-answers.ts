import type { Response } from 'express';
import type { PriceChangeResult, PriceListResult } from '../../prices/price-change-result';
import { assertNever } from './assert-never';

/**
 * The price API's answers: the only place where plan and rate results become HTTP statuses.
 * `json` renders one stored record (a plan or a Twilio rate).
 */
export function sendPriceChange<R>(res: Response, result: PriceChangeResult<R>, json: (record: R) => unknown): void {
  switch (result.kind) {
    case 'created':
      return void res.status(201).json(json(result.record));
    case 'ended':
      return void res.status(200).json(json(result.record));
    case 'invalid':
      return void res.status(400).json({ error: 'invalid', problems: result.problems });
    case 'overlap':
      return void res.status(409).json({
        error: 'overlap',
        reason: 'another record of the same parties is in force in part of this period; end it first',
        conflicting: result.conflicting,
      });
    case 'already_exists':
      return void res.status(409).json({ error: 'already_exists', id: result.id });
    case 'not_found':
      return void res.status(404).json({ error: 'not_found' });
    case 'forbidden':
      return void res.status(403).json({ error: 'forbidden', reason: result.reason });
    default:
      return assertNever(result);
  }
}

export function sendPriceList<R>(res: Response, result: PriceListResult<R>, json: (record: R) => unknown): void {
  switch (result.kind) {
    case 'listed':
      return void res.status(200).json({ items: result.records.map(json) });
    case 'invalid':
      return void res.status(400).json({ error: 'invalid', problems: result.problems });
    default:
      return assertNever(result);
  }
}
