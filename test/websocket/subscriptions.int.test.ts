/** events.subscribe over /ws: from now or from a cursor, unsubscribe, bad and too-old cursors, resuming with no gap and no repeat while writers commit, and visibility. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from '../helpers/node.ts';
import { currentCursor, placeOrder, readAllEvents } from '../rest/steps.ts';
import { RpcSocket } from './ws-client.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

const sequences = (events: { sequence: string }[]) => events.map((event) => Number(event.sequence));

test('without a cursor a subscription starts now: nothing already committed, then each new event as a notification', async () => {
  const waiter = await node.staffKey('waiter');
  const socket = await RpcSocket.open(node, { token: waiter });
  const head = await currentCursor(node);
  const subscribed = await socket.call('events.subscribe', {});
  assert.match(subscribed.result.subscription, /^sub_/, 'a subscription id');
  assert.equal(subscribed.result.cursor, head, 'it starts at the head');
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const note = await socket.waitFor((frame) => frame.method === 'event');
  assert.equal(note.jsonrpc, '2.0', 'a JSON-RPC notification');
  assert.equal(note.id, undefined, 'notifications carry no id');
  assert.equal(note.params.type, 'order.placed', 'the new event');
  assert.equal(note.params.subject, `orders/${order.id}`, 'about the new order');
  assert.equal(note.params.specversion, '1.0', 'a CloudEvent');
  assert.ok(sequences(socket.events()).every((sequence) => sequence > Number(head)), 'nothing from before the subscription');
  await socket.close();
});

test('from a cursor the backlog comes first, filtered by type; unsubscribe stops it and says where it stopped', async () => {
  const admin = await RpcSocket.open(node, { token: node.adminToken });
  const subscribed = await admin.call('events.subscribe', { after: '0', types: ['menu.item.created'] });
  assert.equal(subscribed.result.cursor, '0', 'it starts where asked');
  const seeded = (await readAllEvents(node, node.adminToken, { query: '&types=menu.item.created' })).length;
  await admin.waitForCount((frame) => frame.method === 'event', seeded);
  assert.ok(admin.events().every((event) => event.type === 'menu.item.created'), 'only the asked type');
  const unsubscribed = await admin.call('events.unsubscribe', { subscription: subscribed.result.subscription });
  assert.equal(unsubscribed.result.cursor, admin.events().at(-1).sequence, 'the answer names the last event sent');
  const from = admin.frames.length;
  const created = await admin.call('menu.create', { id: 'soup-of-the-day', name: 'Soup', category: 'starters', priceCents: 600, ingredients: [] });
  assert.equal(created.result.id, 'soup-of-the-day', created.error ? JSON.stringify(created.error) : 'created');
  const probe = await admin.call('menu.get', { id: 'soup-of-the-day' });
  assert.ok(probe.result, 'a later answer arrived');
  assert.ok(!admin.frames.slice(from).some((frame) => frame.method === 'event'), 'no event after unsubscribing');
  const again = await admin.call('events.unsubscribe', { subscription: subscribed.result.subscription });
  assert.equal(again.error.code, -32004, 'an unknown subscription is not found');
  await admin.close();
});

test('a bad cursor, type or field is -32602 with a pointer, and the socket goes on', async () => {
  const socket = await RpcSocket.open(node);
  const cursor = await socket.call('events.subscribe', { after: 'yesterday' });
  assert.equal(cursor.error.code, -32602, 'invalid params');
  assert.deepEqual(cursor.error.data.errors.map((error: { pointer: string }) => error.pointer), ['/after'], 'the cursor is named');
  const type = await socket.call('events.subscribe', { types: ['order.teleported'] });
  assert.equal(type.error.code, -32602, 'an unknown type is invalid params');
  assert.equal(type.error.data.errors[0].pointer, '/types/0', 'the type is named');
  const field = await socket.call('events.subscribe', { limit: 5 });
  assert.equal(field.error.data.errors[0].pointer, '/limit', 'an unknown field is named');
  const unsubscribe = await socket.call('events.unsubscribe', {});
  assert.equal(unsubscribe.error.data.errors[0].pointer, '/subscription', 'a missing subscription is named');
  const fine = await socket.call('events.subscribe', { after: '0' });
  assert.ok(fine.result.subscription, 'the socket still subscribes');
  await socket.close();
});

test('a client resumes with its cursor on a new socket while writers commit: every event once, in order', async () => {
  const waiter = await node.staffKey('waiter');
  const start = await currentCursor(node);
  const guests = await Promise.all([1, 2, 3, 4].map((table) => node.guest(table)));
  // The writers commit until both sockets have had their share: the switch happens mid-stream by construction.
  let writing = true;
  const writers = Promise.all(
    guests.map(async (guest) => {
      while (writing) await placeOrder(node, guest.token);
    }),
  );

  const first = await RpcSocket.open(node, { token: waiter });
  await first.call('events.subscribe', { after: start });
  await first.waitForCount((frame) => frame.method === 'event', 10);
  await first.close();
  const seenFirst = first.events();
  const resumeAt = seenFirst.at(-1).sequence;

  const second = await RpcSocket.open(node, { token: waiter });
  await second.call('events.subscribe', { after: resumeAt });
  await second.waitForCount((frame) => frame.method === 'event', 10);
  writing = false;
  await writers;
  const all = sequences(await readAllEvents(node, waiter, { after: start }));
  await second.waitFor(() => second.events().some((event) => Number(event.sequence) === all.at(-1)), { timeoutMs: 10_000 });
  const received = [...sequences(seenFirst), ...sequences(second.events())];
  assert.deepEqual(received, all, 'no gap, no repeat, in order');
  await second.close();
});

test('a guest\'s socket never sees another guest\'s events or messages, even from cursor 0', async () => {
  const ada = await node.guest(1, 'Ada');
  const bob = await node.guest(2, 'Bob');
  const waiter = await node.staffKey('waiter');
  const adaSocket = await RpcSocket.open(node, { token: ada.token });
  await adaSocket.call('events.subscribe', { after: '0' });
  const bobOrder = await placeOrder(node, bob.token);
  await node.request(`/orders/${bobOrder.id}/messages`, { token: waiter, json: { text: 'Bob, your fish is on its way' } });
  await node.request(`/orders/${bobOrder.id}/messages`, { token: bob.token, json: { text: 'Thanks' } });
  await node.request(`/orders/${bobOrder.id}/status`, { method: 'PUT', token: waiter, json: { status: 'accepted' } });
  const peek = await adaSocket.call('events.subscribe', { after: '0', types: ['order.placed', 'order.message.posted'] });
  assert.ok(peek.result, 'a second subscription from 0');
  // Ada's own order last: once its event is in, everything before it has been filtered.
  const adaOrder = await adaSocket.call('orders.place', { items: [fishAndChipsNoSaltTwoFish] });
  await adaSocket.waitForCount((frame) => frame.method === 'event' && frame.params.subject === `orders/${adaOrder.result.id}` && frame.params.type === 'order.placed', 2);
  const subjects = new Set(adaSocket.events().map((event) => event.subject));
  assert.ok(!subjects.has(`orders/${bobOrder.id}`), 'none of Bob\'s order events');
  assert.ok(adaSocket.events().every((event) => event.subject.startsWith('menu/') || event.subject === `orders/${adaOrder.result.id}`), 'only the menu and Ada\'s own order');
  assert.deepEqual(adaSocket.messages(), [], 'none of Bob\'s messages');
  await adaSocket.close();
});

test('a cursor the log no longer keeps answers resync_required with the head, and the socket stays open', async () => {
  const small = await startTestNode({ BISTRO_EVENT_RETENTION: '3' });
  try {
    const guest = await small.guest();
    for (let index = 0; index < 5; index++) await placeOrder(small, guest.token);
    const socket = await RpcSocket.open(small, { token: small.adminToken });
    const answer = await socket.call('events.subscribe', { after: '1' });
    assert.equal(answer.error.data.code, 'resync_required', 'the catalogue code');
    assert.match(answer.error.data.head, /^\d+$/, 'where to follow from after reading the state');
    const resumed = await socket.call('events.subscribe', { after: answer.error.data.head });
    assert.ok(resumed.result.subscription, 'the head is a cursor that works');
    await socket.close();
  } finally {
    await small.close();
  }
});
