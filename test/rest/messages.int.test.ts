/** REST messages: GET/POST /orders/{id}/messages, the conversation between a guest and staff on one order. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, currentCursor, placeOrder, readAllEvents } from './steps.ts';

let node: TestNode;
let waiter: string;
let kitchen: string;
before(async () => {
  node = await startTestNode();
  waiter = await node.staffKey('waiter');
  kitchen = await node.staffKey('kitchen');
});
after(() => node.close());

const post = (orderId: string, token: string, text: string) => node.request(`/orders/${orderId}/messages`, { token, json: { text } });

test('a guest writes on their order and reads the message back', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);

  const posted = await post(order.id, guest.token, 'Could the chips be extra crispy?');

  assert.equal(posted.status, 201, posted.text);
  assert.equal(posted.headers.get('location'), `/orders/${order.id}/messages`);
  assert.match(posted.body.id, /^msg_/);
  assert.equal(posted.body.orderId, order.id);
  assert.equal(posted.body.from, 'guest');
  assert.equal(posted.body.text, 'Could the chips be extra crispy?');
  assert.ok(!Number.isNaN(Date.parse(posted.body.at)));

  const read = await node.request(`/orders/${order.id}/messages`, { token: guest.token });
  assert.equal(read.status, 200);
  assert.deepEqual(read.body, { items: [posted.body], nextCursor: null });
});

test('staff may start the conversation, and each message says who wrote it, oldest first', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);

  assert.equal((await post(order.id, kitchen, 'We are out of cod; haddock instead?')).status, 201);
  assert.equal((await post(order.id, guest.token, 'Haddock is fine.')).status, 201);
  assert.equal((await post(order.id, waiter, 'Noted.')).status, 201);
  assert.equal((await post(order.id, node.adminToken, 'The manager says hello.')).status, 201);

  const read = await node.request(`/orders/${order.id}/messages`, { token: guest.token });
  assert.deepEqual(
    read.body.items.map((message: { from: string }) => message.from),
    ['kitchen', 'guest', 'waiter', 'admin'],
    'the admin is labelled admin, not passed off as a waiter',
  );
});

test('a long conversation pages with limit and nextCursor, every message once', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const texts = Array.from({ length: 7 }, (_, index) => `message ${index + 1}`);
  for (const text of texts) assert.equal((await post(order.id, guest.token, text)).status, 201);

  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await node.request(`/orders/${order.id}/messages?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: waiter });
    assert.equal(response.status, 200, response.text);
    seen.push(...response.body.items.map((message: { text: string }) => message.text));
    cursor = response.body.nextCursor;
    pages++;
  } while (cursor !== null);

  assert.equal(pages, 3);
  assert.deepEqual(seen, texts);
  assertProblem(await node.request(`/orders/${order.id}/messages?cursor=ord_x`, { token: waiter }), 400, 'validation_failed', '/cursor');
});

test('each message is an order.message.posted event whose data is the message', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const before = await currentCursor(node);

  const posted = await post(order.id, waiter, 'Your table is ready.');

  const events = await readAllEvents(node, guest.token, { after: before });
  assert.equal(events.length, 1);
  assert.equal(events[0].type, 'order.message.posted');
  assert.equal(events[0].subject, `orders/${order.id}`);
  assert.deepEqual(events[0].data, posted.body);
});

test('an empty, blank or too long message is refused and nothing is stored', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);

  assertProblem(await post(order.id, guest.token, ''), 400, 'validation_failed', '/text');
  assertProblem(await post(order.id, guest.token, '   '), 400, 'validation_failed', '/text');
  assertProblem(await post(order.id, guest.token, 'x'.repeat(2001)), 400, 'validation_failed', '/text');
  assertProblem(await node.request(`/orders/${order.id}/messages`, { token: guest.token, json: {} }), 400, 'validation_failed', '/text');
  assertProblem(await node.request(`/orders/${order.id}/messages`, { token: guest.token, json: { text: 'hi', from: 'kitchen' } }), 400, 'validation_failed', '/from');

  assert.deepEqual((await node.request(`/orders/${order.id}/messages`, { token: guest.token })).body.items, []);
});

test('messages on an order that does not exist are 404; strangers are 401', async () => {
  const guest = await node.guest();
  const missing = 'ord_00000000000000000000000000';
  assertProblem(await post(missing, waiter, 'Hello?'), 404, 'not_found');
  assertProblem(await node.request(`/orders/${missing}/messages`, { token: guest.token }), 404, 'not_found');

  const order = await placeOrder(node, guest.token);
  assertProblem(await node.request(`/orders/${order.id}/messages`), 401, 'unauthorized');
  assertProblem(await node.request(`/orders/${order.id}/messages`, { json: { text: 'hi' } }), 401, 'unauthorized');
});

test('a message posted with the admin token says it is from the admin, in every pattern and in its event', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const before = await currentCursor(node);

  const rest = await post(order.id, node.adminToken, 'The manager says hello.');
  assert.equal(rest.body.from, 'admin', `REST: ${rest.text}`);
  const rpc = await node.request('/rpc', { token: node.adminToken, json: { jsonrpc: '2.0', method: 'messages.send', params: { orderId: order.id, text: 'Again, hello.' }, id: 1 } });
  assert.equal(rpc.body.result?.from, 'admin', `JSON-RPC: ${rpc.text}`);
  const graphql = await node.request('/graphql', {
    token: node.adminToken,
    json: { query: 'mutation($orderId: ID!) { sendMessage(orderId: $orderId, text: "Hello a third time.") { from } }', variables: { orderId: order.id } },
  });
  assert.equal(graphql.body.data?.sendMessage?.from, 'ADMIN', `GraphQL's MessageAuthor enum: ${graphql.text}`);

  const events = await readAllEvents(node, guest.token, { after: before });
  assert.deepEqual(
    events.filter((event: { type: string }) => event.type === 'order.message.posted').map((event: { data: { from: string } }) => event.data.from),
    ['admin', 'admin', 'admin'],
    'the guest hears each from the admin',
  );
  const read = await node.request(`/orders/${order.id}/messages`, { token: guest.token });
  assert.deepEqual(read.body.items.map((message: { from: string }) => message.from), ['admin', 'admin', 'admin'], 'and reads them so');
});

test('text with a lone UTF-16 surrogate is refused with a pointer in REST, JSON-RPC and GraphQL, and nothing is stored or announced', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const before = await currentCursor(node);
  // Written by hand: the JSON escape is how a client sends a lone surrogate.
  const body = (text: string) => `{"text":"${text}"}`;

  const rest = await node.request(`/orders/${order.id}/messages`, { method: 'POST', token: guest.token, headers: { 'content-type': 'application/json' }, body: body('x\\ud800y') });
  assertProblem(rest, 400, 'validation_failed', '/text');
  assert.match(rest.body.errors[0].detail, /well-formed/, 'says why');

  const rpc = await node.request('/rpc', {
    method: 'POST',
    token: guest.token,
    headers: { 'content-type': 'application/json' },
    body: `{"jsonrpc":"2.0","method":"messages.send","params":{"orderId":"${order.id}","text":"x\\udc00y"},"id":1}`,
  });
  assert.equal(rpc.body.error?.data?.code, 'validation_failed', `JSON-RPC: ${rpc.text}`);
  assert.deepEqual(rpc.body.error.data.errors.map((error: { pointer: string }) => error.pointer), ['/text'], 'JSON-RPC names the field');

  const graphql = await node.request('/graphql', {
    method: 'POST',
    token: guest.token,
    headers: { 'content-type': 'application/json' },
    body: `{"query":"mutation($orderId: ID!, $text: String!) { sendMessage(orderId: $orderId, text: $text) { id } }","variables":{"orderId":"${order.id}","text":"a\\ud800"}}`,
  });
  const [error] = graphql.body.errors ?? [];
  assert.equal(error?.extensions?.code, 'validation_failed', `GraphQL: ${graphql.text}`);
  assert.deepEqual(error.extensions.errors.map((field: { pointer: string }) => field.pointer), ['/text'], 'GraphQL names the field');

  const named = await node.request('/guests', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"table":3,"name":"Ad\\udc00a"}' });
  assertProblem(named, 400, 'validation_failed', '/name');
  const noted = await node.request('/orders', { method: 'POST', token: guest.token, headers: { 'content-type': 'application/json' }, body: '{"items":[{"menuItemId":"lemonade","note":"\\ud83d"}]}' });
  assertProblem(noted, 400, 'validation_failed', '/items/0/note');

  assert.deepEqual((await node.request(`/orders/${order.id}/messages`, { token: guest.token })).body.items, [], 'no message stored');
  assert.deepEqual(await readAllEvents(node, node.adminToken, { after: before }), [], 'no event announced');

  const paired = await post(order.id, guest.token, 'fish \ud83d\udc1f');
  assert.equal(paired.status, 201, `a surrogate pair is fine: ${paired.text}`);
  assert.equal((await node.request(`/orders/${order.id}/messages`, { token: guest.token })).body.items[0].text, 'fish 🐟', 'and read back as sent');
});
