/** SSE and a client that stops reading: it is dropped once maxBufferedBytes wait unsent, other streams carry on, and it resumes without a gap. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { currentCursor, readAllEvents } from '../rest/steps.ts';
import { connect, readUntil } from './sse-client.ts';

let node: TestNode;
before(async () => {
  // A short heartbeat: a client that has not read what its stream holds within one interval is dropped.
  node = await startTestNode({ BISTRO_MAX_BUFFERED_BYTES: '65536', BISTRO_SSE_HEARTBEAT_MS: '200' });
});
after(() => node.close());

/** An order as large as the schema allows (~17 kB as an event), so a few hundred fill any socket buffer. */
const bigOrder = { items: Array.from({ length: 50 }, (_, i) => ({ menuItemId: 'lemonade', note: `${i}`.padEnd(200, '.') })) };

/** Opens the stream over a raw socket that never reads; returns it and the server's end of it. */
async function neverReading(token: string, cursor: string): Promise<{ client: Socket; server: Socket }> {
  const url = new URL(node.url);
  const accepted = once(node.app.server, 'connection') as Promise<[Socket]>;
  const client = connectTcp(Number(url.port), url.hostname);
  const [server] = await accepted;
  client.write(`GET /events/stream?after=${cursor} HTTP/1.1\r\nhost: ${url.host}\r\nauthorization: Bearer ${token}\r\n\r\n`);
  client.pause();
  return { client, server };
}

test('a client that stops reading is dropped, the others get everything, and it resumes from its last whole event', async () => {
  const waiter = await node.staffKey('waiter');
  const guest = await node.guest();
  const cursor = await currentCursor(node);
  const slow = await neverReading(waiter, cursor);
  const fast = connect(`${node.url}/events/stream?after=${cursor}`, { authorization: `Bearer ${waiter}` });
  try {
    let placed = 0;
    // The kernel buffers some hundreds of kB first; past them the server holds at most maxBufferedBytes more.
    while (!slow.server.destroyed) {
      assert.ok(placed < 1200, `the never-reading client is dropped before ${placed} orders (~${placed * 17} kB) pile up`);
      const batch = Array.from({ length: 20 }, () => node.request('/orders', { token: guest.token, json: bigOrder }));
      for (const response of await Promise.all(batch)) assert.equal(response.status, 201, response.text);
      placed += 20;
    }
    await fast.next(placed, 30_000);
    const logged = await readAllEvents(node, waiter, { after: cursor });
    assert.deepEqual(fast.received.map(({ id }) => id), logged.map((event) => event.sequence), 'the reading client got every event, in order');

    // What the kernel had already taken still arrives, then the end of the stream.
    let text = '';
    slow.client.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    slow.client.resume();
    await waitFor(() => slow.client.readableEnded || slow.client.destroyed, 10_000);
    const whole = [...text.matchAll(/^id: (\d+)\ndata: .*\n\n/gm)].map((match) => match[1]);
    assert.ok(whole.length < logged.length, `dropped before the end (${whole.length} of ${logged.length} events)`);
    assert.deepEqual(whole, logged.slice(0, whole.length).map((event) => event.sequence), 'what arrived is a prefix of the log, without a gap');

    const lastId = whole.at(-1) ?? cursor;
    const resumed = await fetch(`${node.url}/events/stream`, { headers: { authorization: `Bearer ${waiter}`, 'last-event-id': lastId } });
    const expected = logged.at(-1)?.sequence ?? '';
    const { text: rest, reader } = await readUntil(resumed, (read) => read.includes(`id: ${expected}\n`), 30_000);
    await reader.cancel();
    const again = [...rest.matchAll(/^id: (\d+)$/gm)].map((match) => match[1]);
    assert.deepEqual(again, logged.slice(whole.length).map((event) => event.sequence), 'resuming with Last-Event-ID gets the rest, nothing twice');
  } finally {
    slow.client.destroy();
    fast.source.close();
  }
});

test('a client that keeps reading gets a backlog far above the bound on one connection', async () => {
  const waiter = await node.staffKey('waiter');
  const guest = await node.guest();
  const cursor = await currentCursor(node);
  for (let i = 0; i < 5; i++) {
    const batch = Array.from({ length: 20 }, () => node.request('/orders', { token: guest.token, json: bigOrder }));
    for (const response of await Promise.all(batch)) assert.equal(response.status, 201, response.text);
  }
  // About 1.7 MB of events waiting, against a bound of 64 kB.
  const reader = connect(`${node.url}/events/stream?after=${cursor}`, { authorization: `Bearer ${waiter}` });
  try {
    const received = await reader.next(100, 30_000);
    const logged = await readAllEvents(node, waiter, { after: cursor });
    assert.deepEqual(received.map(({ id }) => id), logged.map((event) => event.sequence), 'the whole backlog, in order');
    assert.equal(reader.connections.length, 1, 'never cut off, so never reconnected');
  } finally {
    reader.source.close();
  }
});
