/**
 * The live book of bench-live.ts: book_appointment for a start check_availability offered, signed
 * as Retell signs it, in the call that asked; some calls send it twice at once (the LLM invoking
 * the tool twice) or again after the answer (Retell's max_retry). And the count that matters:
 * bookings in the stand-in Cal.com per idempotency key and per call, where more than one is a
 * double booking.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RETELL_FIXTURES_DIR } from '../paths';
import { signRetellBody, TEST_API_KEY } from '../../services/ingress/test/support';

export interface BenchCall {
  callId: string;
  companyId: string;
  branchId: string;
  /** the caller's number */
  from: string;
  /** the business's number */
  to: string;
}

/** How a call sends its book: once, twice at once, or again after the first answer. */
export type Repeat = 'once' | 'double_invocation' | 'retry';

export function makeBookAppointment(ingressUrl: string) {
  const template = readFileSync(join(RETELL_FIXTURES_DIR, '11-function.check_availability.request.json'), 'utf8');
  const send = async (call: BenchCall, slotId: string) => {
    const request = JSON.parse(template) as { name: string; args: unknown; call: Record<string, unknown> };
    request.name = 'book_appointment';
    request.args = { slot_id: slotId, kunde_name: 'Bench Kundin', dienstleistung: 'Haarschnitt' };
    Object.assign(request.call, {
      call_id: call.callId,
      metadata: { companyId: call.companyId, branchId: call.branchId },
      from_number: call.from,
      to_number: call.to,
      direction: 'inbound',
    });
    const body = JSON.stringify(request);
    const response = await fetch(`${ingressUrl}/webhooks/retell/functions/book_appointment`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-retell-signature': signRetellBody(body, TEST_API_KEY, Date.now()),
      },
      body,
    });
    const answer = (await response.json()) as { ok: boolean; status?: string; fehler?: string; booking_id?: string };
    const label = answer.ok ? (answer.status ?? 'ok') : `ok=false ${answer.fehler}`;
    return { label: `${response.status} ${label}`, bookingId: answer.booking_id };
  };

  /** The first answer's outcome; a repeated book answering another booking id is marked as such. */
  return async (call: BenchCall, slotId: string, repeat: Repeat): Promise<string> => {
    if (repeat === 'double_invocation') {
      const [a, b] = await Promise.all([send(call, slotId), send(call, slotId)]);
      return a.bookingId === b.bookingId ? a.label : `${a.label} (two booking ids)`;
    }
    const first = await send(call, slotId);
    if (repeat === 'retry') {
      const again = await send(call, slotId);
      if (again.bookingId !== first.bookingId) return `${first.label} (retry: another booking id)`;
    }
    return first.label;
  };
}

/** Bookings in the stand-in Cal.com: how many keys and calls have more than one. */
export function countBookings(bookings: readonly { metadata?: Record<string, string> }[]) {
  const perKey = new Map<string, number>();
  const perCall = new Map<string, number>();
  for (const b of bookings) {
    const key = b.metadata?.idempotencyKey ?? '?';
    const call = b.metadata?.callId ?? '?';
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    perCall.set(call, (perCall.get(call) ?? 0) + 1);
  }
  return {
    bookings: bookings.length,
    doubleKeys: [...perKey.values()].filter((n) => n > 1).length,
    callsWithTwo: [...perCall.values()].filter((n) => n > 1).length,
  };
}
