import { SlotIds } from './slot-id';

const BRANCH = '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER_BRANCH = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const slotIds = new SlotIds('key_test_slot_ids_0001');
const slot = { branchId: BRANCH, eventTypeId: 3101, startUtc: '2026-10-16T12:30:00Z' };

describe('slot ids given to the LLM', () => {
  it('when a slot id is decoded in its own branch, then it gives back the branch, event type and start', () => {
    const id = slotIds.encode(slot);
    expect(id).toMatch(/^slot_202610161230_3101_[0-9a-f]{8}$/);
    expect(slotIds.decode(id, BRANCH)).toEqual({
      kind: 'valid',
      slot: { branchId: BRANCH, eventTypeId: 3101, startUtc: '2026-10-16T12:30:00.000Z' },
    });
  });

  it('when the same slot is encoded twice, then the id is the same (the LLM may ask twice)', () => {
    expect(slotIds.encode(slot)).toBe(slotIds.encode({ ...slot, startUtc: '2026-10-16T12:30:00.000Z' }));
  });

  it('when one digit of the start or the event type is changed, then the id does not verify', () => {
    const id = slotIds.encode(slot);
    expect(slotIds.decode(id.replace('_202610161230_', '_202610161330_'), BRANCH)).toEqual({
      kind: 'invalid',
      reason: 'forged',
    });
    expect(slotIds.decode(id.replace('_3101_', '_3102_'), BRANCH)).toEqual({ kind: 'invalid', reason: 'forged' });
  });

  it('when a slot id made in one branch is used in another branch’s call, then it does not verify', () => {
    expect(slotIds.decode(slotIds.encode(slot), OTHER_BRANCH)).toEqual({ kind: 'invalid', reason: 'forged' });
  });

  it('when another API key made the id, then it does not verify', () => {
    expect(new SlotIds('key_test_slot_ids_0002').decode(slotIds.encode(slot), BRANCH).kind).toBe('invalid');
  });

  it('when the id is not of our shape or names no real minute, then it is malformed', () => {
    const tag = slotIds.encode(slot).slice(-8);
    for (const id of ['', 'slot_20261016_1430_jana', `slot_202602301230_3101_${tag}`, `slot_202610161260_3101_${tag}`])
      expect(slotIds.decode(id, BRANCH)).toEqual({ kind: 'invalid', reason: 'malformed' });
  });
});
