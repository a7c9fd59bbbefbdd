/**
 * What a change of the price tables (a plan, a Twilio rate) came to; the HTTP entry point maps it:
 * - `created` / `ended`: stored (`changed: false` when the end asked for was already the end);
 * - `invalid`: refused, with every problem named;
 * - `overlap`: another record of the same pair is in force in part of the period (their ids);
 * - `already_exists`: a record with this id exists (a repeated POST creates nothing twice);
 * - `not_found`: unknown, or not visible to the caller;
 * - `forbidden`: visible, but not the caller's to change.
 */
export type PriceChangeResult<Record> =
  | { kind: 'created'; record: Record }
  | { kind: 'ended'; record: Record; changed: boolean }
  | { kind: 'invalid'; problems: string[] }
  | { kind: 'overlap'; conflicting: string[] }
  | { kind: 'already_exists'; id: string }
  | { kind: 'not_found' }
  | { kind: 'forbidden'; reason: string };

export type PriceListResult<Record> = { kind: 'listed'; records: Record[] } | { kind: 'invalid'; problems: string[] };
