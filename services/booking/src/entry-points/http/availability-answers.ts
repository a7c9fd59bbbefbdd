import type { Response } from 'express';
import type { AvailabilityAnswer } from '@rb/contracts';
import { assertNever } from './assert-never';

/**
 * An availability question, answered: the only place its answer kinds become HTTP statuses. The
 * body is the contract's answer as it is; an unavailable Cal.com adds Retry-After when known.
 */
export function sendAvailabilityAnswer(res: Response, answer: AvailabilityAnswer): void {
  switch (answer.kind) {
    case 'free':
    case 'none_free':
      return void res.status(200).json(answer);
    case 'refused':
      return void res.status(422).json(answer);
    case 'unavailable':
      if (answer.retryAfterSeconds !== undefined) res.set('Retry-After', String(answer.retryAfterSeconds));
      return void res.status(503).json(answer);
    default:
      return assertNever(answer);
  }
}
