/** REST GET /events?after=&types=&limit=: the log as CloudEvents, in order, filtered by who is asking and by type. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, currentCursor, moveOrder, placeOrder, readAllEvents } from './steps.ts';

let node: TestNode;
let waiter: string;
before(async () => {
  node = await startTestNode();
  waiter = await node.staffKey('waiter');
});
after(() => node.close());

test('every change to an order appends the right CloudEvents, in order', async () => {
  const guest = await node.guest();
  const before = await currentCursor(node);

  const placed = await node.request('/orders', { token: guest.token, json: { items: [{ menuItemId: 'lemonade' }] } });
  const id: string = placed.body.id;
  await node.request(`/orders/${id}`, { method: 'PATCH', token: guest.token, headers: { 'if-match': '*' }, json: { items: [{ menuItemId: 'tomato-soup' }] } });
  await node.request(`/orders/${id}/messages`, { token: guest.token, json: { text: 'No basil, please.' } });
  await moveOrder(node, waiter, id, 'accepted', 'preparing', 'ready', 'served');

  const events = await readAllEvents(node, waiter, { after: before });
  assert.deepEqual(
    events.map((event) => event.type),
    ['order.placed', 'order.updated', 'order.message.posted', 'order.accepted', 'order.preparing', 'order.ready', 'order.served'],
  );
  for (const event of events) {
    assert.equal(event.specversion, '1.0');
    assert.equal(event.subject, `orders/${id}`);
    assert.equal(typeof event.source, 'string');
    assert.equal(event.datacontenttype, 'application/json');
    assert.ok(!Number.isNaN(Date.parse(event.time)));
    assert.equal(typeof event.sequence, 'string');
  }
  const sequences = events.map((event) => Number(event.sequence));
  assert.ok(
    sequences.every((sequence, index) => index === 0 || sequence > (sequences[index - 1] as number)),
    `strictly increasing: ${sequences.join(',')}`,
  );
  assert.ok(Number(events[0].sequence) > Number(before));
  assert.equal(new Set(events.map((event) => event.id)).size, events.length, 'event ids are unique');
  assert.deepEqual(
    events.filter((event) => event.type !== 'order.message.posted').map((event) => [event.data.status, event.data.version]),
    [
      ['placed', 1],
      ['placed', 2],
      ['accepted', 3],
      ['preparing', 4],
      ['ready', 5],
      ['served', 6],
    ],
  );
});

test('a cancellation is an order.cancelled event', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const before = await currentCursor(node);
  await node.request(`/orders/${order.id}`, { method: 'DELETE', token: guest.token });
  const events = await readAllEvents(node, guest.token, { after: before });
  assert.deepEqual(
    events.map((event) => [event.type, event.subject, event.data.status]),
    [['order.cancelled', `orders/${order.id}`, 'cancelled']],
  );
});

test('a guest sees the public menu events and their own orders, never another guest’s', async () => {
  const ada = await node.guest(1, 'Ada');
  const bob = await node.guest(2, 'Bob');
  const adas = await placeOrder(node, ada.token);
  const bobs = await placeOrder(node, bob.token);
  await node.request(`/orders/${bobs.id}/messages`, { token: bob.token, json: { text: 'A secret for the kitchen.' } });
  await moveOrder(node, waiter, adas.id, 'accepted');

  const seenByAda = await readAllEvents(node, ada.token);

  assert.ok(seenByAda.some((event) => event.type === 'menu.item.created' && event.subject === 'menu/fish-and-chips'));
  const orderSubjects = new Set(seenByAda.filter((event) => event.type.startsWith('order.')).map((event) => event.subject));
  assert.deepEqual(orderSubjects, new Set([`orders/${adas.id}`]));
  assert.ok(!JSON.stringify(seenByAda).includes(bob.id));
  assert.ok(!JSON.stringify(seenByAda).includes('secret'));

  const seenByStaff = await readAllEvents(node, waiter);
  assert.ok(seenByStaff.some((event) => event.subject === `orders/${bobs.id}`));
});

test('a stranger without a token sees only the public menu events', async () => {
  const guest = await node.guest();
  await placeOrder(node, guest.token);
  const events = await readAllEvents(node, undefined);
  assert.ok(events.length > 0);
  assert.ok(events.every((event) => event.type.startsWith('menu.item.')));
});

test('types filters the log, given comma-separated or repeated', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  await node.request(`/orders/${order.id}`, { method: 'DELETE', token: guest.token });

  const comma = await readAllEvents(node, waiter, { query: '&types=order.placed,order.cancelled' });
  const repeated = await readAllEvents(node, waiter, { query: '&types=order.placed&types=order.cancelled' });

  assert.deepEqual(repeated, comma);
  assert.ok(comma.every((event) => event.type === 'order.placed' || event.type === 'order.cancelled'));
  assert.deepEqual(
    comma.filter((event) => event.subject === `orders/${order.id}`).map((event) => event.type),
    ['order.placed', 'order.cancelled'],
  );
  assertProblem(await node.request('/events?types=order.eaten', { token: waiter }), 400, 'validation_failed');
});

test('nextCursor continues page after page without losing or repeating an event', async () => {
  const guest = await node.guest();
  for (let i = 0; i < 4; i++) await placeOrder(node, guest.token);

  const whole = await readAllEvents(node, waiter);
  const paged = await readAllEvents(node, waiter, { limit: 3 });

  assert.deepEqual(
    paged.map((event) => event.sequence),
    whole.map((event) => event.sequence),
  );
  assert.equal(new Set(paged.map((event) => event.sequence)).size, paged.length);

  const first = await node.request('/events?after=0&limit=3', { token: waiter });
  assert.equal(first.body.items.length, 3);
  assert.equal(first.body.nextCursor, first.body.items[2].sequence);
});

test('the cursor picks up events that arrive after a reader has caught up', async () => {
  const guest = await node.guest();
  const caughtUp = await node.request(`/events?after=${await currentCursor(node)}`, { token: guest.token });
  assert.deepEqual(caughtUp.body.items, []);

  const order = await placeOrder(node, guest.token);

  const next = await node.request(`/events?after=${caughtUp.body.nextCursor}`, { token: guest.token });
  assert.deepEqual(
    next.body.items.map((event: { type: string; subject: string }) => [event.type, event.subject]),
    [['order.placed', `orders/${order.id}`]],
  );
});

test('a cursor that is not a sequence, or a limit out of range, is refused', async () => {
  assertProblem(await node.request('/events?after=abc'), 400, 'validation_failed', '/after');
  assertProblem(await node.request('/events?after=-1'), 400, 'validation_failed', '/after');
  assertProblem(await node.request('/events?after=1.5'), 400, 'validation_failed', '/after');
  assertProblem(await node.request('/events?limit=0'), 400, 'validation_failed', '/limit');
  assertProblem(await node.request('/events?limit=501'), 400, 'validation_failed', '/limit');
  assertProblem(await node.request('/events?after=1&after=2'), 400, 'validation_failed', '/after');
});
