import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CallProcessorCustomers } from './customer-names';

const TOKEN = 'query-token-0123456789abcdefgh';

/** A stand-in for call-processor's query API on 127.0.0.1: answers as `respond` says. */
async function standIn(respond: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization} ${body}`);
      respond(req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const json = (res: ServerResponse, body: unknown) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('asking call-processor who is calling', () => {
  const companyId = randomUUID();

  it('when call-processor knows the caller, then the name, asked with the bearer token, the company and the number', async () => {
    const server = await standIn((_req, res) => json(res, { kind: 'known', name: 'Sabine Krüger' }));
    try {
      const customers = new CallProcessorCustomers({ baseUrl: server.url, token: TOKEN, budgetMs: 1_000 });
      expect(await customers.lookUp(companyId, '+4917612345678')).toEqual({ kind: 'known', name: 'Sabine Krüger' });
      // the number in the body, never in the URL (access logs keep URLs)
      expect(server.seen).toEqual([
        `POST /internal/customers Bearer ${TOKEN} ${JSON.stringify({ companyId, phone: '+4917612345678' })}`,
      ]);
    } finally {
      await server.stop();
    }
  });

  it('when call-processor answers after the budget, then no answer (timeout) before its answer came', async () => {
    let answered = false;
    let late: NodeJS.Timeout | undefined;
    const server = await standIn(
      (_req, res) =>
        (late = setTimeout(() => {
          answered = true;
          json(res, { kind: 'known', name: 'zu spät' });
        }, 3_000)),
    );
    try {
      const customers = new CallProcessorCustomers({ baseUrl: server.url, token: TOKEN, budgetMs: 50 });
      expect(await customers.lookUp(companyId, '+4917612345678')).toEqual({ kind: 'no_answer', why: 'timeout' });
      expect(answered).toBe(false);
    } finally {
      clearTimeout(late);
      await server.stop();
    }
  });

  it('when call-processor refuses, answers something else or is not there, then no answer (failed), never a throw', async () => {
    const refusing = await standIn((_req, res) => res.writeHead(401).end());
    const odd = await standIn((_req, res) => json(res, { name: 'no kind' }));
    const gone = await standIn((_req, res) => res.end());
    await gone.stop();
    try {
      for (const url of [refusing.url, odd.url, gone.url]) {
        const customers = new CallProcessorCustomers({ baseUrl: url, token: TOKEN, budgetMs: 1_000 });
        expect(await customers.lookUp(companyId, '+4917612345678')).toEqual({ kind: 'no_answer', why: 'failed' });
      }
    } finally {
      await Promise.all([refusing.stop(), odd.stop()]);
    }
  });

  it('when no URL or token is configured or the number is withheld, then nothing is asked', async () => {
    const server = await standIn((_req, res) => json(res, { kind: 'unknown' }));
    try {
      const unconfigured = new CallProcessorCustomers({ baseUrl: server.url, token: undefined, budgetMs: 1_000 });
      expect(await unconfigured.lookUp(companyId, '+4917612345678')).toEqual({
        kind: 'no_answer',
        why: 'not_configured',
      });
      const customers = new CallProcessorCustomers({ baseUrl: server.url, token: TOKEN, budgetMs: 1_000 });
      expect(await customers.lookUp(companyId, 'anonymous')).toEqual({ kind: 'no_answer', why: 'withheld_number' });
      expect(await customers.lookUp(companyId, '+4930123456')).toEqual({ kind: 'unknown' });
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
