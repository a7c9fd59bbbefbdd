import { callerNumberOf } from './wish-inputs';

describe("the caller's number", () => {
  const numbers = { fromNumber: '+4917612345678', toNumber: '+4922198765430' };

  it('when the call is inbound, then it is the calling number', () => {
    expect(callerNumberOf({ direction: 'inbound', ...numbers })).toBe('+4917612345678');
  });

  it('when the call is outbound, then it is the called number', () => {
    expect(callerNumberOf({ direction: 'outbound', ...numbers })).toBe('+4922198765430');
  });

  it('when the direction or the number is unknown, then the calling number, or none', () => {
    expect(callerNumberOf(numbers)).toBe('+4917612345678');
    expect(callerNumberOf({ direction: 'web' })).toBeNull();
    expect(callerNumberOf({ direction: 'outbound', fromNumber: '+4917612345678' })).toBeNull();
  });
});
