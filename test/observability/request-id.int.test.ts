/**
 * Request ids: a client's `x-request-id` is echoed when it is short and plain, else one is made;
 * every answer carries it (errors, 404s, refused upgrades, the 101 of a WebSocket); and the events
 * a request causes remember it, so the webhook attempts they ring show it (never the CloudEvent).
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { startBellReceiver, type BellReceiver } from '../helpers/bell-receiver.ts';
import { fishAndChipsNoSaltTwoFish, startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { refusedUpgrade, RpcSocket } from '../websocket/ws-client.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let node: TestNode;
let bell: BellReceiver;

before(async () => {
  bell = await startBellReceiver();
  node = await startTestNode({ BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' });
});

after(async () => {
  await node.close();
  await bell.close();
});

test("a client's request id is echoed on every kind of answer", async () => {
  const guest = await node.guest();
  const answers = {
    'a read': await node.request('/menu', { headers: { 'x-request-id': 'read-1' } }),
    'a ready-made read': await node.request('/menu', { headers: { 'x-request-id': 'read-2' } }),
    'a 404 route': await node.request('/nowhere', { headers: { 'x-request-id': 'read-3' } }),
    'a 404 resource': await node.request('/orders/ord_missing', { token: guest.token, headers: { 'x-request-id': 'read-4' } }),
    'bad JSON': await node.request('/orders', { token: guest.token, body: '{', headers: { 'content-type': 'application/json', 'x-request-id': 'read-5' } }),
    'a 405': await node.request('/menu', { method: 'PATCH', headers: { 'x-request-id': 'read-6' } }),
    'a 401': await node.request('/orders', { token: 'bogus', headers: { 'x-request-id': 'read-7' } }),
    'JSON-RPC': await node.request('/rpc', { json: { jsonrpc: '2.0', id: 1, method: 'menu.list' }, headers: { 'x-request-id': 'read-8' } }),
    GraphQL: await node.request('/graphql', { json: { query: '{ menu { id } }' }, headers: { 'x-request-id': 'read-9' } }),
    'a long poll': await node.request(`/events?after=${node.core.feed.head()}&wait=0`, { headers: { 'x-request-id': 'read-10' } }),
  };
  const stream = await fetch(`${node.url}/events/stream?after=0`, { headers: { 'x-request-id': 'read-stream' } });
  assert.equal(stream.status, 200, 'an SSE stream opens');
  assert.equal(stream.headers.get('x-request-id'), 'read-stream', 'the SSE stream (a hijacked reply) echoes it too');
  await stream.body?.cancel();
  let index = 0;
  for (const [what, answer] of Object.entries(answers)) {
    index++;
    assert.equal(answer.headers.get('x-request-id'), `read-${index}`, `${what} (${answer.status}) echoes the request id`);
  }
});

test('a request without one, or with one too long or not plain, gets a fresh id', async () => {
  const plain = await node.request('/menu');
  const again = await node.request('/menu');
  assert.match(plain.headers.get('x-request-id') ?? '', uuid, 'made up as a UUID');
  assert.notEqual(plain.headers.get('x-request-id'), again.headers.get('x-request-id'), 'a new one each time');
  const longest = 'a'.repeat(128);
  assert.equal((await node.request('/menu', { headers: { 'x-request-id': longest } })).headers.get('x-request-id'), longest, '128 characters are kept');
  for (const refused of ['a'.repeat(129), 'two words', 'quote"d', '<script>', 'ünï', '']) {
    const answer = await node.request('/menu', { headers: { 'x-request-id': refused } });
    assert.match(answer.headers.get('x-request-id') ?? '', uuid, `${JSON.stringify(refused.slice(0, 20))} is replaced, not echoed`);
  }
  const typical = ['01HZY3T6Q7W8X9Y0Z1A2B3C4D5', '4bf92f3577b34da6a3ce929d0e0e4736', 'abc.def:ghi/jk+l=@-_'];
  for (const id of typical) assert.equal((await node.request('/menu', { headers: { 'x-request-id': id } })).headers.get('x-request-id'), id, `${id} is kept`);
});

test('WebSocket upgrades answer with the request id, accepted or refused', async () => {
  const refused = await refusedUpgrade(node, { query: '?token=bogus', headers: { 'x-request-id': 'upgrade-refused' } });
  assert.equal(refused.status, 401, 'a bad token is refused before the upgrade');
  assert.equal(refused.headers['x-request-id'], 'upgrade-refused', 'the refusal echoes the id');
  const ws = new WebSocket(`${node.url.replace(/^http/, 'ws')}/ws`, { headers: { 'x-request-id': 'upgrade-ok' } });
  const upgrade = await new Promise<IncomingMessage>((resolve, reject) => {
    ws.once('upgrade', resolve);
    ws.once('error', reject);
  });
  assert.equal(upgrade.headers['x-request-id'], 'upgrade-ok', 'the 101 names the id');
  ws.close();
  const graphql = new WebSocket(`${node.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const graphqlUpgrade = await new Promise<IncomingMessage>((resolve, reject) => {
    graphql.once('upgrade', resolve);
    graphql.once('error', reject);
  });
  assert.match(String(graphqlUpgrade.headers['x-request-id']), uuid, 'graphql-ws upgrades get one made up');
  graphql.close();
});

test('the request that caused an event is shown on the webhook attempts it rang, and nowhere public', async () => {
  const guest = await node.guest();
  const created = await node.request('/webhooks', { token: guest.token, json: { url: `${bell.url}/rid`, types: ['order.placed', 'order.cancelled'], description: 'request ids' } });
  assert.equal(created.status, 201, 'an endpoint');
  const endpointId = created.body.id as string;

  const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] }, headers: { 'x-request-id': 'place-order-42' } });
  assert.equal(placed.status, 201, 'an order placed over REST with a request id');
  // Cancelled over /ws: the call's id is the upgrade's id and the call's number.
  const socket = await RpcSocket.open(node, { token: guest.token, headers: { 'x-request-id': 'socket-7' } });
  const cancelled = await socket.call('orders.cancel', { id: placed.body.id });
  assert.ok(cancelled.result, 'cancelled over /ws');
  await socket.close();
  const ping = await node.request(`/webhooks/${endpointId}/test`, { method: 'POST', token: guest.token, headers: { 'x-request-id': 'ping-1' } });
  assert.equal(ping.status, 202, 'a test ping');
  assert.equal(ping.body.requestId, 'ping-1', 'the ping delivery names its request');

  await waitFor(() => bell.rings.filter(({ path }) => path === '/rid').length >= 3);
  const deliveries = await waitFor(async () => {
    const listed = await node.request(`/webhooks/${endpointId}/deliveries`, { token: guest.token });
    const items = listed.body.items as { type: string; requestId: string | null; attempts: { requestId: string | null }[] }[];
    return items.length === 3 && items.every(({ attempts }) => attempts.length === 1) && items;
  });
  const byType = new Map(deliveries.map((delivery) => [delivery.type, delivery]));
  assert.equal(byType.get('order.placed')?.requestId, 'place-order-42', 'the delivery of order.placed names the REST request');
  assert.equal(byType.get('order.placed')?.attempts[0]?.requestId, 'place-order-42', 'and so does its attempt');
  assert.equal(byType.get('order.cancelled')?.attempts[0]?.requestId, 'socket-7.1', 'the /ws call: the upgrade id and the call number');
  assert.equal(byType.get('webhook.test')?.attempts[0]?.requestId, 'ping-1', 'the test ping: its own request');

  for (const ring of bell.rings.filter(({ path }) => path === '/rid')) {
    assert.ok(!ring.body.includes('place-order-42') && !ring.body.includes('socket-7'), 'the CloudEvent does not carry the request id');
    assert.equal(ring.headers['x-request-id'], undefined, 'nor does the outbound request (Standard Webhooks headers only)');
  }
  const events = await node.request('/events?after=0', { token: guest.token });
  assert.ok(!events.text.includes('place-order-42'), 'nor the events as any pattern reads them');
});

test('an event caused by no request (the auto kitchen) has no request id on its deliveries', async () => {
  const kitchen = await node.staffKey('kitchen');
  const guest = await node.guest();
  const created = await node.request('/webhooks', { token: kitchen, json: { url: `${bell.url}/kitchen`, types: ['webhook.endpoint.disabled', 'order.accepted'], description: 'kitchen' } });
  assert.equal(created.status, 201, 'a staff endpoint');
  const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
  // Accepted through core.invoke with no request id, as the auto kitchen does.
  await node.core.invoke('orders.setStatus', { id: placed.body.id, status: 'accepted' }, { id: 'auto-kitchen', role: 'kitchen', name: 'auto kitchen' }, { via: 'kitchen' });
  const items = await waitFor(async () => {
    const listed = await node.request(`/webhooks/${created.body.id}/deliveries`, { token: kitchen });
    return listed.body.items.length === 1 && listed.body.items[0].attempts.length === 1 && listed.body.items;
  });
  assert.equal(items[0].requestId, null, 'no request, no id');
  assert.equal(items[0].attempts[0].requestId, null, 'on the attempt either');
});
