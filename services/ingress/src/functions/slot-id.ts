import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a slot id stands for: enough for book_appointment to book without asking again. */
export interface SlotRef {
  branchId: string;
  /** the service's Cal.com event type */
  eventTypeId: number;
  /** the start, UTC, to the minute (`2026-10-16T12:30:00.000Z`) */
  startUtc: string;
}

export type SlotIdCheck =
  | { kind: 'valid'; slot: SlotRef }
  /** malformed: not our shape or not a real minute; forged: the tag does not fit (changed, or another branch's) */
  | { kind: 'invalid'; reason: 'malformed' | 'forged' };

type SevenParts = [string, string, string, string, string, string, string];

/** slot_<UTC yyyymmddHHMM>_<event type id>_<8 hex of the tag> */
const SHAPE = /^slot_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})_([1-9]\d{0,9})_([0-9a-f]{8})$/;

/**
 * Slot ids handed to the LLM: short enough to copy, opaque to the caller, and tamper-evident. The
 * branch is not in the id but in its tag, an HMAC over (branch, event type, start) with a key
 * derived from the Retell API key: a digit changed, or an id used in another branch's call, does
 * not verify. Rotating the API key invalidates the ids given out before (they live for one call).
 */
export class SlotIds {
  private readonly key: Buffer;

  constructor(apiKey: string) {
    this.key = createHmac('sha256', apiKey).update('slot-id').digest();
  }

  encode(slot: SlotRef): string {
    const start = new Date(slot.startUtc);
    const minute = start.toISOString().slice(0, 16).replace(/[-T:]/g, '');
    return `slot_${minute}_${slot.eventTypeId}_${this.tag(slot.branchId, slot.eventTypeId, canonical(start))}`;
  }

  /** The slot an id stands for, if it was made for this branch (the call's tenant). */
  decode(slotId: string, branchId: string): SlotIdCheck {
    const match = SHAPE.exec(slotId.trim());
    if (!match) return { kind: 'invalid', reason: 'malformed' };
    const [year, month, day, hour, minute, eventType, tag] = match.slice(1) as SevenParts;
    const start = new Date(`${year}-${month}-${day}T${hour}:${minute}:00.000Z`);
    // Date rolls 2026-02-30 over into March: only a real minute reads back the same
    if (
      Number.isNaN(start.getTime()) ||
      start.toISOString().slice(0, 16) !== `${year}-${month}-${day}T${hour}:${minute}`
    )
      return { kind: 'invalid', reason: 'malformed' };
    const eventTypeId = Number(eventType);
    const expected = Buffer.from(this.tag(branchId, eventTypeId, canonical(start)), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(tag, 'hex'))) return { kind: 'invalid', reason: 'forged' };
    return { kind: 'valid', slot: { branchId, eventTypeId, startUtc: canonical(start) } };
  }

  private tag(branchId: string, eventTypeId: number, startUtc: string): string {
    return createHmac('sha256', this.key)
      .update(`${branchId}\n${eventTypeId}\n${startUtc}`)
      .digest()
      .subarray(0, 4)
      .toString('hex');
  }
}

/** The start to the minute, as the tag covers it (a slot id has no seconds). */
const canonical = (start: Date): string => `${start.toISOString().slice(0, 16)}:00.000Z`;
