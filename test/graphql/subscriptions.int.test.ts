/**
 * GraphQL subscriptions over graphql-transport-ws, through the real graphql-ws client: events with
 * a cursor (no gap, no repeat on resume), an order as it changes, messages, who may see what, and
 * refusals with catalogue codes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { moveOrder, placeOrder, readAllEvents } from '../rest/steps.ts';
import { maxOperationsPerConnection } from '../../src/patterns/graphql/subscriptions.ts';
import { graphql } from './graphql-steps.ts';
import { closed, connect, eventFields, refusalCodes, resultsOf, watch, type Connected } from './subscriptions-steps.ts';

let node: TestNode;
const clients: Connected[] = [];

function client(authorization?: string): Connected {
  const connected = connect(node, authorization);
  clients.push(connected);
  return connected;
}

before(async () => {
  // Shallow enough that a four-level subscription is refused; every other test stays within it.
  node = await startTestNode({ BISTRO_GRAPHQL_MAX_DEPTH: '3' });
});

after(async () => {
  for (const { client: each } of clients) await each.dispose();
  await node.close();
});

const eventsQuery = `subscription($after: String, $types: [String!]) { events(after: $after, types: $types) { ${eventFields} } }`;

test('events from a cursor: the backlog then live events, in order; resuming from the last one seen repeats nothing and skips nothing', async () => {
  const staff = await node.staffKey('waiter');
  const guest = await node.guest();
  await placeOrder(node, guest.token);
  const backlog = await readAllEvents(node, staff);
  const { client: ws } = client(`Bearer ${staff}`);

  const first = watch(ws, eventsQuery, { after: '0' });
  await resultsOf(first, backlog.length);
  const order = await placeOrder(node, guest.token);
  const seen = (await resultsOf(first, backlog.length + 1)).map((result) => result.data.events);
  assert.deepEqual(seen.slice(0, backlog.length).map((event) => event.sequence), backlog.map((event) => event.sequence), 'the backlog arrives as the log holds it');
  assert.equal(seen.at(-1).type, 'order.placed', 'then the live event');
  assert.equal(seen.at(-1).subject, `orders/${order.id}`, 'about the order just placed');
  const sequences = seen.map((event) => Number(event.sequence));
  assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b), 'in sequence order');
  first.dispose();

  // Offline for a while: two changes happen, then the client resumes from the last sequence it saw.
  const cursor = seen.at(-1).sequence as string;
  await moveOrder(node, staff, order.id, 'accepted', 'preparing');
  const resumed = watch(ws, eventsQuery, { after: cursor });
  const missed = (await resultsOf(resumed, 2)).map((result) => result.data.events);
  assert.deepEqual(missed.map((event) => event.type), ['order.accepted', 'order.preparing'], 'exactly the events after the cursor');
  assert.equal(Number(missed[0].sequence), Number(cursor) + 1, 'no gap after the cursor');
  resumed.dispose();
});

test('events without a cursor start from now, and types filter them', async () => {
  const staff = await node.staffKey('kitchen');
  const guest = await node.guest();
  const { client: ws } = client(staff);
  const placedOnly = watch(ws, eventsQuery, { types: ['order.accepted'] });
  // The subscription is live once the server answered something else on the same socket after it.
  await waitFor(async () => (await ws.iterate({ query: '{ __typename }' }).next()).value);
  const order = await placeOrder(node, guest.token);
  await moveOrder(node, staff, order.id, 'accepted');
  const [only] = await resultsOf(placedOnly, 1);
  assert.equal(only?.data.events.type, 'order.accepted', 'only the asked-for type, and nothing from before');
  assert.equal(only?.data.events.subject, `orders/${order.id}`, 'of this order');
  placedOnly.dispose();
});

test('order(id) answers the order now, then each change', async () => {
  const staff = await node.staffKey('waiter');
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const { client: ws } = client(guest.token);
  const changes = watch(ws, 'subscription($id: ID!) { order(id: $id) { id status version } }', { id: order.id });
  const [now] = await resultsOf(changes, 1);
  assert.deepEqual(now?.data.order, { id: order.id, status: 'PLACED', version: order.version }, 'first the order as it is');
  await moveOrder(node, staff, order.id, 'accepted');
  await resultsOf(changes, 2);
  await moveOrder(node, staff, order.id, 'preparing');
  const statuses = (await resultsOf(changes, 3)).map((result) => result.data.order.status);
  assert.deepEqual(statuses, ['PLACED', 'ACCEPTED', 'PREPARING'], 'each change once, in order');
  changes.dispose();
});

test('messages(orderId) hears each message posted on the order from now, by guest and staff', async () => {
  const staff = await node.staffKey('waiter');
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const early = await node.request(`/orders/${order.id}/messages`, { token: staff, json: { text: 'before the subscription' } });
  assert.equal(early.status, 201, early.text);
  const { client: ws } = client(guest.token);
  const messages = watch(ws, 'subscription($id: ID!) { messages(orderId: $id) { id orderId text } }', { id: order.id });
  await waitFor(async () => (await ws.iterate({ query: '{ __typename }' }).next()).value);
  for (const [token, text] of [[staff, 'Your fish is on'], [guest.token, 'Thanks!']] as const) {
    const sent = await node.request(`/orders/${order.id}/messages`, { token, json: { text } });
    assert.equal(sent.status, 201, sent.text);
  }
  const texts = (await resultsOf(messages, 2)).map((result) => result.data.messages.text);
  assert.deepEqual(texts, ['Your fish is on', 'Thanks!'], 'both messages, in order, none from before');
  messages.dispose();
});

test("a guest cannot follow another guest's order, its messages, or its events", async () => {
  const alice = await node.guest(1, 'Alice');
  const bob = await node.guest(2, 'Bob');
  const hers = await placeOrder(node, alice.token);
  const { client: ws } = client(bob.token);
  const order = watch(ws, 'subscription($id: ID!) { order(id: $id) { id status } }', { id: hers.id });
  assert.deepEqual(await refusalCodes(order), ['not_found'], "her order does not exist for him");
  const messages = watch(ws, 'subscription($id: ID!) { messages(orderId: $id) { text } }', { id: hers.id });
  assert.deepEqual(await refusalCodes(messages), ['not_found'], 'nor do its messages');

  const mine = await placeOrder(node, bob.token);
  const all = watch(ws, eventsQuery, { after: '0' });
  const log = await readAllEvents(node, bob.token);
  const seen = (await resultsOf(all, log.length)).map((result) => result.data.events);
  assert.ok(seen.some((event) => event.subject === `orders/${mine.id}`), 'he sees his own order');
  assert.ok(seen.every((event) => event.subject !== `orders/${hers.id}`), 'never hers, even from the start of the log');
  all.dispose();
});

test('anonymous connections see only menu events; a bad token is refused with 4401', async () => {
  const guest = await node.guest();
  await placeOrder(node, guest.token);
  const anonymous = client();
  const menu = watch(anonymous.client, eventsQuery, { after: '0' });
  const log = await readAllEvents(node, undefined);
  const seen = (await resultsOf(menu, log.length)).map((result) => result.data.events.type as string);
  assert.ok(seen.length > 0 && seen.every((type) => type.startsWith('menu.')), `only menu events: ${seen.join(', ')}`);
  menu.dispose();

  const bad = client('Bearer not-a-token');
  const refused = watch(bad.client, eventsQuery, {});
  assert.equal(await closed(bad), 4401, 'the connection is closed as unauthorized');
  assert.equal(refused.results.length, 0, 'nothing was delivered');
});

test('subscriptions meet the same limits and validation as queries, with catalogue codes', async () => {
  const guest = await node.guest();
  const { client: ws } = client(guest.token);
  const deep = watch(ws, 'subscription($id: ID!) { order(id: $id) { items { adjustments { ingredient } menuItem { id } } } }', { id: 'ord_x' });
  const tooDeep = await refusalCodes(deep);
  assert.deepEqual(tooDeep, ['validation_failed'], 'a too-deep subscription is refused before it runs');
  assert.equal((deep.error as Array<{ extensions: { limit: string } }>)[0]?.extensions.limit, 'depth', 'naming the depth limit');

  const badCursor = watch(ws, eventsQuery, { after: 'yesterday' });
  assert.deepEqual(await refusalCodes(badCursor), ['validation_failed'], 'a cursor that is not one is refused');
  const unknownField = watch(ws, 'subscription { events { nope } }');
  assert.deepEqual(await refusalCodes(unknownField), ['validation_failed'], 'an invalid document is refused');

  const many = Array.from({ length: maxOperationsPerConnection }, () => watch(ws, eventsQuery, {}));
  const oneTooMany = watch(ws, eventsQuery, {});
  assert.deepEqual(await refusalCodes(oneTooMany), ['rate_limited'], 'one connection runs a bounded number of subscriptions');
  assert.ok(many.every((each) => each.error === undefined && each.results.length === 0), 'the others run on');
  for (const each of many) each.dispose();

  const overHttp = await graphql(node, 'subscription { events { id } }', { token: guest.token });
  assert.equal(overHttp.body.errors[0].extensions.code, 'validation_failed', 'a subscription over HTTP is pointed to the WebSocket');
});
