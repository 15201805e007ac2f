/**
 * A TCP proxy in front of a node that counts the bytes passing each way: what any counter on the
 * wire would see, to check a meter inside the client against. Counts are final once every
 * connection has closed (`idle()`).
 */
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';

export interface CountingProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  /** Bytes the clients sent, passed on to the node. */
  bytesToServer(): number;
  /** Bytes the node sent, passed on to the clients. */
  bytesFromServer(): number;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections open now. */
  open(): number;
  /** Resolves once no connection is open. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<CountingProxy> {
  let toServer = 0;
  let fromServer = 0;
  let accepted = 0;
  const pairs = new Set<[Socket, Socket]>();
  const waiters: (() => void)[] = [];

  const server = createServer((client) => {
    accepted += 1;
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    // Counted as read, so a byte is counted once it reached the proxy, whichever side closes first.
    client.on('data', (chunk: Buffer) => {
      toServer += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      fromServer += chunk.length;
      client.write(chunk);
    });
    // A half-close is passed on as one, so neither side loses what the other still sends.
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    let closed = 0;
    for (const socket of pair) {
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => {
        closed += 1;
        if (closed < 2) return;
        pairs.delete(pair);
        if (pairs.size === 0) for (const resolve of waiters.splice(0)) resolve();
      });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the counting proxy has no port');

  return {
    port: address.port,
    urlFor(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(address.port);
      return parsed.toString().replace(/\/$/, '');
    },
    bytesToServer: () => toServer,
    bytesFromServer: () => fromServer,
    connections: () => accepted,
    open: () => pairs.size,
    idle: () => (pairs.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
