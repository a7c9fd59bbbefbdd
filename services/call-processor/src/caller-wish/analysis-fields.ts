/**
 * Where an agent's post-call analysis keeps what we need. The keys of `custom_analysis_data` are
 * whatever the business named them when it configured its agent; these are the names we look for,
 * German and English, in this order. (A per-company mapping in the directory can come later.)
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

/** The first of the field's names that the analysis has, with a usable value. */
export function analysisValue(custom: Record<string, unknown> | undefined, field: AnalysisField): unknown {
  if (!custom) return undefined;
  for (const key of ANALYSIS_FIELDS[field]) {
    const value = custom[key];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}
