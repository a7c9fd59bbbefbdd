export type { AppointmentTime, Turn } from './caller-wish/extract-appointment-time';
export { extractAppointmentTime, parseTranscript } from './caller-wish/extract-appointment-time';
