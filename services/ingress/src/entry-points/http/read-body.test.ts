import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { BodyWithHeadroom, BodyReadError } from './read-body';
import { readBodyWithHeadroom } from './read-body';

const LIMIT = 256 * 1024;

/** A real HTTP server around the reader: the answer echoes what it read, or the error's status and type. */
async function startServer() {
  const app = express();
  app.post('/', readBodyWithHeadroom(LIMIT, 5), (_req: Request, res: Response) => {
    const body = res.locals.body as BodyWithHeadroom;
    res.json({
      raw: body.raw.toString('utf8'),
      headroom: body.withHeadroom.length - body.raw.length,
      sameMemory: body.withHeadroom.buffer === body.raw.buffer,
    });
  });
  const errors: string[] = [];
  app.use((error: BodyReadError, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(error.type);
    res.status(error.status).json({ type: error.type });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, errors, port: (server.address() as AddressInfo).port };
}

function post(
  port: number,
  chunks: Buffer[],
  headers: Record<string, string | number>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') }),
      );
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('reading a webhook body behind room for the registry header', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => (server = await startServer()));
  afterAll(() => server.server.close());

  const text = JSON.stringify({
    event: 'call_ended',
    call: { transcript: 'Grüß Gott, ich hätte gern einen Termin. '.repeat(900) },
  });

  it('when the body has a Content-Length, then the exact bytes follow 5 free bytes in one buffer', async () => {
    const bytes = Buffer.from(text);
    const halves = [bytes.subarray(0, 7_001), bytes.subarray(7_001)];
    const { status, body } = await post(server.port, halves, { 'content-length': bytes.length });
    expect(status).toBe(200);
    expect(body).toEqual({ raw: text, headroom: 5, sameMemory: true });
  });

  it('when the body is chunked without a length, then it is read whole all the same', async () => {
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 1_000) }, (_, i) =>
      bytes.subarray(i * 1_000, (i + 1) * 1_000),
    );
    const { status, body } = await post(server.port, chunks, { 'transfer-encoding': 'chunked' });
    expect(status).toBe(200);
    expect(body).toEqual({ raw: text, headroom: 5, sameMemory: true });
  });

  it('when a declared body is larger than the first allocation, then it is read whole as it arrives', async () => {
    const big = Buffer.from('ä'.repeat(50_000)); // 100,000 bytes, over the 64 KiB reserved up front
    const chunks = [big.subarray(0, 30_001), big.subarray(30_001, 70_000), big.subarray(70_000)];
    const { status, body } = await post(server.port, chunks, { 'content-length': big.length });
    expect(status).toBe(200);
    expect(body).toEqual({ raw: big.toString('utf8'), headroom: 5, sameMemory: true });
  });

  it('when the body is empty, then it is read as empty', async () => {
    const { status, body } = await post(server.port, [], { 'content-length': 0 });
    expect(status).toBe(200);
    expect(body).toEqual({ raw: '', headroom: 5, sameMemory: true });
  });

  it('when the declared length is over the limit, then 413 before anything is read', async () => {
    const big = Buffer.alloc(LIMIT + 1, 0x61);
    const { status, body } = await post(server.port, [big], { 'content-length': big.length });
    expect(status).toBe(413);
    expect(body).toEqual({ type: 'entity.too.large' });
  });

  it('when a chunked body grows over the limit, then 413', async () => {
    const chunks = Array.from({ length: LIMIT / 1_024 + 6 }, () => Buffer.alloc(1_024, 0x61));
    const { status, body } = await post(server.port, chunks, { 'transfer-encoding': 'chunked' });
    expect(status).toBe(413);
    expect(body).toEqual({ type: 'entity.too.large' });
  });

  it('when the body is compressed, then 415: the signature covers the bytes as sent', async () => {
    const { status, body } = await post(server.port, [Buffer.from('x')], {
      'content-length': 1,
      'content-encoding': 'gzip',
    });
    expect(status).toBe(415);
    expect(body).toEqual({ type: 'encoding.unsupported' });
  });

  it('when the client goes away mid-body, then the read ends as aborted and the server answers the next request', async () => {
    const socketClosed = new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/',
        headers: { 'content-length': 10_000 },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(100, 0x61));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    await socketClosed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.errors).toContain('request.aborted');
    const { status } = await post(server.port, [Buffer.from('{}')], { 'content-length': 2 });
    expect(status).toBe(200);
  });
});
