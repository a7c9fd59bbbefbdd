import { PublicBookingIdSchema } from '@rb/contracts';
import { publicBookingId, publicBookingIdCandidate, readPublicBookingId } from './public-id';

describe('publicBookingId', () => {
  it('when derived twice from one key then it is the same handle, in the contract shape', () => {
    const id = publicBookingId('live:call_1:book:slot_202612081200_1001_abcd1234');
    expect(id).toBe(publicBookingId('live:call_1:book:slot_202612081200_1001_abcd1234'));
    expect(PublicBookingIdSchema.parse(id)).toBe(id);
  });

  it('when two keys differ then their handles differ', () => {
    const ids = new Set(Array.from({ length: 2000 }, (_, i) => publicBookingId(`key-${i}`)));
    expect(ids.size).toBe(2000);
  });
});

describe('publicBookingIdCandidate', () => {
  it("when asked for the first candidate then it is the key's handle, and later candidates are other handles, alike on every call", () => {
    const key = 'live:call_1:book:slot_202612081200_1001_abcd1234';
    expect(publicBookingIdCandidate(key, 0)).toBe(publicBookingId(key));
    const later = [1, 2, 3].map((n) => publicBookingIdCandidate(key, n));
    expect(new Set([publicBookingId(key), ...later]).size).toBe(4);
    expect([1, 2, 3].map((n) => publicBookingIdCandidate(key, n))).toEqual(later);
    for (const id of later) expect(PublicBookingIdSchema.parse(id)).toBe(id);
  });
});

describe('readPublicBookingId', () => {
  it('when said with spaces, dashes, lower case or O for zero then it reads as the handle', () => {
    expect(readPublicBookingId('bk 3hf8-q2zd')).toBe('bk_3HF8Q2ZD');
    expect(readPublicBookingId('BK_3HF8Q2ZD')).toBe('bk_3HF8Q2ZD');
    expect(readPublicBookingId('bk_1O2I3L4K')).toBe('bk_1021314K');
  });

  it('when it has the wrong length or letters outside the alphabet then it is no handle', () => {
    expect(readPublicBookingId('bk_3HF8Q2Z')).toBeUndefined();
    expect(readPublicBookingId('bk_3HF8Q2ZDX')).toBeUndefined();
    expect(readPublicBookingId('bk_3HF8Q2ZU')).toBeUndefined();
    expect(readPublicBookingId('')).toBeUndefined();
  });
});
