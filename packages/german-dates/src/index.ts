/**
 * @rb/german-dates: dates and times as callers say them (German first, English too) and German
 * public holidays. Pure: no I/O, no clock, no environment; every "today" or "now" is an argument.
 */
export type { AppointmentTime, Turn } from './extract-appointment-time';
export { findAppointmentTime, parseTranscript } from './extract-appointment-time';
export type { Language } from './time-expressions';
export type { FederalState } from './german-holidays';
export { easterSunday, holidaysOf } from './german-holidays';
export type { PartOfDay } from './day-parts';
export { HOURS } from './day-parts';
export type { When, WhenContext, WhenNotUnderstood } from './understand-when';
export { understandWhen } from './understand-when';
export { asksForNextFree } from './next-free';
