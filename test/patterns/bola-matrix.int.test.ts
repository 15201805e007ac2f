/**
 * The BOLA matrix: guest A tries to see guest B's order through every pattern that delivers
 * changes — short polling, long polling, SSE, the WebSocket (events and messages) and each GraphQL
 * subscription — from the start of the log and live. Nothing of B's reaches A.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { graphqlEvents, longPollEvents, openRpcSocket, sseEvents, type PushedEvent } from '../helpers/push-clients.ts';
import { assertProblem, moveOrder, placeOrder, readAllEvents } from '../rest/steps.ts';

let node: TestNode;
let waiter: string;
before(async () => {
  node = await startTestNode();
  waiter = await node.staffKey('waiter');
});
after(() => node.close());

test('guest A sees none of guest B’s order events or messages, through any pattern, old or live', async () => {
  const a = await node.guest(1, 'A');
  const b = await node.guest(2, 'B');
  // B's order exists before A looks (the backlog) and changes while A watches (live).
  const orderB = await placeOrder(node, b.token);
  await node.request(`/orders/${orderB.id}/messages`, { token: waiter, json: { text: 'For B only.' } });
  const subjectB = `orders/${orderB.id}`;
  const orderA = await placeOrder(node, a.token);
  const subjectA = `orders/${orderA.id}`;
  // Every live leg ends on A's own marker: a message on A's order, posted after all of B's activity.
  const sawMarker = (events: PushedEvent[]) => events.some((event) => event.subject === subjectA && event.type === 'order.message.posted');

  const socket = await openRpcSocket(node, a.token);
  await socket.call('events.subscribe', { after: '0' });
  const streamed = sseEvents(node, a.token, '0', sawMarker);
  const subscribed = graphqlEvents(node, a.token, 'subscription { events(after: "0") { sequence type subject } }', {}, sawMarker);
  const polled = longPollEvents(node, a.token, '0', sawMarker, { wait: 5 });

  await moveOrder(node, waiter, orderB.id, 'accepted');
  await node.request(`/orders/${orderB.id}/messages`, { token: waiter, json: { text: 'Still for B only.' } });
  await node.request(`/orders/${orderA.id}/messages`, { token: waiter, json: { text: 'For A.' } });

  const legs: Record<string, PushedEvent[]> = {
    'short polling': await readAllEvents(node, a.token),
    'long polling': await polled,
    SSE: await streamed,
    'WebSocket events': await socket.until('event', (events) => sawMarker(events as PushedEvent[])) as PushedEvent[],
    'GraphQL events': await subscribed,
  };
  for (const [leg, events] of Object.entries(legs)) {
    assert.ok(sawMarker(events), `${leg}: A's own events arrive`);
    assert.deepEqual(events.filter((event) => event.subject === subjectB), [], `${leg}: none of B's events`);
  }
  const messages = (await socket.until('message', (list) => list.some((message) => (message as { orderId: string }).orderId === orderA.id))) as { orderId: string }[];
  assert.deepEqual(messages.filter((message) => message.orderId === orderB.id), [], "WebSocket messages: none on B's order");
  socket.close();

  // Asking for B's order by id, in each pattern, is not_found: it does not even say the order exists.
  assertProblem(await node.request(`/orders/${orderB.id}`, { token: a.token }), 404, 'not_found');
  const started = Date.now();
  assertProblem(await node.request(`/orders/${orderB.id}?wait=30`, { token: a.token, headers: { 'if-none-match': '"1"' } }), 404, 'not_found');
  assert.ok(Date.now() - started < 5000, 'a long poll on B’s order is refused at once, not held');
  const orderSubscription = 'subscription ($id: ID!) { order(id: $id) { id status } }';
  await assert.rejects(graphqlEvents(node, a.token, orderSubscription, { id: orderB.id }, () => true), /not_found/, 'GraphQL order(id) of B is not_found');
  const messageSubscription = 'subscription ($id: ID!) { messages(orderId: $id) { id text } }';
  await assert.rejects(graphqlEvents(node, a.token, messageSubscription, { id: orderB.id }, () => true), /not_found/, 'GraphQL messages(orderId) of B is not_found');
});
