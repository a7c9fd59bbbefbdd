import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RetellCallCost } from '@rb/contracts';
import { RETELL_FIXTURES_DIR } from '../../../../test/paths';

/**
 * Test support only (never imported by the service): Retell's raw `call.call_cost` and the shared
 * fixtures, mapped to the contract shape the events carry (`RetellCallCost`, camelCase).
 */
export interface RetellWireCallCost {
  product_costs: { product: string; cost: number; unit_price?: number; is_transfer_leg_cost?: boolean }[];
  total_duration_seconds?: number;
  total_duration_unit_price?: number;
  combined_cost: number;
}

export function toContractCost(wire: RetellWireCallCost): RetellCallCost {
  return {
    combinedCostCents: wire.combined_cost,
    totalDurationSeconds: wire.total_duration_seconds ?? null,
    totalDurationUnitPriceCents: wire.total_duration_unit_price ?? null,
    productCosts: wire.product_costs.map((p) => ({
      product: p.product,
      costCents: p.cost,
      ...(p.unit_price === undefined ? {} : { unitPriceCents: p.unit_price }),
      ...(p.is_transfer_leg_cost === undefined ? {} : { transferLeg: p.is_transfer_leg_cost }),
    })),
  };
}

export interface FixtureCall {
  callId: string;
  direction: 'inbound' | 'outbound';
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  connected: boolean;
  retellCost: RetellCallCost;
}

interface WireCall {
  call_id: string;
  direction: 'inbound' | 'outbound';
  start_timestamp: number;
  end_timestamp: number;
  duration_ms: number;
  call_status: string;
  call_cost: RetellWireCallCost;
}

/** A shared Retell fixture's call as the cost service sees it. */
export function fixtureCall(fixture: string): FixtureCall {
  const { call } = JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, fixture), 'utf8')) as { call: WireCall };
  return {
    callId: call.call_id,
    direction: call.direction,
    startedAt: new Date(call.start_timestamp),
    endedAt: new Date(call.end_timestamp),
    durationMs: call.duration_ms,
    connected: call.call_status !== 'not_connected',
    retellCost: toContractCost(call.call_cost),
  };
}
