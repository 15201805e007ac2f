/**
 * The connection around GraphQL subscriptions: who may open one (Origin, token, count per
 * principal), a replay longer than a page, a pruned cursor (resync_required), a revoked key, and
 * shutdown (1001, and `close()` does not hang).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { placeOrder, readAllEvents } from '../rest/steps.ts';
import { closed, connect, eventFields, refusalCodes, resultsOf, watch } from './subscriptions-steps.ts';

const eventsQuery = `subscription($after: String) { events(after: $after) { ${eventFields} } }`;

/** The HTTP status a raw WebSocket upgrade of /graphql is answered with (101 when it is let in). */
function upgradeStatus(node: TestNode, { query = '', headers = {} }: { query?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${node.url.replace(/^http/, 'ws')}/graphql${query}`, 'graphql-transport-ws', { headers });
    socket.once('unexpected-response', (_request, response) => resolve({ status: response.statusCode ?? 0 }));
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('error', reject);
  });
}

test('a replay longer than a page arrives whole and in order, then live events follow', async () => {
  const node = await startTestNode();
  try {
    const guest = await node.guest();
    const order = await placeOrder(node, guest.token);
    for (let index = 0; index < 120; index++) {
      const sent = await node.request(`/orders/${order.id}/messages`, { token: guest.token, json: { text: `message ${index}` } });
      assert.equal(sent.status, 201, sent.text);
    }
    const log = await readAllEvents(node, guest.token);
    assert.ok(log.length > 100, 'more than one page of backlog');
    const { client } = connect(node, guest.token);
    const all = watch(client, eventsQuery, { after: '0' });
    await resultsOf(all, log.length);
    await node.request(`/orders/${order.id}/messages`, { token: guest.token, json: { text: 'live' } });
    const seen = (await resultsOf(all, log.length + 1)).map((result) => result.data.events);
    assert.deepEqual(seen.slice(0, log.length).map((event) => event.sequence), log.map((event) => event.sequence), 'every backlog event once, in order');
    assert.equal(seen.at(-1).data.text, 'live', 'then the live one');
    all.dispose();
    await client.dispose();
  } finally {
    await node.close();
  }
});

test('a cursor older than the retained log is refused with resync_required and the head to continue from', async () => {
  const node = await startTestNode({ BISTRO_EVENT_RETENTION: '2' });
  try {
    const guest = await node.guest();
    await placeOrder(node, guest.token);
    await placeOrder(node, guest.token);
    await waitFor(async () => (await node.request('/events?after=0', { token: node.adminToken })).status === 410);
    const { client } = connect(node, node.adminToken);
    const old = watch(client, eventsQuery, { after: '0' });
    assert.deepEqual(await refusalCodes(old), ['resync_required'], 'refused with the catalogue code');
    const errors = Array.isArray(old.error) ? old.error : old.results[0]?.errors;
    assert.match(String(errors?.[0]?.extensions?.head), /^\d+$/, 'naming the head cursor to follow from after reading the snapshot');
    await client.dispose();
  } finally {
    await node.close();
  }
});

test('the upgrade refuses a foreign Origin, a bad token, and more connections than allowed per principal', async () => {
  const node = await startTestNode({ BISTRO_WS_MAX_CONNECTIONS_PER_PRINCIPAL: '1' });
  try {
    assert.equal((await upgradeStatus(node, { headers: { origin: 'https://evil.example' } })).status, 403, 'a page on another site may not connect');
    assert.equal((await upgradeStatus(node, { query: '?token=nope' })).status, 401, 'a bad token in the URL is refused before the upgrade');
    const guest = await node.guest();
    const first = await upgradeStatus(node, { query: `?token=${guest.token}` });
    assert.equal(first.status, 101, 'the first connection is let in');
    assert.equal((await upgradeStatus(node, { headers: { authorization: `Bearer ${guest.token}` } })).status, 429, 'the second of the same guest is refused');
    first.socket?.close();

    // The token in connectionParams names the principal only after the upgrade: the connection is closed then.
    // Once the first socket's close reached the server, its slot is free again.
    const held = await waitFor(async () => {
      const attempt = await upgradeStatus(node, { query: `?token=${guest.token}` });
      return attempt.status === 101 ? attempt : undefined;
    });
    const second = connect(node, guest.token, { lazy: false });
    assert.equal(await closed(second), 4429, 'too many connections, said in the close code');
    held.socket?.close();
    await second.client.dispose();
  } finally {
    await node.close();
  }
});

test("revoking a staff key closes that key's subscriptions with 4401, and only those", async () => {
  const node = await startTestNode();
  try {
    const created = await node.request('/keys', { token: node.adminToken, json: { role: 'waiter', name: 'leaving' } });
    assert.equal(created.status, 201, created.text);
    const other = await node.staffKey('kitchen');
    const leaving = connect(node, created.body.token as string);
    const staying = connect(node, other);
    const watched = [watch(leaving.client, eventsQuery, {}), watch(staying.client, eventsQuery, {})];
    for (const { client } of [leaving, staying]) await waitFor(async () => (await client.iterate({ query: '{ __typename }' }).next()).value);
    const revoked = await node.request(`/keys/${created.body.id as string}`, { method: 'DELETE', token: node.adminToken });
    assert.equal(revoked.status, 204, revoked.text);
    assert.equal(await closed(leaving), 4401, 'the revoked key is disconnected as unauthorized');
    const [, kept] = watched;
    const guest = await node.guest();
    await placeOrder(node, guest.token);
    await resultsOf(kept as ReturnType<typeof watch>, 1);
    assert.deepEqual(staying.closes, [], 'the other key stays connected and keeps hearing events');
    await staying.client.dispose();
  } finally {
    await node.close();
  }
});

test('shutdown closes every socket with 1001, subscribed or idle, and close() returns', async () => {
  const node = await startTestNode();
  const staff = await node.staffKey('waiter');
  const subscribed = connect(node, staff);
  watch(subscribed.client, eventsQuery, {});
  const idle = connect(node, undefined, { lazy: false });
  await waitFor(async () => (await subscribed.client.iterate({ query: '{ __typename }' }).next()).value);
  await waitFor(async () => (await idle.client.iterate({ query: '{ __typename }' }).next()).value);
  const started = Date.now();
  await node.close();
  assert.ok(Date.now() - started < 5000, 'close() does not wait for clients to leave on their own');
  assert.equal(await closed(subscribed), 1001, 'a subscribed client hears going away');
  assert.equal(await closed(idle), 1001, 'so does an idle one');
});

test('a peer that stops answering pings is dropped; one that answers stays', async () => {
  const node = await startTestNode({ BISTRO_WS_HEARTBEAT_MS: '50' });
  try {
    const url = `${node.url.replace(/^http/, 'ws')}/graphql`;
    const silent = new WebSocket(url, 'graphql-transport-ws', { autoPong: false });
    const answering = new WebSocket(url, 'graphql-transport-ws');
    let answeringClosed = false;
    answering.once('close', () => (answeringClosed = true));
    let pings = 0;
    answering.on('ping', () => pings++);
    const code = await new Promise<number>((resolve) => silent.once('close', resolve));
    assert.equal(code, 1006, 'the silent peer is terminated, without a closing handshake');
    await waitFor(() => pings >= 3);
    assert.equal(answeringClosed, false, 'the answering peer is still connected after several pings');
    answering.close();
  } finally {
    await node.close();
  }
});

test('a client that stops reading is cut off (4008 when it reads again, else dropped) while others keep receiving', async () => {
  // The smallest bound: 16 queued values per subscription.
  const node = await startTestNode({ BISTRO_MAX_BUFFERED_BYTES: '1024' });
  try {
    const guest = await node.guest();
    const order = await placeOrder(node, guest.token);
    const post = async (text: string) => assert.equal((await node.request(`/orders/${order.id}/messages`, { token: guest.token, json: { text } })).status, 201, 'message posted');

    // A raw client with many subscriptions, so each message is sent many times and buffers fill fast.
    const slow = new WebSocket(`${node.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const received = new Map<string, number>();
    slow.on('message', (data: Buffer) => {
      const type = (JSON.parse(data.toString()) as { type: string }).type;
      received.set(type, (received.get(type) ?? 0) + 1);
    });
    const closedWith = new Promise<number>((resolve) => slow.once('close', resolve));
    await new Promise((resolve) => slow.once('open', resolve));
    slow.send(JSON.stringify({ type: 'connection_init', payload: { authorization: guest.token } }));
    await waitFor(() => received.get('connection_ack'));
    const subscriptions = 100;
    for (let id = 0; id < subscriptions; id++) slow.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query: 'subscription { events { id data } }' } }));
    const { client } = connect(node, guest.token);
    const fast = watch(client, 'subscription { events { sequence } }');
    await waitFor(async () => (await client.iterate({ query: '{ __typename }' }).next()).value);
    // Every subscription is live once the first message reached each of them.
    await post('ready?');
    await waitFor(() => (received.get('next') ?? 0) >= subscriptions);
    await resultsOf(fast, 1);

    (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const long = 'x'.repeat(1990);
    for (let index = 0; index < 40; index++) await post(`${long}${index}`);
    const fastSeen = await resultsOf(fast, 41);
    assert.equal(fastSeen.length, 41, 'the reading client got every event meanwhile');

    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    const code = await closedWith;
    assert.ok(code === 4008 || code === 1006, `the slow client was cut off (close ${code})`);
    assert.ok((received.get('next') ?? 0) < subscriptions * 41, 'it did not get everything: the server stopped queueing for it');
    await client.dispose();
  } finally {
    await node.close();
  }
});
