/**
 * `after=now`: one cheap request says where the log ends, so a client can follow "from now"
 * without reading the log to its end. The same through REST, JSON-RPC and GraphQL; a long poll
 * asking for it answers at once, since there is nothing to wait for; SSE, `/ws` and GraphQL
 * subscriptions take it too, as "no backlog".
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { graphqlEvents, openRpcSocket, sseEvents } from '../helpers/push-clients.ts';
import { placeOrder } from '../rest/steps.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(async () => {
  await node?.close();
});

async function lastSequence(): Promise<string> {
  const all = await node.request('/events?after=0&limit=500', { token: node.adminToken });
  return all.body.nextCursor as string;
}

test('after=now answers an empty page whose cursor is the log’s end, through REST, JSON-RPC and GraphQL', { timeout: 20_000 }, async () => {
  const guest = await node.guest();
  await placeOrder(node, guest.token);
  const end = await lastSequence();
  assert.notEqual(end, '0', 'the log has events');
  const rest = await node.request('/events?after=now&types=order.ready', { token: guest.token });
  assert.deepEqual([rest.status, rest.body], [200, { items: [], nextCursor: end }], 'REST');
  const rpc = await node.request('/rpc', { token: guest.token, json: { jsonrpc: '2.0', id: 1, method: 'events.list', params: { after: 'now' } } });
  assert.deepEqual(rpc.body.result, { items: [], nextCursor: end }, 'JSON-RPC');
  const graphql = await node.request('/graphql', { token: guest.token, json: { query: '{ events(after: "now") { items { id } nextCursor } }' } });
  assert.deepEqual(graphql.body.data.events, { items: [], nextCursor: end }, 'GraphQL');
  const next = await node.request(`/events?after=${end}`, { token: guest.token });
  assert.deepEqual(next.body.items, [], 'nothing lies after the end it named');
  await placeOrder(node, guest.token);
  const then = await node.request(`/events?after=${end}`, { token: guest.token });
  assert.deepEqual(then.body.items.map((event: { type: string }) => event.type), ['order.placed'], 'what comes next is after it');
});

test('a long poll for after=now answers at once instead of holding', { timeout: 20_000 }, async () => {
  const end = await lastSequence();
  // Held, this request would take the 60 s it asks for, past the test's timeout.
  const held = await node.request('/events?after=now', { token: node.adminToken, headers: { prefer: 'wait=60' } });
  assert.deepEqual([held.status, held.body.nextCursor], [200, end], 'the end, at once');
});

test('a cursor that is neither a number nor "now" is still refused with a pointer', { timeout: 10_000 }, async () => {
  const refused = await node.request('/events?after=later');
  assert.equal(refused.status, 400, 'a 400');
  assert.deepEqual(refused.body.errors.map((error: { pointer: string }) => error.pointer), ['/after'], 'at /after');
});

test('SSE, /ws and GraphQL subscriptions take after=now as from now: the next event, no backlog', { timeout: 30_000 }, async () => {
  const guest = await node.guest();
  await placeOrder(node, guest.token);
  const end = await lastSequence();
  const socket = await openRpcSocket(node, guest.token);
  try {
    const subscribed = (await socket.call('events.subscribe', { after: 'now' })) as { cursor: string };
    assert.equal(subscribed.cursor, end, '/ws starts at the end');
    const overSse = sseEvents(node, guest.token, '', (events) => events.length >= 1, 15_000, 'after=now');
    const overGraphql = graphqlEvents(node, guest.token, 'subscription { events(after: "now") { sequence type } }', {}, (events) => events.length >= 1, 15_000);
    // When each stream is open is its own business: orders go on being placed until all three heard one.
    let settled = false;
    const all = Promise.all([overSse, overGraphql]).finally(() => (settled = true));
    for (let round = 0; !settled && round < 50; round++) {
      await placeOrder(node, guest.token);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const [sse, graphql] = await all;
    const heard = await socket.until('event', (events) => events.length >= 1);
    for (const [name, first] of [['/ws', heard[0]], ['SSE', sse[0]], ['GraphQL', graphql[0]]] as const) {
      const event = first as { sequence: string; type: string };
      assert.ok(Number(event.sequence) > Number(end), `${name}: the first event is after the end (${event.sequence} > ${end}), not backlog`);
      assert.equal(event.type, 'order.placed', `${name}: the order placed after subscribing`);
    }
  } finally {
    socket.close();
  }
});
