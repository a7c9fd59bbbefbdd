import type { TenantAttribution } from '@rb/contracts';
import type { CompanyAnalysisFields } from './analysis-fields';

/**
 * What reading a caller's wish takes in, owned here: the tenant directory and the call record
 * provide values of these shapes, caller-wish imports neither of them.
 */

/** A service a branch offers, as the caller may name it. */
export interface OfferedService {
  id: string;
  slug: string;
  name: string;
  synonyms: string[];
  calcomEventTypeId: number;
  durationMinutes: number;
}

/** A staff member of the branch, with the services they do. */
export interface StaffMember {
  id: string;
  name: string;
  calcomUserId: number | null;
  serviceIds: string[];
}

/** The business behind the dialled number: where a booking goes and what it can be for. */
export interface BusinessRoute {
  attribution: TenantAttribution;
  timeZone: string;
  services: OfferedService[];
  defaultServiceId: string;
  staff: StaffMember[];
  /** the company's own names for its agent's post-call analysis fields */
  analysisFields: CompanyAnalysisFields;
}

/** What a call says about the caller and the conversation (each field when known). */
export interface CallerCall {
  direction?: 'inbound' | 'outbound' | 'web';
  fromNumber?: string;
  toNumber?: string;
  /** ISO 8601, when the call started (relative days in the transcript count from it) */
  startedAt?: string;
  analysis?: { summary: string | null; custom: Record<string, unknown> };
  transcript?: string;
}

/**
 * The caller's number (the customer's): the number called on an outbound call, the calling
 * number otherwise. The business's number is the other one (`businessNumberOf`).
 */
export function callerNumberOf(call: Pick<CallerCall, 'direction' | 'fromNumber' | 'toNumber'>): string | null {
  return (call.direction === 'outbound' ? call.toNumber : call.fromNumber) ?? null;
}
