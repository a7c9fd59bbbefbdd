import type { Response } from 'express';
import type { AvailabilityAnswer } from '@rb/contracts';
import { AvailabilityAnswerSchema } from '@rb/contracts';
import { sendAvailabilityAnswer } from './availability-answers';

function answer(result: AvailabilityAnswer) {
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const res = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    set(name: string, value: string) {
      sent.headers[name] = value;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  } as unknown as Response;
  sendAvailabilityAnswer(res, result);
  return sent;
}

const slot = { startUtc: '2026-10-13T12:00:00Z', endUtc: '2026-10-13T12:45:00Z' };

describe("an availability question's answer", () => {
  it.each<[AvailabilityAnswer, number]>([
    [{ kind: 'free', timeZone: 'Europe/Berlin', slots: [slot] }, 200],
    [
      { kind: 'none_free', timeZone: 'Europe/Berlin', alternatives: [{ ...slot, strategy: 'same_day_other_time' }] },
      200,
    ],
    [{ kind: 'none_free', timeZone: 'Europe/Berlin', alternatives: [] }, 200],
    [{ kind: 'refused', reason: 'unknown_branch', detail: 'branch b1 is not known' }, 422],
    [{ kind: 'unavailable', reason: 'timeout' }, 503],
  ])(
    'when the answer is %j, then the status is %i and the body is the answer as the contract has it',
    (result, status) => {
      const sent = answer(result);
      expect(sent).toEqual({ status, body: result, headers: {} });
      expect(AvailabilityAnswerSchema.parse(sent.body)).toEqual(result);
    },
  );

  it('when Cal.com is unavailable for a known time, then 503 carries Retry-After', () => {
    const result: AvailabilityAnswer = { kind: 'unavailable', reason: 'circuit_open', retryAfterSeconds: 30 };
    expect(answer(result)).toEqual({ status: 503, body: result, headers: { 'Retry-After': '30' } });
  });
});
