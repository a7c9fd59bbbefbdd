import { z } from 'zod';

/**
 * Where an agent's post-call analysis keeps what we need. The keys of `custom_analysis_data` are
 * whatever the business named them when it configured its agent: a company's own names (its
 * `analysisFields` in the directory) are looked up first, then these common German and English
 * names, in this order.
 */
export const ANALYSIS_FIELDS = {
  start: ['appointment_start', 'appointment_datetime', 'termin_beginn', 'termin_start', 'wunschtermin'],
  date: ['appointment_date', 'termin_datum', 'datum'],
  time: ['appointment_time', 'termin_uhrzeit', 'uhrzeit'],
  service: ['service', 'dienstleistung', 'appointment_reason', 'grund', 'anliegen', 'reason'],
  name: ['customer_name', 'kunde_name', 'kundenname', 'name'],
  staff: ['staff', 'staff_preference', 'mitarbeiter', 'mitarbeiterin', 'stylist', 'arzt'],
  /** the agent already booked, moved or cancelled the appointment during the call */
  handled: [
    'appointment_booked',
    'termin_gebucht',
    'booked',
    'appointment_rescheduled',
    'termin_verschoben',
    'appointment_cancelled',
    'termin_storniert',
    'termin_abgesagt',
  ],
  callback: ['callback_requested', 'rueckruf_gewuenscht', 'callback'],
} as const;

export type AnalysisField = keyof typeof ANALYSIS_FIELDS;
export const ANALYSIS_FIELD_NAMES = Object.keys(ANALYSIS_FIELDS) as AnalysisField[];
/** A company's own names for some of the fields. */
export type CompanyAnalysisFields = Partial<Record<AnalysisField, readonly string[]>>;

const ownNames = z.array(z.string().min(1).max(100)).max(20).optional();
/** A company's own names, as the directory takes them: only the fields above, each a list of keys. */
export const CompanyAnalysisFieldsSchema = z.strictObject({
  start: ownNames,
  date: ownNames,
  time: ownNames,
  service: ownNames,
  name: ownNames,
  staff: ownNames,
  handled: ownNames,
  callback: ownNames,
} satisfies Record<AnalysisField, typeof ownNames>);

/** The names to look for, the company's first. */
export function analysisKeys(field: AnalysisField, own?: CompanyAnalysisFields): readonly string[] {
  const mine = own?.[field];
  return mine && mine.length > 0 ? [...mine, ...ANALYSIS_FIELDS[field]] : ANALYSIS_FIELDS[field];
}

/** The first of the field's names that the analysis has, with a usable value. */
export function analysisValue(
  custom: Record<string, unknown> | undefined,
  field: AnalysisField,
  own?: CompanyAnalysisFields,
): unknown {
  if (!custom) return undefined;
  for (const key of analysisKeys(field, own)) {
    const value = custom[key];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}
