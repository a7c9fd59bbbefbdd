import { callerDigest, normalisePhone } from './caller-index';

const company = '11111111-1111-4111-8111-111111111111';
const key = Buffer.alloc(32, 7);

describe('callerDigest', () => {
  it('when one number is written two ways then both give one digest', () => {
    expect(normalisePhone('+49 176 1234-5678')).toBe('+4917612345678');
    expect(callerDigest(key, company, '+49 176 1234-5678')).toBe(callerDigest(key, company, '+4917612345678'));
  });

  it('when the company id is written in capitals then it is the same company', () => {
    expect(callerDigest(key, company.toUpperCase(), '+4917612345678')).toBe(
      callerDigest(key, company, '+4917612345678'),
    );
  });

  it('when the company, the number or the key differ then the digest differs', () => {
    const base = callerDigest(key, company, '+4917612345678');
    expect(callerDigest(key, '22222222-2222-4222-8222-222222222222', '+4917612345678')).not.toBe(base);
    expect(callerDigest(key, company, '+4917612345679')).not.toBe(base);
    expect(callerDigest(Buffer.alloc(32, 8), company, '+4917612345678')).not.toBe(base);
    expect(callerDigest(undefined, company, '+4917612345678')).not.toBe(base);
  });

  it('when the digest is made then it does not contain the number', () => {
    expect(callerDigest(key, company, '+4917612345678')).not.toContain('17612345678');
  });

  it('when the number has no digits (a literal "{{user_number}}", an empty string) then there is no digest', () => {
    expect(callerDigest(key, company, '{{user_number}}')).toBeUndefined();
    expect(callerDigest(key, company, '  ')).toBeUndefined();
  });
});
