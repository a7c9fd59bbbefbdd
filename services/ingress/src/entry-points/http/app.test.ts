import type { Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Registry } from 'prom-client';
import { makeIngressMetrics } from '../../ingress-metrics';
import type { AppDeps } from './app';
import { makeApp } from './app';

/** The public listener's error handler, on 127.0.0.1 with use cases that fail unexpectedly. */
describe("ingress's answer to an unexpected failure", () => {
  let server: Server;
  let url: string;
  let registry: Registry;
  const failing = async (): Promise<never> => {
    throw new Error('a bug');
  };
  beforeEach(async () => {
    registry = new Registry();
    const deps: AppDeps = {
      receiveWebhook: failing,
      answerCallInbound: failing,
      answerFunctionCall: failing,
      maxBodyBytes: 64 * 1024,
      registry,
      metrics: makeIngressMetrics(registry),
      log: pino({ level: 'silent' }),
    };
    server = makeApp(deps).listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const post = (path: string) => fetch(`${url}${path}`, { method: 'POST', body: '{"name":"x","args":{},"call":{}}' });
  const toolErrors = async () =>
    (await registry.metrics()).split('\n').filter((line) => line.startsWith('ingress_function_calls_total{'));

  it('when a tool call fails unexpectedly, then it is answered 503 and counted as internal_error under its tool', async () => {
    const response = await post('/webhooks/retell/functions/book_appointment');
    expect([response.status, response.headers.get('retry-after')]).toEqual([503, '5']);
    expect(await toolErrors()).toEqual([
      'ingress_function_calls_total{name="book_appointment",outcome="internal_error"} 1',
    ]);
  });

  it('when a call to a tool we do not have fails unexpectedly, then it is counted under unknown, never the name asked for', async () => {
    expect((await post('/webhooks/retell/functions/order_pizza')).status).toBe(503);
    expect((await post('/webhooks/retell/functions/check_availability')).status).toBe(503);
    expect(await toolErrors()).toEqual([
      'ingress_function_calls_total{name="unknown",outcome="internal_error"} 1',
      'ingress_function_calls_total{name="check_availability",outcome="internal_error"} 1',
    ]);
  });

  it('when a webhook or a ring fails unexpectedly, then it is answered 503 and no tool call is counted', async () => {
    expect((await post('/webhooks/retell')).status).toBe(503);
    expect((await post('/webhooks/retell/inbound')).status).toBe(503);
    expect(await toolErrors()).toEqual([]);
  });
});
