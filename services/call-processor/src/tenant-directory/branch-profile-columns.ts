import type { BranchProfileV1, OpeningHoursV1 } from '@rb/contracts';
import { WEEKDAYS } from '@rb/contracts';

/** The columns of `branches` that hold a branch's profile (migration 1764000000800). */
export const PROFILE_COLUMNS = [
  'address_street',
  'address_postal_code',
  'address_city',
  'address_country',
  'opening_hours',
  'language',
  'override_agent_id',
  'override_agent_version',
  'greeting_name',
] as const;
type ProfileColumn = (typeof PROFILE_COLUMNS)[number];

/** `SELECT` list of the profile's columns. */
export const PROFILE_SELECT = PROFILE_COLUMNS.join(', ');

/**
 * A profile as column values; for a change, only the fields it gives (a field left out stays
 * undefined, i.e. unchanged; an address or override given as null clears all its columns).
 */
export function profileColumns(profile: Partial<BranchProfileV1>): Record<ProfileColumn, unknown> {
  const { address, agentOverride, openingHours } = profile;
  const part = <T, V>(whole: T | null | undefined, value: (t: T) => V) =>
    whole === undefined ? undefined : whole === null ? null : value(whole);
  return {
    address_street: part(address, (a) => a.street),
    address_postal_code: part(address, (a) => a.postalCode),
    address_city: part(address, (a) => a.city),
    address_country: part(address, (a) => a.country),
    opening_hours: part(openingHours, (h) => JSON.stringify(h)),
    language: profile.language,
    override_agent_id: part(agentOverride, (o) => o.agentId),
    override_agent_version: part(agentOverride, (o) => o.agentVersion ?? null),
    greeting_name: profile.greetingName,
  };
}

/** A whole profile's column values in the order of `PROFILE_COLUMNS`, for an INSERT. */
export function profileValues(profile: BranchProfileV1): unknown[] {
  const columns = profileColumns(profile);
  return PROFILE_COLUMNS.map((c) => columns[c]);
}

/** The profile of a `branches` row that has the profile's columns. */
export function profileFromRow(r: Record<string, unknown>): BranchProfileV1 {
  const text = (column: ProfileColumn) => (r[column] === null ? null : String(r[column]));
  const hours = r.opening_hours as Partial<OpeningHoursV1> | null;
  return {
    address:
      r.address_street === null
        ? null
        : {
            street: String(r.address_street),
            postalCode: String(r.address_postal_code),
            city: String(r.address_city),
            country: String(r.address_country),
          },
    // jsonb keeps its own key order: written back Monday first
    openingHours: hours && (Object.fromEntries(WEEKDAYS.map((d) => [d, hours[d] ?? []])) as OpeningHoursV1),
    language: String(r.language),
    agentOverride:
      r.override_agent_id === null
        ? null
        : {
            agentId: String(r.override_agent_id),
            ...(r.override_agent_version === null ? {} : { agentVersion: Number(r.override_agent_version) }),
          },
    greetingName: text('greeting_name'),
  };
}
