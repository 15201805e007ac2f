/**
 * Three node processes (`bistro serve`) on one PostgreSQL database, rung by Redis, no sticky sessions: a change on one
 * node reaches the long polls, streams, sockets and subscriptions held by the others, and the bell
 * rings each webhook event once while every node runs a worker. The catch-up timer is set to a
 * minute here, so only the bell can explain a prompt wake; one test turns the bus off and sees the
 * timer alone catch up.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBellReceiver, type BellReceiver } from '../helpers/bell-receiver.ts';
import { clusterSkipReason, redisUrl, startCluster, type Cluster, type ClusterNode } from '../helpers/cluster.ts';
import { fishAndChipsNoSaltTwoFish, waitFor, type NodeClient } from '../helpers/node.ts';
import { graphqlEvents, longPollEvents, openRpcSocket, sseEvents } from '../helpers/push-clients.ts';

const skip = await clusterSkipReason();
let cluster: Cluster;
let bell: BellReceiver;
let nodes: NodeClient[] = [];

before(async () => {
  if (skip) return;
  bell = await startBellReceiver();
  cluster = await startCluster(3, { BISTRO_BUS: redisUrl, BISTRO_BUS_CATCH_UP_MS: '60000', BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' });
  nodes = cluster.nodes;
});
after(async () => {
  if (skip) return;
  await cluster.close();
  await bell.close();
});

const node = (index: number) => nodes[index] as NodeClient;

async function cursorOf(target: NodeClient): Promise<string> {
  let cursor = '0';
  for (;;) {
    const page = await target.request(`/events?after=${cursor}&limit=500`, { token: target.adminToken });
    if (page.body.items.length === 0) return cursor;
    cursor = page.body.nextCursor;
  }
}

test('a long poll parked on node 1 is woken by a status change on node 2', { skip }, async () => {
  const guest = await node(0).guest();
  const placed = await node(0).request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
  const etag = String(placed.headers.get('etag'));
  const kitchen = await node(1).staffKey('kitchen');
  const started = performance.now();
  const parked = node(0).request(`/orders/${placed.body.id}?wait=30`, { token: guest.token, headers: { 'if-none-match': etag } });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const moved = await node(1).request(`/orders/${placed.body.id}/status`, { method: 'PUT', token: kitchen, json: { status: 'accepted' } });
  assert.equal(moved.status, 200, moved.text);
  const woken = await parked;
  const took = performance.now() - started;
  assert.equal(woken.status, 200, 'the parked poll answers with the changed order');
  assert.equal(woken.body.status, 'accepted', 'as node 2 left it');
  assert.ok(took < 10_000, `woken by the bell, not the minute-long catch-up (${Math.round(took)} ms)`);
});

test('an event committed on node 1 reaches a WebSocket on node 3, an SSE stream on node 1, a GraphQL subscription and a long poll on node 2', { skip }, async () => {
  const cursor = await cursorOf(node(0));
  const admin = node(0).adminToken;
  const socket = await openRpcSocket(node(2), admin);
  await socket.call('events.subscribe', { after: cursor, types: ['menu.item.updated'] });
  const onlyUpdates = (events: { type: string }[]) => events.filter((event) => event.type === 'menu.item.updated').length >= 1;
  const streams = Promise.all([
    sseEvents(node(0), admin, cursor, onlyUpdates),
    graphqlEvents(node(1), admin, 'subscription ($after: String) { events(after: $after, types: ["menu.item.updated"]) { sequence type subject data } }', { after: cursor }, (events) => events.length >= 1),
    longPollEvents(node(1), admin, cursor, onlyUpdates, { wait: 20 }),
  ]);
  const menu = await node(0).request('/menu/lemonade', { token: admin });
  const { version: _version, updatedAt: _updatedAt, ...item } = menu.body;
  const updated = await node(0).request('/menu/lemonade', { method: 'PUT', token: admin, json: { ...item, priceCents: item.priceCents + 5 }, headers: { 'if-match': String(menu.headers.get('etag')) } });
  assert.equal(updated.status, 200, updated.text);
  const [sse, graphql, polled] = await streams;
  const pushed = await socket.until('event', (params) => params.length >= 1);
  socket.close();
  const sequences = [sse, graphql, polled].map((events) => events.find((event) => event.type === 'menu.item.updated')?.sequence);
  sequences.push((pushed[0] as { sequence: string }).sequence);
  assert.equal(new Set(sequences).size, 1, `every pattern on every node got the same event: ${sequences.join(', ')}`);
});

test('one webhook endpoint gets each event once while all three nodes run workers', { skip }, async () => {
  const guest = await node(0).guest();
  const endpoint = await node(1).request('/webhooks', { token: guest.token, json: { url: `${bell.url}/cluster`, types: ['order.placed'] } });
  assert.equal(endpoint.status, 201, endpoint.text);
  const orders = await Promise.all(Array.from({ length: 30 }, (_, index) => node(index % 3).request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } })));
  assert.ok(orders.every(({ status }) => status === 201), 'every order placed');
  await waitFor(() => bell.rings.filter((ring) => ring.path === '/cluster').length >= 30, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const ids = bell.verified(endpoint.body.secret, '/cluster').map(({ event }) => event.data.id as string);
  assert.equal(ids.length, 30, `30 deliveries, no repeats (${ids.length})`);
  assert.deepEqual(new Set(ids), new Set(orders.map(({ body }) => body.id as string)), 'each order once');
});

test('the same idempotency key sent to two nodes at once makes one order', { skip }, async () => {
  const guest = await node(0).guest();
  const send = (target: NodeClient) => target.request('/orders', { token: guest.token, headers: { 'idempotency-key': 'cluster-key' }, json: { items: [fishAndChipsNoSaltTwoFish] } });
  const answers = await Promise.all([send(node(0)), send(node(1)), send(node(2))]);
  const placed = answers.filter(({ status }) => status === 201);
  assert.ok(placed.length >= 1, `one request placed it: ${answers.map(({ status }) => status).join(', ')}`);
  assert.ok(answers.every(({ status }) => status === 201 || status === 409), 'the others replay it or are told it is in progress');
  assert.equal(new Set(placed.map(({ body }) => body.id)).size, 1, 'every 201 names the same order');
  const listed = await node(2).request('/orders', { token: guest.token });
  assert.equal(listed.body.items.length, 1, 'exactly one order exists');
});

test('without a bus, the catch-up timer alone brings a change on one node to a poll on another', { skip }, async (t) => {
  const quiet = await startCluster(2, { BISTRO_BUS: 'memory', BISTRO_BUS_CATCH_UP_MS: '200' });
  t.after(() => quiet.close());
  const [first, second] = quiet.nodes as [ClusterNode, ClusterNode];
  const cursor = await cursorOf(second);
  const polled = longPollEvents(second, second.adminToken, cursor, (events) => events.some((event) => event.type === 'menu.item.updated'), { wait: 20 });
  const menu = await first.request('/menu/lemonade', { token: first.adminToken });
  const { version: _version, updatedAt: _updatedAt, ...item } = menu.body;
  await first.request('/menu/lemonade', { method: 'PUT', token: first.adminToken, json: { ...item, priceCents: 999 }, headers: { 'if-match': String(menu.headers.get('etag')) } });
  const events = await polled;
  assert.equal(events.find((event) => event.type === 'menu.item.updated')?.data && (events.find((event) => event.type === 'menu.item.updated')?.data as { priceCents: number }).priceCents, 999, 'the poll on the other node saw the change');
});

test('a key revoked on node 2 closes its WebSocket on node 1 and stops working on node 3', { skip }, async () => {
  const created = await node(1).request('/keys', { token: node(1).adminToken, json: { role: 'waiter', name: 'Leaving soon' } });
  const socket = await openRpcSocket(node(0), created.body.token);
  await socket.call('events.subscribe', { after: await cursorOf(node(0)) });
  assert.equal((await node(2).request('/orders', { token: created.body.token })).status, 200, 'the key works everywhere at first');
  assert.equal((await node(1).request(`/keys/${created.body.id}`, { method: 'DELETE', token: node(1).adminToken })).status, 204, 'revoked on node 2');
  const closed = await socket.closed;
  assert.equal(closed.code, 4401, 'the socket on node 1 is closed as revoked');
  assert.equal((await node(2).request('/orders', { token: created.body.token })).status, 401, 'and node 3 refuses the key');
});

test('the auto kitchen on three nodes moves each order once per step', { skip }, async (t) => {
  const busy = await startCluster(3, { BISTRO_BUS: redisUrl, BISTRO_KITCHEN: 'auto', BISTRO_KITCHEN_PACE_MS: '100' });
  t.after(() => busy.close());
  const [first, second] = busy.nodes as [ClusterNode, ClusterNode];
  const guest = await first.guest();
  const placed = await Promise.all(Array.from({ length: 6 }, () => first.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } })));
  const ids = placed.map(({ body }) => body.id as string);
  await waitFor(async () => {
    const listed = await second.request('/orders?limit=100', { token: guest.token });
    return listed.body.items.every((order: { status: string }) => order.status === 'served') && listed.body.items.length === 6;
  }, 15_000);
  const events = await longPollEvents(second, second.adminToken, '0', (seen) => seen.filter((event) => event.type === 'order.served').length >= 6, { wait: 1, limit: 500 });
  for (const id of ids) {
    const steps = events.filter((event) => event.subject === `orders/${id}`).map((event) => event.type);
    assert.deepEqual(steps, ['order.placed', 'order.accepted', 'order.preparing', 'order.ready', 'order.served'], `order ${id} moved once per step`);
  }
});
