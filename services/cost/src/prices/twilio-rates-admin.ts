import type { Sql, Transactions } from '@rb/kafka-runner';
import { isUuid } from '../access/company-scope';
import { overlappingTwilioRates, validateTwilioRate } from '../pricing/twilio-rates';
import { decideEnd, parseEndInput } from './end-validity';
import type { PriceChangeResult, PriceListResult } from './price-change-result';
import { createdBy, validatedId } from './price-permissions';
import type { TwilioRateRecord } from './twilio-rates.repository';
import {
  endTwilioRate,
  findTwilioRateForUpdate,
  insertTwilioRate,
  listTwilioRates,
  lockedRatesOfPair,
} from './twilio-rates.repository';

export interface TwilioRatesAdminDeps {
  db: Sql;
  transactions: Transactions;
  clock: () => Date;
  /** after a rate was stored or ended: calls waiting for a Twilio rate may now be costed */
  onPricesChanged: () => void;
}

const DIRECTIONS = ['inbound', 'outbound'];
const NUMBER_TYPES = ['local', 'mobile', 'toll_free'];

/**
 * Twilio's rates for imported numbers, the operator's alone (the route admits no reseller): created
 * whole with no overlap per (direction, number type), checked under a lock on that pair; ended; listed.
 */
export function makeTwilioRatesAdmin(deps: TwilioRatesAdminDeps) {
  const operator = createdBy({ kind: 'operator' });

  async function create(body: unknown): Promise<PriceChangeResult<TwilioRateRecord>> {
    const validated = validatedId(body, validateTwilioRate);
    if (validated.kind === 'invalid') return validated;
    const rate = validated.rate;
    const now = deps.clock();
    const result = await deps.transactions(async (sql): Promise<PriceChangeResult<TwilioRateRecord>> => {
      const conflicting = overlappingTwilioRates(await lockedRatesOfPair(sql, rate), rate);
      if (conflicting.length > 0) return { kind: 'overlap', conflicting: conflicting.map((r) => r.id) };
      if (!(await insertTwilioRate(sql, rate, operator, now))) return { kind: 'already_exists', id: rate.id };
      return { kind: 'created', record: { rate, createdAt: now, createdBy: operator } };
    });
    if (result.kind === 'created') deps.onPricesChanged();
    return result;
  }

  async function end(id: string, body: unknown): Promise<PriceChangeResult<TwilioRateRecord>> {
    const input = parseEndInput(body);
    if (input.kind === 'invalid') return input;
    if (!isUuid(id)) return { kind: 'not_found' };
    const result = await deps.transactions(async (sql): Promise<PriceChangeResult<TwilioRateRecord>> => {
      const found = await findTwilioRateForUpdate(sql, id);
      if (!found) return { kind: 'not_found' };
      const decision = decideEnd(found.rate, input.validUntil);
      if (decision.kind === 'invalid') return decision;
      if (decision.kind === 'already') return { kind: 'ended', record: found, changed: false };
      return { kind: 'ended', record: await endTwilioRate(sql, id, decision.validUntil), changed: true };
    });
    if (result.kind === 'ended' && result.changed) deps.onPricesChanged();
    return result;
  }

  async function list(query: {
    direction?: unknown;
    numberType?: unknown;
  }): Promise<PriceListResult<TwilioRateRecord>> {
    const direction = typeof query.direction === 'string' ? query.direction : null;
    const numberType = typeof query.numberType === 'string' ? query.numberType : null;
    const problems = [
      ...(direction !== null && !DIRECTIONS.includes(direction) ? [`direction: one of ${DIRECTIONS.join(', ')}`] : []),
      ...(numberType !== null && !NUMBER_TYPES.includes(numberType)
        ? [`numberType: one of ${NUMBER_TYPES.join(', ')}`]
        : []),
    ];
    if (problems.length > 0) return { kind: 'invalid', problems };
    return { kind: 'listed', records: await listTwilioRates(deps.db, { direction, numberType }) };
  }

  return { create, end, list };
}
export type TwilioRatesAdmin = ReturnType<typeof makeTwilioRatesAdmin>;
