import type { Response } from 'express';
import type { ChangeResult } from '../../booking/change-booking';
import { sendChangeResult } from './admin-answers';

function answer(result: ChangeResult) {
  const sent: { status?: number; body?: unknown } = {};
  const res = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  } as unknown as Response;
  sendChangeResult(res, result);
  return sent;
}

describe("a booking change's answer", () => {
  it.each([
    ['booking_not_found', 404],
    ['booking_not_confirmed', 409],
    ['change_in_progress', 409],
    ['booking_moved', 409],
    ['calcom_not_configured', 409],
    ['calcom_unavailable', 503],
  ] as const)('when the change is refused with %s, then the status is %i and the code is the error', (code, status) => {
    expect(answer({ kind: 'refused', code, detail: 'why' })).toEqual({ status, body: { error: code, detail: 'why' } });
  });

  it("when Cal.com refused the change, then 422 names Cal.com's failure", () => {
    expect(answer({ kind: 'calcom_refused', failure: 'slot_unavailable', detail: 'taken' })).toEqual({
      status: 422,
      body: { error: 'calcom_slot_unavailable', detail: 'taken' },
    });
  });

  it('when the booking was changed, then 200 carries the outcome as it was emitted', () => {
    const outcome = { type: 'booking.cancelled.v1', uid: 'u1' } as unknown as Extract<
      ChangeResult,
      { kind: 'changed' }
    >['outcome'];
    expect(answer({ kind: 'changed', outcome })).toEqual({ status: 200, body: outcome });
  });
});
