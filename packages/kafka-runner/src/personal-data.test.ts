import { redactPersonalData, safeErrorCode } from './personal-data';

describe('personal data in free text', () => {
  it('when a text holds e-mail addresses, then they are replaced, also URL-encoded ones', () => {
    expect(redactPersonalData('attendee sabine.krueger+termin@example.co.uk exists')).toBe('attendee [email] exists');
    expect(redactPersonalData('GET /v2/bookings?attendeeEmail=sabine%40example.com failed')).toBe(
      'GET /v2/bookings?attendeeEmail=[email] failed',
    );
  });

  it('when a text holds phone numbers in E.164 or written out, then they are replaced', () => {
    expect(redactPersonalData('phoneNumber +4917612345678 is invalid')).toBe('phoneNumber [phone] is invalid');
    expect(redactPersonalData('call +49 (0)176 1234-5678 or 0176/12345678.')).toBe('call [phone] or [phone].');
    expect(redactPersonalData('"attendeePhoneNumber":"+493412240871"')).toBe('"attendeePhoneNumber":"[phone]"');
  });

  it('when a text holds dates, times, statuses and ids, then they stay', () => {
    const text =
      'Cal.com 400 BadRequestException: slot 2026-10-13T12:30:00Z on 13.10.2026 taken (event type 1201, booking call_1234567890:booking-intent)';
    expect(redactPersonalData(text)).toBe(text);
  });

  it('when the caller names known values, then they are replaced whole and, for names, word by word, in any case', () => {
    const text = 'Sabine Krüger already has a booking; krüger, SABINE was told; Li is fine';
    expect(redactPersonalData(text, ['Sabine Krüger', null, undefined, ''])).toBe(
      '[redacted] already has a booking; [redacted], [redacted] was told; Li is fine',
    );
    expect(redactPersonalData('who? (a.b) [c]', ['(a.b)', '[c]'])).toBe('who? [redacted] [redacted]');
  });

  it('when an error code looks like a code, then it is kept; when it is free text or personal, then it is dropped', () => {
    expect(safeErrorCode('BadRequestException')).toBe('BadRequestException');
    expect(safeErrorCode('CALCOM_TIMEOUT')).toBe('CALCOM_TIMEOUT');
    expect(safeErrorCode('23505')).toBe('23505');
    expect(safeErrorCode('sabine@example.com')).toBeUndefined();
    expect(safeErrorCode('x4917612345678')).toBeUndefined();
    expect(safeErrorCode('user Sabine Krüger')).toBeUndefined();
    expect(safeErrorCode(undefined)).toBeUndefined();
  });
});
