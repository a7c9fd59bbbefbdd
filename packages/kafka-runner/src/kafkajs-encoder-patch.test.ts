import { createHash } from 'node:crypto';

/**
 * patches/kafkajs@2.2.4.patch makes kafkajs's protocol Encoder append large buffers by reference
 * instead of copying them through every nested encoder (see the patch's comments). These tests
 * pin that the bytes on the wire are exactly upstream's, and that the copies are gone.
 */

interface KafkajsEncoder {
  writeInt8(v: number): KafkajsEncoder;
  writeInt32(v: number): KafkajsEncoder;
  writeVarInt(v: number): KafkajsEncoder;
  writeString(v: string): KafkajsEncoder;
  writeBytes(v: Buffer): KafkajsEncoder;
  writeVarIntBytes(v: Buffer): KafkajsEncoder;
  writeBuffer(v: Buffer): KafkajsEncoder;
  writeEncoder(v: KafkajsEncoder): KafkajsEncoder;
  writeArray(v: KafkajsEncoder[]): KafkajsEncoder;
  size(): number;
  readonly buffer: Buffer;
}
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's protocol internals have no typed entry point */
const Encoder = require('kafkajs/src/protocol/encoder') as new () => KafkajsEncoder;
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request') as (args: unknown) => unknown;
const encodeRequest = require('kafkajs/src/protocol/request') as (args: unknown) => Promise<KafkajsEncoder>;
/* eslint-enable @typescript-eslint/no-require-imports */

function produceRequest(sizes: number[]): Promise<KafkajsEncoder> {
  const messages = sizes.map((n, i) => ({
    key: `call_${i}`,
    value: Buffer.from('Grüß Gott, einen Termin bitte. '.repeat(Math.ceil(n / 31) + 1)).subarray(0, n),
    headers: { ce_id: `call_${i}:call_ended`, big: Buffer.alloc(i === 3 ? 2000 : 3, 0x62) },
    timestamp: 1764000000000 + i,
  }));
  const request = produceV3({
    acks: -1,
    timeout: 30000,
    compression: 0,
    producerId: 7,
    producerEpoch: 1,
    topicData: [
      {
        topic: 'retell.events.v1',
        partitions: [0, 1, 2].map((p) => ({
          partition: p,
          firstSequence: 3 + p,
          messages: messages.filter((_, i) => i % 3 === p),
        })),
      },
    ],
  });
  return encodeRequest({ correlationId: 42, clientId: 'golden', request });
}

describe('the patched kafkajs Encoder', () => {
  it('when a produce request with values around the by-reference threshold is encoded, then its bytes equal unpatched kafkajs 2.2.4', async () => {
    const encoded = await produceRequest([0, 10, 1023, 1024, 1025, 4096, 18000, 70000]);
    // sha256 of the same request encoded by kafkajs 2.2.4 without the patch
    expect(createHash('sha256').update(encoded.buffer).digest('hex')).toBe(
      '016bb82c9ea51a4c0a0d61d217b630068c1521e836c816e4988c1caa0bb6f960',
    );
    expect(encoded.size()).toBe(encoded.buffer.length);
  });

  it('when any mix of writes, nested encoders and large buffers is encoded, then the bytes equal writing them one after another', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => random(256)));
    for (let round = 0; round < 200; round++) {
      const expected: Buffer[] = [];
      const build = (depth: number): KafkajsEncoder => {
        const encoder = new Encoder();
        for (let op = 0, ops = 1 + random(8); op < ops; op++) {
          const kind = random(depth > 2 ? 4 : 5);
          if (kind === 0) {
            const v = random(200) - 100;
            encoder.writeInt32(v);
            const b = Buffer.alloc(4);
            b.writeInt32BE(v);
            expected.push(b);
          } else if (kind === 1) {
            const b = bytes([1, 500, 1023, 1024, 3000, 20000][random(6)]!);
            encoder.writeBuffer(b);
            expected.push(Buffer.from(b));
          } else if (kind === 2) {
            const b = bytes([0, 900, 1024, 5000][random(4)]!);
            encoder.writeBytes(b);
            const length = Buffer.alloc(4);
            length.writeInt32BE(b.length);
            expected.push(length, Buffer.from(b));
          } else if (kind === 3) {
            const v = `Straße ${random(1000)}`;
            encoder.writeString(v);
            const length = Buffer.alloc(2);
            length.writeInt16BE(Buffer.byteLength(v));
            expected.push(length, Buffer.from(v));
          } else {
            encoder.writeEncoder(build(depth + 1));
          }
        }
        return encoder;
      };
      const encoder = build(0);
      const whole = Buffer.concat(expected);
      expect(encoder.size()).toBe(whole.length);
      expect(encoder.buffer.equals(whole)).toBe(true);
      // reading twice gives the same bytes, and writing on afterwards appends
      expect(encoder.buffer.equals(whole)).toBe(true);
      encoder.writeInt8(9);
      expect(encoder.buffer.equals(Buffer.concat([whole, Buffer.from([9])]))).toBe(true);
    }
  });

  it('when 60 webhooks of 18 KB are encoded into one produce request, then fewer than 2.5 bytes are allocated per byte of value', async () => {
    const allocated = { bytes: 0 };
    const spies = (['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'concat'] as const).map((name) => {
      const original = Buffer[name] as (...args: unknown[]) => Buffer;
      return jest.spyOn(Buffer, name).mockImplementation(((...args: unknown[]) => {
        const result = original.apply(Buffer, args);
        allocated.bytes += result.length;
        return result;
      }) as never);
    });
    try {
      const encoded = await produceRequest(Array.from({ length: 60 }, () => 18_000));
      expect(encoded.buffer.length).toBeGreaterThan(60 * 18_000);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    // unpatched kafkajs allocated about 17 bytes per byte of value here
    expect(allocated.bytes / (60 * 18_000)).toBeLessThan(2.5);
  });
});
