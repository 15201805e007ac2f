/**
 * The typed client against a real node: every catalogue operation through each of REST, JSON-RPC
 * and GraphQL with the same call, answering the same objects, and failing with the same typed
 * error (code, status, field pointers) whichever pattern carried it. The last test fails when an
 * operation is added to the catalogue and this scenario does not call it through all three.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BistroClientError, createClient, type BistroClient, type OperationName, type RequestVia } from '../../client/node.ts';
import { operationTable } from '../../client/generated/catalogue.ts';
import { freePort } from '../helpers/free-port.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

const vias: readonly RequestVia[] = ['rest', 'rpc', 'graphql'];
const fishAndChips = { menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } };

let node: TestNode;
const called = new Map<RequestVia, Set<string>>(vias.map((via) => [via, new Set()]));

/** A client whose every successful call is recorded under its pattern. */
function recording(token: string | undefined, via: RequestVia): BistroClient {
  const client = createClient({ url: node.url, token, via });
  const seen = called.get(via)!;
  const wrap = (base: BistroClient): BistroClient =>
    new Proxy(base, {
      get(target, property, receiver) {
        if (property === 'withToken') return (next: string | undefined) => recording(next, via);
        const namespace = Reflect.get(target, property, receiver) as unknown;
        if (typeof property !== 'string' || typeof namespace !== 'object' || namespace === null || property === 'connection') return namespace;
        return new Proxy(namespace, {
          get(methods, method) {
            const fn = Reflect.get(methods, method) as ((...args: unknown[]) => Promise<unknown>) | undefined;
            if (typeof fn !== 'function' || typeof method !== 'string') return fn;
            return async (...args: unknown[]) => {
              const result = await fn(...args);
              seen.add(`${property}.${method}`);
              return result;
            };
          },
        });
      },
    });
  return wrap(client);
}

async function fails(promise: Promise<unknown>, code: string, pointers: string[] = []): Promise<BistroClientError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}, but the call succeeded`),
    (error: unknown) => error,
  );
  assert.ok(error instanceof BistroClientError, `a BistroClientError, not ${String(error)}`);
  assert.equal(error.code, code, `code: ${error.message}`);
  assert.deepEqual(
    error.fields.map(({ pointer }) => pointer),
    pointers,
    `field pointers of ${code}`,
  );
  return error;
}

before(async () => {
  node = await startTestNode({ BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' });
});
after(async () => {
  await node?.close();
});

for (const via of vias) {
  test(`via ${via}: a guest, the kitchen and an admin call every operation through the client`, { timeout: 60_000 }, async () => {
    const anonymous = recording(undefined, via);
    const admin = recording(node.adminToken, via);

    const menu = await anonymous.menu.list();
    assert.ok(menu.items.some(({ id }) => id === 'fish-and-chips'), 'the seeded menu has fish and chips');
    const item = await anonymous.menu.get({ id: 'fish-and-chips' });
    assert.deepEqual(item.ingredients.find(({ name }) => name === 'salt'), { name: 'salt', portions: 1, min: 0, max: 1 }, 'salt: one portion, 0–1');

    const dish = await admin.menu.create({ id: `soup-${via}`, name: 'Soup', description: 'Hot', category: 'starters', priceCents: 450, ingredients: [] });
    assert.equal(dish.category, 'starters', 'the category enum comes back as the catalogue writes it');
    const renamed = await admin.menu.update({ id: dish.id, name: 'Soup of the day', description: 'Hot', category: 'starters', priceCents: 500, ingredients: [] });
    assert.equal(renamed.priceCents, 500, 'the update answers the new price');
    assert.equal(await admin.menu.delete({ id: dish.id }), null, 'a delete answers null through every pattern');

    const { guest, token } = await anonymous.guests.register({ table: 4, name: 'Ada' });
    assert.match(token, /\S{16,}/, 'a guest token');
    const ada = anonymous.withToken(token);
    const key = `key-${via}`;
    const order = await ada.orders.place({ items: [fishAndChips] }, { idempotencyKey: key });
    assert.deepEqual(order.items[0]?.adjustments, { salt: 0, fish: 2 }, 'adjustments come back as a map, whatever the pattern');
    assert.equal(order.status, 'placed', 'a new order is placed');
    assert.equal(order.guestId, guest.id, 'the order is the guest’s');
    assert.deepEqual(await ada.orders.place({ items: [fishAndChips] }, { idempotencyKey: key }), order, 'the same idempotency key answers the same order');
    assert.deepEqual(await ada.orders.get({ id: order.id }), order, 'read back as placed');
    const listed = await ada.orders.list({ limit: 5 });
    assert.deepEqual(listed.items.map(({ id }) => id), [order.id, ...listed.items.slice(1).map(({ id }) => id)], 'the newest order first');

    const bigger = await ada.orders.update({ id: order.id, items: [{ ...fishAndChips, quantity: 2 }], expectedVersion: order.version });
    assert.equal(bigger.items[0]?.quantity, 2, 'the order now holds two');
    await fails(ada.orders.update({ id: order.id, items: [fishAndChips], expectedVersion: order.version }), 'version_mismatch');
    assert.equal((await ada.orders.update({ id: order.id, items: [{ ...fishAndChips, quantity: 3 }] })).items[0]?.quantity, 3, 'with no expected version the change is unconditional');

    const kitchen = admin.withToken(await node.staffKey('kitchen'));
    const current = await kitchen.orders.get({ id: order.id });
    await fails(kitchen.orders.setStatus({ id: order.id, status: 'accepted', expectedVersion: current.version - 1 }), 'version_mismatch');
    // Over REST the version is checked against the order itself, GET /orders/{id}, not the PUT-only /orders/{id}/status.
    const accepted = await kitchen.orders.setStatus({ id: order.id, status: 'accepted', expectedVersion: current.version });
    assert.equal(accepted.status, 'accepted', 'the status enum travels both ways, the expected version matched');

    const message = await ada.messages.send({ orderId: order.id, text: 'No salt, please', clientMessageId: `m-${via}` });
    assert.deepEqual(await ada.messages.send({ orderId: order.id, text: 'No salt, please', clientMessageId: `m-${via}` }), message, 'a retried send posts once');
    assert.deepEqual((await kitchen.messages.list({ orderId: order.id })).items, [message], 'the kitchen reads the message');

    const events = await ada.events.list({ after: '0', types: ['order.placed', 'order.accepted'] });
    assert.deepEqual(
      events.items.filter(({ subject }) => subject === `orders/${order.id}`).map(({ type }) => type),
      ['order.placed', 'order.accepted'],
      'the guest reads their order’s events, filtered by type',
    );

    const staffKey = await admin.keys.create({ role: 'waiter', name: `waiter ${via}` });
    assert.equal(staffKey.role, 'waiter', 'the role enum comes back');
    assert.deepEqual(await admin.withToken(staffKey.token).me.get(), { id: staffKey.id, role: 'waiter', name: `waiter ${via}`, table: null }, 'me.get names the key, its role enum read back');
    assert.equal(await admin.keys.revoke({ id: staffKey.id }), null, 'revoked');

    const bell = await ada.webhooks.create({ url: 'http://127.0.0.1:9/bell', types: ['order.ready'], description: 'front door' });
    assert.match(bell.secret, /^whsec_/, 'the secret is shown at creation');
    assert.equal((await ada.webhooks.get({ id: bell.id })).url, bell.url, 'read back');
    assert.deepEqual((await ada.webhooks.list()).items.map(({ id }) => id), [bell.id], 'the guest’s only endpoint');
    assert.equal((await ada.webhooks.update({ id: bell.id, description: 'back door' })).description, 'back door', 'updated');
    assert.notEqual((await ada.webhooks.rotateSecret({ id: bell.id, overlapSeconds: 0 })).secret, bell.secret, 'a new secret');
    assert.equal((await ada.webhooks.test({ id: bell.id })).type, 'webhook.test', 'a test ping is queued');
    assert.ok((await ada.webhooks.deliveries({ id: bell.id })).items.length >= 1, 'the ping is listed');
    assert.equal(typeof (await ada.webhooks.replay({ id: bell.id, after: '0' })).queued, 'number', 'a replay answers what it queued');
    assert.equal(await ada.webhooks.delete({ id: bell.id }), null, 'deleted');

    const cancelled = await ada.orders.cancel({ id: (await ada.orders.place({ items: [fishAndChips] })).id });
    assert.equal(cancelled.status, 'cancelled', 'a placed order can be cancelled');
  });

  test(`via ${via}: errors arrive as one typed error with the catalogue code, status and field pointers`, { timeout: 30_000 }, async () => {
    const client = createClient({ url: node.url, via });
    const { token } = await client.guests.register({ table: 2, name: 'Eve' });
    const eve = client.withToken(token);
    const invalid = await fails(eve.orders.place({ items: [{ menuItemId: 'fish-and-chips', quantity: 0 }] }), 'validation_failed', ['/items/0/quantity']);
    assert.equal(invalid.status, 400, 'validation_failed is a 400 on every pattern');
    const missing = await fails(eve.orders.get({ id: 'ord_01J00000000000000000000000' }), 'not_found');
    assert.equal(missing.status, 404, 'not_found is a 404 on every pattern');
    const forbidden = await fails(eve.orders.setStatus({ id: 'ord_01J00000000000000000000000', status: 'ready' }), 'forbidden');
    assert.equal(forbidden.status, 403, 'forbidden is a 403');
    await fails(client.webhooks.list(), 'unauthorized');
    const bad = await fails(createClient({ url: node.url, token: 'not-a-token', via }).menu.list(), 'unauthorized');
    assert.equal(bad.status, 401, 'a bad token is a 401 on every pattern');
    const down = await fails(createClient({ url: `http://127.0.0.1:${await freePort()}`, via }).menu.list(), 'network_error');
    assert.equal(down.retryable, true, 'no answer at all is worth retrying');
    assert.match(down.message, /ECONNREFUSED/, 'the reason fetch hides in its cause is in the message');
  });
}

test('the same reads answer the same objects through REST, JSON-RPC and GraphQL', { timeout: 30_000 }, async () => {
  const client = createClient({ url: node.url });
  const { token } = await client.guests.register({ table: 9, name: 'Bo' });
  const bo = client.withToken(token);
  const order = await bo.orders.place({ items: [fishAndChips] });
  const reads = await Promise.all(vias.map((via) => bo.orders.get({ id: order.id }, { via })));
  for (const [index, read] of reads.entries()) assert.deepEqual(read, order, `orders.get via ${vias[index]} answers the order as placed`);
  const menus = await Promise.all(vias.map((via) => client.menu.list({}, { via })));
  for (const [index, menu] of menus.entries()) assert.deepEqual(menu, menus[0], `menu.list via ${vias[index]} answers the same menu`);
});

test('every catalogue operation was called through each of the three patterns', { timeout: 5_000 }, () => {
  const all = Object.keys(operationTable) as OperationName[];
  for (const via of vias) {
    const missing = all.filter((name) => !called.get(via)!.has(name));
    assert.deepEqual(missing, [], `operations never called via ${via}`);
  }
});
