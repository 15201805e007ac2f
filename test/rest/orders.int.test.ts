/** REST orders: placing (POST /orders) with the menu's rules, reading one (GET /orders/{id}) and changing items (PATCH). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, moveOrder, placeOrder } from './steps.ts';

let node: TestNode;
let kitchen: string;
before(async () => {
  node = await startTestNode();
  kitchen = await node.staffKey('kitchen');
});
after(() => node.close());

test('fish and chips, no salt, two pieces of fish: accepted and priced by the server', async () => {
  const guest = await node.guest(12, 'Grace');

  const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });

  assert.equal(placed.status, 201, placed.text);
  const order = placed.body;
  assert.match(order.id, /^ord_/);
  assert.equal(placed.headers.get('location'), `/orders/${order.id}`);
  assert.ok(placed.headers.get('etag'));
  assert.equal(order.status, 'placed');
  assert.equal(order.guestId, guest.id);
  assert.equal(order.table, 12);
  assert.equal(order.version, 1);
  assert.deepEqual(order.items, [
    { menuItemId: 'fish-and-chips', name: 'Fish and chips', quantity: 1, adjustments: { salt: 0, fish: 2 }, note: '', priceCents: 1450 },
  ]);
  assert.equal(order.totalCents, 1450);

  const read = await node.request(`/orders/${order.id}`, { token: guest.token });
  assert.equal(read.status, 200);
  assert.deepEqual(read.body, order);
});

test('quantities multiply the menu price and the total adds the lines', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token, [
    { menuItemId: 'fish-and-chips', quantity: 2, note: 'extra vinegar' },
    { menuItemId: 'lemonade', quantity: 3, adjustments: { ice: 0 } },
  ]);
  assert.deepEqual(
    order.items.map((item: { priceCents: number; note: string }) => [item.priceCents, item.note]),
    [
      [2900, 'extra vinegar'],
      [1050, ''],
    ],
  );
  assert.equal(order.totalCents, 3950);
});

test('the guest cannot set a price: priceCents in an item is an unknown field', async () => {
  const guest = await node.guest();
  const response = await node.request('/orders', { token: guest.token, json: { items: [{ ...fishAndChipsNoSaltTwoFish, priceCents: 1 }] } });
  assertProblem(response, 400, 'validation_failed', '/items/0/priceCents');
});

test('portions outside the menu item bounds are refused with a pointer to the ingredient', async () => {
  const guest = await node.guest();
  for (const [adjustments, pointer] of [
    [{ fish: 7 }, '/items/0/adjustments/fish'],
    [{ fish: 0 }, '/items/0/adjustments/fish'],
    [{ salt: 2 }, '/items/0/adjustments/salt'],
    [{ chips: -1 }, '/items/0/adjustments/chips'],
    [{ fish: 2.5 }, '/items/0/adjustments/fish'],
  ] as const) {
    const response = await node.request('/orders', { token: guest.token, json: { items: [{ menuItemId: 'fish-and-chips', adjustments }] } });
    assertProblem(response, 400, 'validation_failed', pointer);
  }
  assert.deepEqual((await node.request('/orders', { token: guest.token })).body.items, []);
});

test('an ingredient the dish does not have is refused', async () => {
  const guest = await node.guest();
  const response = await node.request('/orders', { token: guest.token, json: { items: [{ menuItemId: 'fish-and-chips', adjustments: { ketchup: 1 } }] } });
  assertProblem(response, 400, 'validation_failed', '/items/0/adjustments/ketchup');
});

test('an unknown menu item is refused with a pointer to the line that names it', async () => {
  const guest = await node.guest();
  const response = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish, { menuItemId: 'lobster' }] } });
  assertProblem(response, 400, 'validation_failed', '/items/1/menuItemId');
  assert.deepEqual((await node.request('/orders', { token: guest.token })).body.items, []);
});

test('an order needs at least one item, and a positive whole quantity', async () => {
  const guest = await node.guest();
  assertProblem(await node.request('/orders', { token: guest.token, json: { items: [] } }), 400, 'validation_failed', '/items');
  assertProblem(await node.request('/orders', { token: guest.token, json: {} }), 400, 'validation_failed', '/items');
  const zero = await node.request('/orders', { token: guest.token, json: { items: [{ menuItemId: 'lemonade', quantity: 0 }] } });
  assertProblem(zero, 400, 'validation_failed', '/items/0/quantity');
});

test('an item the kitchen has taken off the menu is unavailable (409) until it is back', async () => {
  const guest = await node.guest();
  const { version: _v, updatedAt: _u, id: _id, ...lemonade } = (await node.request('/menu/lemonade')).body;
  const setAvailable = (available: boolean) => node.request('/menu/lemonade', { method: 'PUT', token: node.adminToken, json: { ...lemonade, available } });
  assert.equal((await setAvailable(false)).status, 200);

  const refused = await node.request('/orders', { token: guest.token, json: { items: [{ menuItemId: 'lemonade' }] } });
  assertProblem(refused, 409, 'menu_item_unavailable', '/items/0/menuItemId');

  assert.equal((await setAvailable(true)).status, 200);
  await placeOrder(node, guest.token, [{ menuItemId: 'lemonade' }]);
});

test('only guests place orders: staff are forbidden', async () => {
  const waiter = await node.staffKey('waiter');
  assertProblem(await node.request('/orders', { token: waiter, json: { items: [fishAndChipsNoSaltTwoFish] } }), 403, 'forbidden');
});

test('a guest changes the items of a placed order: new lines, new total, new version', async () => {
  const guest = await node.guest();
  const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });

  const changed = await node.request(`/orders/${placed.body.id}`, {
    method: 'PATCH',
    token: guest.token,
    headers: { 'if-match': placed.headers.get('etag') ?? '' },
    json: { items: [{ menuItemId: 'mushroom-risotto', adjustments: { parmesan: 2 } }] },
  });

  assert.equal(changed.status, 200, changed.text);
  assert.equal(changed.body.version, 2);
  assert.equal(changed.body.totalCents, 1300);
  assert.deepEqual(changed.body.items[0].adjustments, { parmesan: 2 });
  assert.notEqual(changed.headers.get('etag'), placed.headers.get('etag'));
  assert.deepEqual((await node.request(`/orders/${placed.body.id}`, { token: guest.token })).body, changed.body);
});

test('items change only while the order is placed', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  await moveOrder(node, kitchen, order.id, 'accepted');

  const response = await node.request(`/orders/${order.id}`, {
    method: 'PATCH',
    token: guest.token,
    headers: { 'if-match': '*' },
    json: { items: [{ menuItemId: 'lemonade' }] },
  });

  assertProblem(response, 409, 'invalid_transition');
  const read = await node.request(`/orders/${order.id}`, { token: guest.token });
  assert.deepEqual(read.body.items, order.items);
  assert.equal(read.body.status, 'accepted');
});

test('changed items obey the same menu rules as new ones', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const response = await node.request(`/orders/${order.id}`, {
    method: 'PATCH',
    token: guest.token,
    headers: { 'if-match': '*' },
    json: { items: [{ menuItemId: 'fish-and-chips', adjustments: { fish: 9 } }] },
  });
  assertProblem(response, 400, 'validation_failed', '/items/0/adjustments/fish');
  assert.equal((await node.request(`/orders/${order.id}`, { token: guest.token })).body.version, 1);
});

test('an order that does not exist is 404', async () => {
  const guest = await node.guest();
  assertProblem(await node.request('/orders/ord_00000000000000000000000000', { token: guest.token }), 404, 'not_found');
});
