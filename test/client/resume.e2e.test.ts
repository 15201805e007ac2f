/**
 * Resume, per push pattern: a client follows a `bistro serve` child process, the process is
 * killed (SIGKILL) while it follows, started again on the same SQLite file and port, writes go
 * on, and the iterator has yielded exactly the log (GET /events?after=0): no gap, no repeat.
 * watchOrder and a chat come through a restart the same way.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChat } from '../../client/chat.ts';
import { follow } from '../../client/follow/index.ts';
import type { Message, Order } from '../../client/generated/catalogue.ts';
import { watchOrder } from '../../client/watch-order.ts';
import type { CloudEvent } from '../../client/types.ts';
import { freePort } from '../helpers/free-port.ts';
import { clientOf, waitFor, type NodeClient } from '../helpers/node.ts';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';
import { createClient } from '../../client/node.ts';
import { logEnd, moveOrder, placeOrder, pushPatterns, readLog, readUntil, sequencesOf } from './follow-steps.ts';

const connectionTo = (url: string, token?: string) => createClient({ url, token }).connection;

const adminToken = 'resume-test-admin-token';
const dir = mkdtempSync(join(tmpdir(), 'bistro-resume-'));
let env: Record<string, string>;
let server: ServeProcess;
let node: NodeClient;
let guestToken: string;
let waiterToken: string;

before(async () => {
  // One port for every start, so the client reconnects to the URL it was given.
  env = { BISTRO_DB: `sqlite:${join(dir, 'bistro.db')}`, BISTRO_ADMIN_TOKEN: adminToken, BISTRO_KITCHEN: 'manual', PORT: String(await freePort()) };
  server = await startServeProcess(env);
  node = clientOf(server.url, adminToken);
  guestToken = (await node.guest(6, 'Ada')).token;
  waiterToken = await node.staffKey('waiter');
});
after(async () => {
  await server.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A few orders, each placed and accepted: events for every follower to read. */
async function write(orders: number): Promise<void> {
  for (let n = 0; n < orders; n++) {
    const orderId = await placeOrder(node, guestToken);
    await moveOrder(node, waiterToken, orderId, 'accepted');
  }
}

for (const via of pushPatterns) {
  test(`${via}: killed and restarted while a client follows, the iterator yields exactly the log`, { timeout: 60_000 }, async () => {
    const controller = new AbortController();
    const reconnects: unknown[] = [];
    const events = follow(connectionTo(server.url, adminToken), {
      via,
      after: '0',
      signal: controller.signal,
      intervalMs: 50,
      waitSeconds: 5,
      retry: { initialDelayMs: 50, maxDelayMs: 500 },
      onReconnect: (info) => reconnects.push(info.error),
    });
    const seen: CloudEvent[] = [];
    const consuming = (async () => {
      for await (const event of events) seen.push(event);
    })();
    const caughtUp = async (what: string) => {
      const end = await logEnd(node, adminToken);
      await waitFor(() => seen.at(-1)?.sequence === end, 15_000).catch(() => assert.fail(`${via}: ${what}: the follower stopped at ${seen.at(-1)?.sequence ?? 'nothing'}, the log at ${end}`));
    };

    try {
      await write(3);
      await caughtUp('before the kill');
      // Killed straight after more writes: the follower is most likely behind, mid-stream.
      await write(3);
      await server.stop('SIGKILL');
      server = await startServeProcess(env);
      await write(3);
      await caughtUp('after the restart');
    } finally {
      controller.abort();
    }
    await consuming;

    assert.ok(reconnects.length >= 1, `${via}: the follower noticed the kill and reconnected (${reconnects.length} times)`);
    const log = await readLog(node, adminToken, '0');
    assert.deepEqual(sequencesOf(seen), sequencesOf(log), `${via}: every event of the log once, in order: no gap, no repeat`);
  });
}

test('watchOrder (sse, graphql-ws) and a chat come through a kill and restart: each state and message once, in order', { timeout: 60_000 }, async () => {
  const guest = await node.guest(7, 'Bo');
  const orderId = await placeOrder(node, guest.token);
  const retry = { initialDelayMs: 50, maxDelayMs: 500 };
  const watchers = (['sse', 'graphql-ws'] as const).map((via) => ({ via, seen: [] as Order[], orders: watchOrder(connectionTo(server.url, guest.token), orderId, { via, retry }) }));
  const chat = await openChat(connectionTo(server.url, guest.token), orderId, { retry });
  const waiterChat = await openChat(connectionTo(server.url, waiterToken), orderId, { retry });
  const heard = chat.messages[Symbol.asyncIterator]();
  try {
    for (const watcher of watchers) watcher.seen.push(...(await readUntil(watcher.orders, (list) => list.at(-1)?.status === 'placed', 10_000, `watchOrder ${watcher.via}`)));
    await waiterChat.send('Salt?');
    const before = await readUntil(heard, (list) => list.length >= 1, 10_000, 'chat before the kill');

    await server.stop('SIGKILL');
    server = await startServeProcess(env);
    await moveOrder(node, waiterToken, orderId, 'accepted');
    // The waiter's chat may still be reconnecting: its send waits for the new socket.
    await waiterChat.send('No salt then.');
    const after = await readUntil(heard, (list) => list.length >= 1, 15_000, 'chat after the restart');
    assert.deepEqual([...before, ...after].map((message: Message) => message.text), ['Salt?', 'No salt then.'], 'the chat hears each message once, across the restart');
    for (const watcher of watchers) {
      watcher.seen.push(...(await readUntil(watcher.orders, (list) => list.at(-1)?.status === 'accepted', 15_000, `watchOrder ${watcher.via} after the restart`)));
      assert.deepEqual(watcher.seen.map((order) => order.status), ['placed', 'accepted'], `watchOrder ${watcher.via}: each state once, across the restart`);
    }
  } finally {
    for (const watcher of watchers) await watcher.orders.return?.();
    chat.close();
    waiterChat.close();
  }
});
