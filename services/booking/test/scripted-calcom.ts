import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** answer this late (for timeouts) */
  delayMs?: number;
}
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** when it arrived (ms since the epoch) */
  at: number;
}

/**
 * A Cal.com stand-in on 127.0.0.1 for fault injection: each request is answered by `answer`,
 * which tests replace; every request is recorded. (Contract conformance is Prism's job.)
 */
export async function startScriptedCalcom() {
  const seen: SeenRequest[] = [];
  const state = {
    answer: (_request: SeenRequest): ScriptedAnswer => ({ status: 200, body: { status: 'success', data: {} } }),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, at: Date.now() };
      seen.push(request);
      const answer = state.answer(request);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    /** replaces how requests are answered */
    script(answer: (request: SeenRequest) => ScriptedAnswer) {
      state.answer = answer;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const success = (data: unknown): ScriptedAnswer => ({ status: 200, body: { status: 'success', data } });
export const calcomError = (status: number, code: string, message: string, headers?: Record<string, string>) => ({
  status,
  headers,
  body: { status: 'error', timestamp: new Date().toISOString(), path: '/v2', error: { code, message } },
});
