/**
 * The idempotency keys of the live call's commands (issue 14's design): a key names the effect, so
 * the same call asking for the same thing again (Retell's max_retry, the LLM invoking a tool twice,
 * the caller told to try again) gets one booking and the first answer again. Built from the
 * canonical forms only: the slot id as encoded, the start in UTC to the millisecond
 * (`2026-10-16T12:30:00.000Z`), the booking number as `bk_` + 8 upper-case characters.
 */
export const idempotencyKeys = {
  book: (callId: string, slotId: string) => `live:${callId}:book:${slotId}`,
  reschedule: (callId: string, bookingId: string, newStartUtc: string) =>
    `live:${callId}:reschedule:${bookingId}:${newStartUtc}`,
  cancel: (callId: string, bookingId: string) => `live:${callId}:cancel:${bookingId}`,
};
