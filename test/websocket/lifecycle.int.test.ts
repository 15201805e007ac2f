/** The life of a /ws socket beyond calls: heartbeats, a slow consumer cut off with its last sequence, and shutdown. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { currentCursor, placeOrder, readAllEvents } from '../rest/steps.ts';
import { RpcSocket } from './ws-client.ts';

/** The client's TCP socket: pausing it stops reading, so the server's unsent bytes pile up as with a stalled consumer. */
const tcpOf = (socket: RpcSocket) => (socket.ws as unknown as { _socket: Socket })._socket;

/** An order as large as the limits allow (about 15 kB as an event), so a few hundred fill the kernel's buffers. */
const bigOrder = Array.from({ length: 50 }, (_, index) => ({ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { fish: 1 + (index % 6) }, note: `${index} `.padEnd(200, 'n') }));

/** Places `count` big orders, ten at a time, each ten only once `reader` has read the ones before: a writer a reading client can keep up with. */
async function placeMany(node: TestNode, count: number, reader: RpcSocket): Promise<void> {
  const guest = await node.guest();
  const principal = await node.core.authenticateToken(guest.token);
  for (let done = 0; done < count; done += 10) {
    // Straight to the core, a few at once: group commit makes hundreds of orders quick.
    await Promise.all(Array.from({ length: Math.min(10, count - done) }, () => node.core.invoke('orders.place', { items: bigOrder }, principal)));
    const head = node.core.feed.head();
    await reader.waitFor(() => Number(reader.events().at(-1)?.sequence) >= head, { timeoutMs: 30_000 });
  }
}

test('a peer that stops answering pings is closed; one that answers stays', async () => {
  const node = await startTestNode({ BISTRO_WS_HEARTBEAT_MS: '50' });
  try {
    const silent = await RpcSocket.open(node, { ws: { autoPong: false } });
    const lively = await RpcSocket.open(node);
    let pings = 0;
    const fourPings = new Promise<void>((resolve) => lively.ws.on('ping', () => ++pings >= 4 && resolve()));
    const closed = await silent.closed;
    assert.equal(closed.code, 1006, 'terminated without a close frame, as a vanished peer would be');
    await fourPings;
    assert.equal(lively.ws.readyState, lively.ws.OPEN, 'the answering peer is still connected');
    await lively.close();
  } finally {
    await node.close();
  }
});

test('a consumer that stops reading is cut with 4008 and its last sequence; it resumes from there; others are unaffected', async () => {
  const node = await startTestNode({ BISTRO_MAX_BUFFERED_BYTES: '262144', BISTRO_SQLITE_SYNCHRONOUS: 'normal' });
  try {
    const start = await currentCursor(node);
    const waiter = await node.staffKey('waiter');
    const fast = await RpcSocket.open(node, { token: waiter });
    const slow = await RpcSocket.open(node, { token: waiter });
    await fast.call('events.subscribe', {});
    await slow.call('events.subscribe', {});
    tcpOf(slow).pause();
    // About 9 MB of live events: more than the kernel's socket buffers hold for a reader that stopped.
    // The test's client shares the process with the writer, so the writer waits for the reading
    // client: that one never falls a burst behind, the paused one falls ever further.
    await placeMany(node, 600, fast);
    const all = (await readAllEvents(node, waiter, { after: start })).map((event) => event.sequence);
    await fast.waitFor(() => fast.events().at(-1)?.sequence === all.at(-1), { timeoutMs: 30_000 });
    assert.deepEqual(fast.events().map((event) => event.sequence), all, 'the reading client got everything');

    tcpOf(slow).resume();
    const closed = await slow.closed;
    assert.equal(closed.code, 4008, 'cut as a slow consumer');
    const { lastSequence } = JSON.parse(closed.reason);
    const got = slow.events().map((event) => event.sequence);
    assert.ok(got.length < all.length, `cut before the end (${got.length} of ${all.length} events)`);
    assert.equal(lastSequence, got.at(-1) ?? start, 'the reason names the last event the client was sent');

    // The rest (megabytes of backlog) goes out as fast as this client reads: no cut while catching up.
    const resumed = await RpcSocket.open(node, { token: waiter });
    await resumed.call('events.subscribe', { after: lastSequence });
    await resumed.waitFor(() => resumed.events().at(-1)?.sequence === all.at(-1), { timeoutMs: 30_000 });
    assert.deepEqual([...got, ...resumed.events().map((event) => event.sequence)], all, 'with the resumed socket: no gap, no repeat');
    await Promise.all([fast.close(), resumed.close()]);
  } finally {
    await node.close();
  }
});

test('shutting down closes every socket with 1001 and its last sequence, and does not wait on a peer that never answers', async () => {
  const node = await startTestNode();
  const waiter = await node.staffKey('waiter');
  const follower = await RpcSocket.open(node, { token: waiter });
  await follower.call('events.subscribe', {});
  const idle = await RpcSocket.open(node);
  const stalled = await RpcSocket.open(node, { token: waiter });
  await placeOrder(node, (await node.guest()).token);
  await follower.waitFor((frame) => frame.method === 'event');
  const head = await currentCursor(node);
  tcpOf(stalled).pause();

  const began = Date.now();
  await node.close();
  const took = Date.now() - began;
  assert.ok(took < 5000, `close() finished in ${took} ms despite a peer that does not answer`);

  const followed = await follower.closed;
  assert.equal(followed.code, 1001, 'going away');
  assert.deepEqual(JSON.parse(followed.reason), { lastSequence: follower.events().at(-1).sequence }, 'where to resume');
  assert.equal(follower.events().at(-1).sequence, head, 'the follower was up to date');
  const idleClosed = await idle.closed;
  assert.equal(idleClosed.code, 1001, 'a socket without subscriptions is closed too');
  assert.match(JSON.parse(idleClosed.reason).lastSequence, /^\d+$/, 'with a cursor to start from');
  tcpOf(stalled).resume();
  await stalled.closed;
});
