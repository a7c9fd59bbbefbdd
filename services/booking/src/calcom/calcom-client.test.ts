import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CalcomClient, MAX_RESPONSE_BYTES } from './calcom-client';
import { CalcomEgress } from './calcom-egress';

/** A server on 127.0.0.1 that streams a JSON answer of `bytes` bytes and notes whether it could send it all. */
async function bigAnswer(bytes: number, options: { contentLength: boolean }) {
  const sent = { complete: 0, cut: 0 };
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(options.contentLength ? { 'content-length': String(bytes) } : {}),
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = bytes - 2;
    res.write('[');
    const pump = () => {
      while (left > 0) {
        const part = chunk.subarray(0, Math.min(left, chunk.length));
        left -= part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      res.end(']');
      sent.complete++;
    };
    res.on('close', () => left > 0 && sent.cut++);
    pump();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

describe("the size of Cal.com's answers", () => {
  const egress = new CalcomEgress({ allowedHosts: [], privateHosts: ['127.0.0.1'] });
  afterAll(() => egress.close());

  it.each([
    ['announced (content-length)', true],
    ['streamed without a length', false],
  ])(
    'when an answer is larger than the cap, %s, then the call fails without reading it all',
    async (_, contentLength) => {
      const server = await bigAnswer(64 * 1024 * 1024, { contentLength });
      try {
        const client = new CalcomClient({ baseUrl: server.url, token: 'cal_test' }, egress.fetch);
        const failed = await client.listBookings({ take: 1 }).catch((e: unknown) => e);
        expect(failed).toMatchObject({
          kind: 'server_error',
          message: expect.stringMatching(/larger than 1048576 bytes/),
        });
        await new Promise((resolve) => setImmediate(resolve));
        expect(server.sent.complete).toBe(0);
      } finally {
        await server.stop();
      }
    },
  );

  it('when an answer is within a smaller configured cap, then it is read; past it, it fails', async () => {
    const server = await bigAnswer(10_000, { contentLength: false });
    try {
      const within = new CalcomClient({ baseUrl: server.url, token: 'cal_test' }, egress.fetch, {
        maxResponseBytes: 10_000,
      });
      // an array, but no envelope: read whole, then refused as not Cal.com's shape
      await expect(within.listBookings({ take: 1 })).rejects.toMatchObject({
        message: expect.stringMatching(/without status "success"/),
      });
      const smaller = new CalcomClient({ baseUrl: server.url, token: 'cal_test' }, egress.fetch, {
        maxResponseBytes: 9_999,
      });
      await expect(smaller.listBookings({ take: 1 })).rejects.toMatchObject({
        message: expect.stringMatching(/larger than 9999 bytes/),
      });
      expect(MAX_RESPONSE_BYTES).toBe(1024 * 1024);
    } finally {
      await server.stop();
    }
  });
});

describe('a Cal.com address the egress refuses', () => {
  it('when an account points at a host that is not allowed (say, saved before the allow-list), then the call fails as forbidden (the tenant must fix it), not as an outage to wait out', async () => {
    const egress = new CalcomEgress({ allowedHosts: [], privateHosts: [] });
    try {
      // no connection is made: 127.0.0.1 is neither allowed nor a private host the operator named
      const client = new CalcomClient({ baseUrl: 'http://127.0.0.1:6379', token: 'cal_test' }, egress.fetch);
      const failed = await client.listBookings({ take: 1 }).catch((e: unknown) => e);
      expect(failed).toMatchObject({ kind: 'forbidden', retryable: false });
      expect((failed as Error).message).not.toMatch(/6379|127\.0\.0\.1/);
    } finally {
      egress.close();
    }
  });
});
