import type { Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/**
 * A TCP proxy in front of one server (the broker) that can hold back the server's replies, for
 * tests of what a client does while the server is slow. `socketFactory` routes every kafkajs
 * connection through it, including the ones to the address the broker advertises.
 */
export async function startDelayProxy(target: string): Promise<{
  port: number;
  socketFactory: ISocketFactory;
  setReplyDelay(ms: number): void;
  close(): Promise<void>;
}> {
  const [host, port] = target.split(':') as [string, string];
  let delayMs = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host, port: Number(port) });
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    // replies keep their order: each chunk waits for the one before it
    let queue = Promise.resolve();
    upstream.on('data', (chunk: Buffer) => {
      const wait = delayMs;
      queue = queue.then(() => new Promise((r) => setTimeout(r, wait))).then(() => void client.write(chunk));
    });
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxyPort = (server.address() as { port: number }).port;
  return {
    port: proxyPort,
    socketFactory: ({ onConnect }) => {
      const socket = connect({ host: '127.0.0.1', port: proxyPort }, onConnect);
      socket.setKeepAlive(true, 60_000);
      return socket;
    },
    setReplyDelay: (ms) => (delayMs = ms),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
