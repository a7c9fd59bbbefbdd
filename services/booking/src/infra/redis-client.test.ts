import { once } from 'node:events';
import type { Socket } from 'node:net';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@rb/observability';
import { makeRedisClient, REDIS_TIMEOUTS } from './redis-client';

const log = createLogger({ service: 'test', level: 'silent' });

/**
 * A "Redis" on 127.0.0.1 that hangs: it accepts connections and answers every command (with an
 * empty bulk string, enough for the ready check) until the first GET; from then on, nothing, on
 * any connection.
 */
async function hungRedis() {
  const sockets: Socket[] = [];
  let hung = false;
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk) => {
      const lines = chunk.toString('latin1').split('\r\n');
      if (lines.some((line) => line.toUpperCase() === 'GET')) hung = true;
      if (hung) return;
      for (const _ of lines.filter((line) => /^\*\d+$/.test(line))) socket.write('$0\r\n\r\n');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("booking's Redis client", () => {
  it('when Redis accepts connections but stops answering, then a command fails instead of waiting for ever', async () => {
    const redis$ = await hungRedis();
    const redis = makeRedisClient(redis$.url, log, { commandMs: 200, connectMs: 200 });
    try {
      await redis.connect();
      await expect(redis.get('booking:test')).rejects.toThrow();
    } finally {
      redis.disconnect();
      await redis$.stop();
    }
  });

  it('when built with the defaults, then the command and connect timeouts are set like ingress', () => {
    const redis = makeRedisClient('redis://127.0.0.1:6379', log);
    expect(redis.options).toMatchObject({
      commandTimeout: REDIS_TIMEOUTS.commandMs,
      socketTimeout: REDIS_TIMEOUTS.commandMs,
      connectTimeout: REDIS_TIMEOUTS.connectMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    redis.disconnect();
  });
});
