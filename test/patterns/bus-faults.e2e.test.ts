/**
 * The doorbell may fail: Redis stops during traffic and starts again. The nodes keep serving, and
 * every event still reaches a subscriber on another node, in order, without repeats: the catch-up
 * timer covers the silence and a bell after the return adds nothing twice. This Redis is the
 * test's own (a redis-server on a free port), so stopping it disturbs no other test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { clusterSkipReason, startCluster, type ClusterNode } from '../helpers/cluster.ts';
import { waitFor } from '../helpers/node.ts';
import { sseEvents } from '../helpers/push-clients.ts';
import { freePort } from '../helpers/free-port.ts';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const skip = (await clusterSkipReason()) ?? (hasRedisServer || process.env['CI'] === 'true' ? undefined : 'no redis-server on PATH: apt-get install -y redis-server');


async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(async () => {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }, 10_000);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

test('Redis stops during traffic and comes back: every event reaches a subscriber on another node, in order, once', { skip }, async (t) => {
  const port = await freePort();
  let redis = await startRedis(port);
  const cluster = await startCluster(2, { BISTRO_BUS: `redis://127.0.0.1:${port}`, BISTRO_BUS_CATCH_UP_MS: '500', BISTRO_LOG_LEVEL: 'silent' });
  t.after(async () => {
    await cluster.close();
    await stop(redis);
  });
  const [watcher, writer] = cluster.nodes as [ClusterNode, ClusterNode];
  const admin = writer.adminToken;
  const start = (await watcher.request('/events?after=0&limit=500', { token: admin })).body.nextCursor as string;
  const updates = 30;
  const received = sseEvents(watcher, admin, start, (events) => events.filter((event) => event.type === 'menu.item.updated').length >= updates, 30_000);

  const statuses: number[] = [];
  for (let index = 0; index < updates; index++) {
    if (index === 10) await stop(redis);
    if (index === 20) redis = await startRedis(port);
    const menu = await writer.request('/menu/lemonade', { token: admin });
    const { version: _version, updatedAt: _updatedAt, ...item } = menu.body;
    const updated = await writer.request('/menu/lemonade', { method: 'PUT', token: admin, json: { ...item, priceCents: 300 + index }, headers: { 'if-match': String(menu.headers.get('etag')) } });
    statuses.push(updated.status);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(statuses.every((status) => status === 200), `the writing node kept serving while Redis was away: ${statuses.join(',')}`);
  const events = (await received).filter((event) => event.type === 'menu.item.updated');
  assert.deepEqual(
    events.map((event) => (event.data as { priceCents: number }).priceCents),
    Array.from({ length: updates }, (_, index) => 300 + index),
    'every update arrived, in order, none twice',
  );
  const sequences = events.map((event) => Number(event.sequence));
  assert.ok(sequences.every((sequence, index) => index === 0 || sequence > (sequences[index - 1] ?? 0)), 'sequences strictly increase');
});
