/** GraphQL over real HTTP: every query and mutation, the fish-and-chips example, domain error codes and BOLA. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { data, fieldError, fishAndChipsNoSaltTwoFish, graphql, orderFields, placeOrder } from './graphql-steps.ts';

let node: TestNode;
let admin: string;
let waiter: string;
before(async () => {
  node = await startTestNode();
  admin = node.adminToken;
  waiter = await node.staffKey('waiter');
});
after(() => node.close());

test('a guest orders fish and chips with no salt and two pieces of fish, and sees it through the graph', async () => {
  const guest = await node.guest(4, 'Ada');
  const order = await placeOrder(node, guest.token);
  assert.equal(order.status, 'PLACED');
  assert.equal(order.table, 4);
  assert.equal(order.totalCents, 1450);
  assert.deepEqual(order.items[0].adjustments, fishAndChipsNoSaltTwoFish.adjustments);

  const read = await data(node, `query($id: ID!) { order(id: $id) { id items { menuItem { id ingredients { name portions min max } } } } }`, { token: guest.token, variables: { id: order.id } });
  assert.equal(read.order.id, order.id);
  assert.deepEqual(read.order.items[0].menuItem.ingredients.find((ingredient: { name: string }) => ingredient.name === 'fish'), { name: 'fish', portions: 4, min: 1, max: 6 });

  // The same order by REST: one catalogue, one state.
  const rest = await node.request(`/orders/${order.id}`, { token: guest.token });
  assert.deepEqual(rest.body.items[0].adjustments, { salt: 0, fish: 2 });
});

test('menu and menuItem read the menu, filtered by the Category enum', async () => {
  const { menu, menuItem } = await data(node, '{ menu(category: MAINS) { id category available } menuItem(id: "lemonade") { name category priceCents } }');
  assert.ok(menu.length >= 2);
  assert.ok(menu.every((item: { category: string }) => item.category === 'MAINS'));
  assert.ok(menu.some((item: { id: string }) => item.id === 'fish-and-chips'));
  assert.deepEqual(menuItem, { name: 'Lemonade', category: 'DRINKS', priceCents: 350 });
});

test('an admin creates, updates and deletes a menu item; a guest may not', async () => {
  const input = { id: 'pea-soup', name: 'Pea soup', category: 'STARTERS', priceCents: 600, ingredients: [{ name: 'mint', portions: 1, min: 0, max: 1 }] };
  const created = await data(node, 'mutation($input: MenuItemInput!) { createMenuItem(input: $input) { id version description available category } }', { token: admin, variables: { input } });
  assert.deepEqual(created.createMenuItem, { id: 'pea-soup', version: 1, description: '', available: true, category: 'STARTERS' });

  const updated = await data(node, 'mutation($input: MenuItemInput!) { updateMenuItem(input: $input, expectedVersion: 1) { version priceCents } }', { token: admin, variables: { input: { ...input, priceCents: 650 } } });
  assert.deepEqual(updated.updateMenuItem, { version: 2, priceCents: 650 });
  await fieldError(node, 'mutation($input: MenuItemInput!) { updateMenuItem(input: $input, expectedVersion: 1) { version } }', 'version_mismatch', { token: admin, variables: { input } });

  const guest = await node.guest();
  const forbidden = await fieldError(node, 'mutation { deleteMenuItem(id: "pea-soup") }', 'forbidden', { token: guest.token });
  assert.deepEqual(forbidden.body.data, { deleteMenuItem: null });
  assert.deepEqual(await data(node, 'mutation { deleteMenuItem(id: "pea-soup") }', { token: admin }), { deleteMenuItem: true });
  await fieldError(node, '{ menuItem(id: "pea-soup") { id } }', 'not_found');
});

test('orders pages through a guest\'s own orders with a cursor and filters by status', async () => {
  const guest = await node.guest();
  const ids = [];
  for (let index = 0; index < 3; index += 1) ids.push((await placeOrder(node, guest.token)).id);
  const first = await data(node, '{ orders(limit: 2) { items { id guestId } nextCursor } }', { token: guest.token });
  assert.deepEqual(first.orders.items.map((order: { id: string }) => order.id), [ids[2], ids[1]]);
  assert.ok(first.orders.items.every((order: { guestId: string }) => order.guestId === guest.id));
  const second = await data(node, 'query($cursor: String) { orders(limit: 2, cursor: $cursor) { items { id } nextCursor } }', { token: guest.token, variables: { cursor: first.orders.nextCursor } });
  assert.deepEqual(second.orders, { items: [{ id: ids[0] }], nextCursor: null });
  const none = await data(node, '{ orders(status: SERVED) { items { id } } }', { token: guest.token });
  assert.deepEqual(none.orders.items, []);
});

test('updateOrder, setOrderStatus and cancelOrder move an order, with statuses as the OrderStatus enum', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const items = [{ menuItemId: 'lemonade', quantity: 2, note: 'no ice please', adjustments: [{ ingredient: 'ice', portions: 0 }] }];
  const updated = await data(node, `mutation($id: ID!, $items: [OrderItemInput!]!) { updateOrder(id: $id, items: $items, expectedVersion: 1) { ${orderFields} } }`, { token: guest.token, variables: { id: order.id, items } });
  assert.equal(updated.updateOrder.totalCents, 700);
  assert.equal(updated.updateOrder.items[0].note, 'no ice please');

  const accepted = await data(node, 'mutation($id: ID!) { setOrderStatus(id: $id, status: ACCEPTED) { status version } }', { token: waiter, variables: { id: order.id } });
  assert.deepEqual(accepted.setOrderStatus, { status: 'ACCEPTED', version: 3 });
  await fieldError(node, 'mutation($id: ID!) { setOrderStatus(id: $id, status: SERVED) { status } }', 'invalid_transition', { token: waiter, variables: { id: order.id } });
  await fieldError(node, 'mutation($id: ID!) { setOrderStatus(id: $id, status: PREPARING) { status } }', 'forbidden', { token: guest.token, variables: { id: order.id } });

  const cancelled = await data(node, 'mutation($id: ID!) { cancelOrder(id: $id) { status } }', { token: guest.token, variables: { id: order.id } });
  assert.equal(cancelled.cancelOrder.status, 'CANCELLED');
});

test('messages: guest and staff talk on an order, read as a page and through order.messages', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const sent = await data(node, 'mutation($id: ID!) { sendMessage(orderId: $id, text: "Could we have ketchup?") { orderId from text } }', { token: guest.token, variables: { id: order.id } });
  assert.deepEqual(sent.sendMessage, { orderId: order.id, from: 'GUEST', text: 'Could we have ketchup?' });
  await data(node, 'mutation($id: ID!) { sendMessage(orderId: $id, text: "On its way.") { id } }', { token: waiter, variables: { id: order.id } });

  const page = await data(node, 'query($id: ID!) { messages(orderId: $id, limit: 1) { items { from } nextCursor } }', { token: guest.token, variables: { id: order.id } });
  assert.deepEqual(page.messages.items, [{ from: 'GUEST' }]);
  assert.match(page.messages.nextCursor, /^msg_/);
  const nested = await data(node, 'query($id: ID!) { order(id: $id) { messages { from text } } }', { token: guest.token, variables: { id: order.id } });
  assert.deepEqual(nested.order.messages.map((message: { from: string }) => message.from), ['GUEST', 'WAITER']);
  await fieldError(node, 'query($id: ID!) { messages(orderId: $id) { items { id } } }', 'unauthorized', { variables: { id: order.id } });
});

test('events pages through the log with the shared cursor and types; data is a JSON scalar', async () => {
  const guest = await node.guest();
  const start = (await node.request('/events?limit=500', { token: waiter })).body;
  const cursor = start.nextCursor as string;
  const order = await placeOrder(node, guest.token);
  const page = await data(node, 'query($after: String) { events(after: $after, types: ["order.placed"], limit: 10) { items { id sequence type subject time data } nextCursor } }', { token: guest.token, variables: { after: cursor } });
  assert.equal(page.events.items.length, 1);
  const [event] = page.events.items;
  assert.equal(event.type, 'order.placed');
  assert.equal(event.subject, `orders/${order.id}`);
  assert.equal(event.data.id, order.id);
  assert.deepEqual(event.data.items[0].adjustments, { salt: 0, fish: 2 });
  assert.equal(page.events.nextCursor, event.sequence);
  await fieldError(node, '{ events(after: "yesterday") { items { id } } }', 'validation_failed');
});

test('registerGuest and createKey issue tokens that work at once', async () => {
  const { registerGuest } = await data(node, 'mutation { registerGuest(table: 12, name: "Grace") { guest { id table name } token } }');
  assert.equal(registerGuest.guest.table, 12);
  assert.match(registerGuest.guest.id, /^gst_/);
  const mine = await data(node, '{ orders { items { id } } }', { token: registerGuest.token });
  assert.deepEqual(mine.orders.items, []);

  const { createKey } = await data(node, 'mutation { createKey(role: KITCHEN, name: "pass") { id role name token } }', { token: admin });
  assert.equal(createKey.role, 'KITCHEN');
  await data(node, '{ orders(limit: 1) { items { id } } }', { token: createKey.token });
  await fieldError(node, 'mutation { createKey(role: ADMIN, name: "sneaky") { token } }', 'forbidden', { token: registerGuest.token });
});

test('BOLA: a guest asking for another guest\'s order gets not_found and no data, in every way in', async () => {
  const owner = await node.guest(1, 'Owner');
  const other = await node.guest(2, 'Other');
  const order = await placeOrder(node, owner.token);
  const read = await fieldError(node, 'query($id: ID!) { order(id: $id) { id totalCents items { name } } }', 'not_found', { token: other.token, variables: { id: order.id } });
  assert.deepEqual(read.body.data, { order: null });
  assert.deepEqual(read.body.errors[0].path, ['order']);
  await fieldError(node, 'query($id: ID!) { messages(orderId: $id) { items { text } } }', 'not_found', { token: other.token, variables: { id: order.id } });
  await fieldError(node, 'mutation($id: ID!) { cancelOrder(id: $id) { status } }', 'not_found', { token: other.token, variables: { id: order.id } });
  await fieldError(node, 'mutation($id: ID!) { sendMessage(orderId: $id, text: "hi") { id } }', 'not_found', { token: other.token, variables: { id: order.id } });
  const list = await data(node, '{ orders(limit: 100) { items { id } } }', { token: other.token });
  assert.ok(!list.orders.items.some((item: { id: string }) => item.id === order.id));
  const events = await data(node, '{ events(limit: 500) { items { subject } } }', { token: other.token });
  assert.ok(!events.events.items.some((event: { subject: string }) => event.subject === `orders/${order.id}`));
});

test('bad input is a validation_failed field error with per-field errors, and changes nothing', async () => {
  const guest = await node.guest();
  const before = (await node.request('/orders', { token: guest.token })).body.items.length;
  const tooMuchFish = { menuItemId: 'fish-and-chips', adjustments: [{ ingredient: 'fish', portions: 9 }] };
  const response = await fieldError(node, 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', 'validation_failed', { token: guest.token, variables: { input: { items: [tooMuchFish] } } });
  assert.deepEqual(response.body.errors[0].extensions.errors, [{ pointer: '/items/0/adjustments/fish', detail: 'fish must be a whole number of portions from 1 to 6' }]);
  const twice = { menuItemId: 'fish-and-chips', adjustments: [{ ingredient: 'salt', portions: 0 }, { ingredient: 'salt', portions: 1 }] };
  await fieldError(node, 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', 'validation_failed', { token: guest.token, variables: { input: { items: [twice] } } });
  await fieldError(node, 'mutation { placeOrder(input: { items: [] }) { id } }', 'validation_failed', { token: guest.token });
  assert.equal((await node.request('/orders', { token: guest.token })).body.items.length, before);
});

test('placeOrder with an idempotency key gives the same order again, and refuses the key for another body', async () => {
  const guest = await node.guest();
  const mutation = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';
  const input = { items: [fishAndChipsNoSaltTwoFish], idempotencyKey: 'table-4-first' };
  const first = await data(node, mutation, { token: guest.token, variables: { input } });
  const again = await data(node, mutation, { token: guest.token, variables: { input } });
  assert.equal(again.placeOrder.id, first.placeOrder.id);
  await fieldError(node, mutation, 'idempotency_key_reused', { token: guest.token, variables: { input: { ...input, items: [{ menuItemId: 'lemonade' }] } } });

  // The key is one key in core: the same body by REST replays the GraphQL order.
  const rest = await node.request('/orders', { token: guest.token, headers: { 'idempotency-key': 'table-4-first' }, json: { items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] } });
  assert.equal(rest.body.id, first.placeOrder.id);
  assert.equal(rest.headers.get('idempotent-replayed'), 'true');
});

test('a partial failure keeps the fields that worked', async () => {
  const response = await graphql(node, '{ menuItem(id: "lemonade") { name } missing: menuItem(id: "no-such-dish") { name } }');
  assert.equal(response.status, 200);
  assert.deepEqual(response.body.data, { menuItem: { name: 'Lemonade' }, missing: null });
  assert.equal(response.body.errors.length, 1);
  assert.deepEqual(response.body.errors[0].path, ['missing']);
  assert.equal(response.body.errors[0].extensions.code, 'not_found');
});
