import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test/paths';
import { BookingOutcomeV1Schema } from './booking/booking-outcome.v1';
import { contractDocs } from './docs';

describe('the generated contract docs for downstream teams', () => {
  it('when the committed docs/contracts are compared with what the contracts generate, then they are the same (run pnpm contracts:docs)', () => {
    for (const [name, text] of contractDocs()) {
      expect(readFileSync(join(REPO_ROOT, 'docs', 'contracts', name), 'utf8')).toBe(text);
    }
  });
});

describe('booking.outcomes.v1', () => {
  const common = {
    callId: 'call_1',
    idempotencyKey: 'call_1:booking-intent',
    attribution: {
      companyId: '00000000-0000-4000-8000-000000000001',
      branchId: '00000000-0000-4000-8000-000000000002',
      phoneNumberId: '00000000-0000-4000-8000-000000000003',
    },
    occurredAt: '2026-10-13T08:05:00.000Z',
  };
  const at = (utc: string, local: string) => ({ utc, local, timeZone: 'Europe/Berlin' });

  it('when each kind of outcome is written, then the contract accepts it', () => {
    const booking = {
      uid: 'bk_1',
      eventTypeId: 1201,
      start: at('2026-10-16T12:30:00Z', '2026-10-16T14:30:00'),
      end: at('2026-10-16T13:15:00Z', '2026-10-16T15:15:00'),
      status: 'accepted',
    };
    for (const outcome of [
      { type: 'booking.confirmed.v1', ...common, booking, alternative: false },
      {
        type: 'booking.alternatives-offered.v1',
        ...common,
        requestedStart: at('2026-10-16T12:30:00Z', '2026-10-16T14:30:00'),
        alternatives: [{ start: at('2026-10-16T13:30:00Z', '2026-10-16T15:30:00'), strategy: 'same_day_other_time' }],
      },
      { type: 'booking.failed.v1', ...common, reason: 'calcom_unauthorized', detail: 'Cal.com 401' },
      { type: 'booking.cancelled.v1', ...common, uid: 'bk_1', cause: 'compensation' },
      { type: 'booking.rescheduled.v1', ...common, fromUid: 'bk_0', booking },
    ]) {
      expect(BookingOutcomeV1Schema.safeParse(outcome).success).toBe(true);
    }
  });

  it('when an outcome has an unknown reason or an extra field, then the contract refuses it', () => {
    expect(
      BookingOutcomeV1Schema.safeParse({ type: 'booking.failed.v1', ...common, reason: 'oops', detail: '' }).success,
    ).toBe(false);
    expect(
      BookingOutcomeV1Schema.safeParse({
        type: 'booking.cancelled.v1',
        ...common,
        uid: 'bk_1',
        cause: 'caller',
        apiKey: 'cal_live_x',
      }).success,
    ).toBe(false);
  });
});
