/**
 * A TCP proxy that misbehaves on demand, put between a node and PostgreSQL (or any TCP server):
 *
 * - `pass`: bytes go through as they come;
 * - `latency`: every chunk, each way, is held `ms` before it is passed on (order kept);
 * - `reset`: every open connection is reset (RST) at once, and so is each new one;
 * - `blackhole`: connections are accepted and kept, but nothing is passed either way, as when a
 *   network path silently drops packets. Leaving the black hole closes the connections it held
 *   (their streams lost bytes), as a peer's TCP would once it gave up retransmitting.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

export type FaultMode = { kind: 'pass' } | { kind: 'latency'; ms: number } | { kind: 'reset' } | { kind: 'blackhole' };

export interface FaultProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  mode(): FaultMode;
  setMode(mode: FaultMode): void;
  /** Connections open through the proxy now. */
  openConnections(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** True once a byte was dropped: the streams are no longer whole. */
  broken: boolean;
}

export async function startFaultProxy(target: { host: string; port: number } = { host: '127.0.0.1', port: 5432 }): Promise<FaultProxy> {
  let current: FaultMode = { kind: 'pass' };
  const pairs = new Set<Pair>();

  const end = (pair: Pair, reset: boolean) => {
    pairs.delete(pair);
    if (reset) {
      pair.client.resetAndDestroy();
      pair.upstream.resetAndDestroy();
    } else {
      pair.client.destroy();
      pair.upstream.destroy();
    }
  };

  const forward = (pair: Pair, to: Socket, chunk: Buffer) => {
    const mode = current;
    if (mode.kind === 'pass') to.write(chunk);
    else if (mode.kind === 'latency') setTimeout(() => !to.destroyed && to.write(chunk), mode.ms);
    else if (mode.kind === 'blackhole') pair.broken = true;
    else end(pair, true);
  };

  const server: Server = createServer((client) => {
    if (current.kind === 'reset') return void client.resetAndDestroy();
    const upstream = connect(target.port, target.host);
    const pair: Pair = { client, upstream, broken: current.kind === 'blackhole' };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => forward(pair, upstream, chunk));
    upstream.on('data', (chunk: Buffer) => forward(pair, client, chunk));
    // Either side going away takes the other with it (a held chunk may still be in a timer: it checks `destroyed`).
    for (const socket of [client, upstream]) {
      socket.on('error', () => end(pair, false));
      socket.on('close', () => end(pair, false));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fault proxy has no port');

  return {
    port: address.port,
    urlFor(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(address.port);
      return parsed.toString();
    },
    mode: () => current,
    setMode(mode) {
      const leaving = current;
      current = mode;
      if (mode.kind === 'reset') for (const pair of [...pairs]) end(pair, true);
      if (leaving.kind === 'blackhole' && mode.kind !== 'blackhole') for (const pair of [...pairs]) if (pair.broken) end(pair, false);
    },
    openConnections: () => pairs.size,
    async close() {
      for (const pair of [...pairs]) end(pair, false);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
