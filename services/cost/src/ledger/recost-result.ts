/**
 * What an explicit re-cost of one call came to (the lead's use case returns it, the HTTP entry
 * point maps it):
 * - `recosted`: the costing changed, adjustment entries were appended at `revision`;
 * - `unchanged`: costed again with today's prices and rates, same lines: nothing appended;
 * - `unknown_call`: cost has never heard of the call;
 * - `not_costable`: the call cannot be costed now (`reason`: not ended, or waiting for a rate, a plan…).
 */
export type RecostResult =
  | { kind: 'recosted'; revision: number }
  | { kind: 'unchanged'; revision: number }
  | { kind: 'unknown_call' }
  | { kind: 'not_costable'; reason: string };
