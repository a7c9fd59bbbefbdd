import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RETELL_FIXTURES_DIR, requireSharedDir } from '../../../../test/paths';
import { signRetellBody, verifyRetellSignature } from './verify-signature';

requireSharedDir();

interface Vector {
  file: string | null;
  note?: string;
  body?: string;
  api_key?: string;
  x_retell_signature: string;
}
const vectors = JSON.parse(readFileSync(join(RETELL_FIXTURES_DIR, '99-signature-vectors.json'), 'utf8')) as {
  api_key: string;
  vectors: Vector[];
};
const bodyOf = (v: Vector) => (v.file ? readFileSync(join(RETELL_FIXTURES_DIR, v.file)) : Buffer.from(v.body ?? ''));
const tsOf = (v: Vector) => Number(/v=(\d+)/.exec(v.x_retell_signature)![1]);

describe('Retell webhook signature', () => {
  it.each(vectors.vectors.map((v) => [v.file ?? v.note ?? v.body, v] as const))(
    'when the shared vector %s is checked with its key at its time, then it verifies',
    (_name, v) => {
      const key = v.api_key ?? vectors.api_key;
      expect(verifyRetellSignature(bodyOf(v), v.x_retell_signature, key, tsOf(v))).toEqual({ kind: 'valid' });
    },
  );

  it('when the raw body is re-serialised (ü/ß escaped or whitespace changed), then it no longer verifies', () => {
    const v = vectors.vectors.find((x) => x.file === '02-call_ended.salon-inbound.json')!;
    const raw = bodyOf(v);
    expect(raw.toString('utf8')).toMatch(/[üß]/);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(verifyRetellSignature(reserialised, v.x_retell_signature, vectors.api_key, tsOf(v))).toEqual({
      kind: 'invalid',
      reason: 'mismatch',
    });
  });

  it('when a body with umlauts is signed over its UTF-8 bytes, then it verifies', () => {
    const body = Buffer.from('{"event":"call_ended","call":{"call_id":"c","transcript":"Grüße aus Köln, Straße"}}');
    const header = signRetellBody(body, 'k-123456789', 1_000_000);
    expect(verifyRetellSignature(body, header, 'k-123456789', 1_000_000)).toEqual({ kind: 'valid' });
  });

  it('when the key is wrong, then the result is a mismatch', () => {
    const v = vectors.vectors[0]!;
    expect(verifyRetellSignature(bodyOf(v), v.x_retell_signature, 'another-key', tsOf(v)).kind).toBe('invalid');
  });

  it.each([
    ['5 min + 1 ms in the past', -300_001, 'invalid'],
    ['5 min + 1 ms in the future', 300_001, 'invalid'],
    ['exactly 5 min old', -300_000, 'valid'],
    ['4 min in the future', 240_000, 'valid'],
  ])('when the timestamp is %s (offset %d ms), then the signature is %s', (_name, offset, kind) => {
    const now = 1_791_877_400_000;
    const header = signRetellBody('{}', 'k-123456789', now + offset);
    expect(verifyRetellSignature(Buffer.from('{}'), header, 'k-123456789', now).kind).toBe(kind);
  });

  it.each([
    ['missing', undefined, 'missing'],
    ['seconds instead of ms with short digest', 'v=1791877400,d=abc', 'malformed'],
    ['no digest', 'v=1791877400000', 'malformed'],
    ['garbage', 'sha256=deadbeef', 'malformed'],
  ])('when the header is %s (%s), then it is rejected as %s', (_name, header, reason) => {
    expect(verifyRetellSignature(Buffer.from('{}'), header, 'k-123456789', 1_791_877_400_000)).toEqual({
      kind: 'invalid',
      reason,
    });
  });
});
