/**
 * Rate limits on Redis survive Redis going away: the node reaches Redis through a TCP proxy the
 * test cuts, and keeps serving, counting in its own memory (the insurance limiter), still
 * refusing past the budget.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { redisUrl } from '../helpers/cluster.ts';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';

const target = new URL(redisUrl);

async function redisSkipReason(): Promise<string | undefined> {
  if (process.env['CI'] === 'true') return undefined;
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return undefined;
  } catch {
    return `no Redis at ${redisUrl}: start it (redis-server --daemonize yes) or set BISTRO_TEST_REDIS_URL`;
  } finally {
    client.disconnect();
  }
}

/** A TCP proxy to Redis that can be cut: open connections reset, new ones refused. */
async function startCut(): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const skip = await redisSkipReason();
const limit = 4;
let proxy: Awaited<ReturnType<typeof startCut>>;
let node: TestNode;

before(async () => {
  if (skip) return;
  proxy = await startCut();
  node = await startTestNode({ BISTRO_BUS: proxy.url, BISTRO_RATE_LIMIT: String(limit) });
});
after(async () => {
  if (skip) return;
  await node.close();
  await proxy.close();
});

test('with Redis gone the node serves on, counting each principal in memory', { skip }, async () => {
  const guest = await node.guest(8, 'Gil');
  const before = await node.request('/menu', { token: guest.token });
  assert.equal(before.status, 200, 'served while Redis answers');
  proxy.cut();
  // The limiter asks Redis only while its client is ready; once the cut is noticed every count is in memory.
  const during = await waitFor(async () => {
    const answer = await node.request('/menu', { token: guest.token });
    return answer.status === 200 || answer.status === 429 ? answer : undefined;
  });
  assert.ok(during.headers.get('ratelimit'), 'still answered, with a RateLimit field, while Redis is away');
  const statuses: number[] = [];
  for (let call = 0; call < limit + 1; call++) statuses.push((await node.request('/menu', { token: guest.token })).status);
  assert.ok(statuses.every((status) => status === 200 || status === 429), `only served or refused, never failed (${statuses.join(',')})`);
  assert.ok(statuses.includes(429), `the memory count still refuses past the budget (${statuses.join(',')})`);
  assert.equal((await node.request('/healthz')).status, 200, 'the node is up');
});
