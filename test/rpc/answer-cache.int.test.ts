/** JSON-RPC's ready-made answers: never stale after a change by any pattern, never a way around auth, never one caller's answer for another. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish } from '../helpers/node.ts';
import { startHeldReadsNode, type HeldReadsNode } from '../helpers/held-reads.ts';

let held: HeldReadsNode;
before(async () => {
  held = await startHeldReadsNode();
});
after(() => held.close());

const call = (method: string, params: object, id: number | string = 1) => ({ jsonrpc: '2.0', method, params, id });
const rpc = (body: object, token?: string) => held.node.request('/rpc', { json: body, ...(token ? { token } : {}) });

/** Changes a menu item's price through REST (another pattern), as the admin. */
async function reprice(id: string, priceCents: number) {
  const current = await held.node.request(`/menu/${id}`);
  const { id: _id, version: _version, updatedAt: _updatedAt, ...fields } = current.body;
  const changed = await held.node.request(`/menu/${id}`, { method: 'PUT', token: held.node.adminToken, json: { ...fields, priceCents } });
  assert.equal(changed.status, 200, `the REST change went through: ${changed.text}`);
}

test('a menu change through REST shows at once in the next menu.get and menu.list, with the caller’s id', async () => {
  const first = await rpc(call('menu.get', { id: 'tomato-soup' }, 'a'));
  const again = await rpc(call('menu.get', { id: 'tomato-soup' }, 'b'));
  assert.deepEqual(again.body, { ...first.body, id: 'b' }, 'a repeat call answers the same result under its own id');
  await rpc(call('menu.list', {}));
  await reprice('tomato-soup', 777);
  const item = await rpc(call('menu.get', { id: 'tomato-soup' }, 7));
  assert.equal(item.body.result.priceCents, 777, `the item answer is fresh: ${item.text}`);
  assert.equal(item.body.id, 7, 'and carries this call’s id');
  const menu = await rpc(call('menu.list', {}));
  assert.equal(menu.body.result.items.find((entry: { id: string }) => entry.id === 'tomato-soup').priceCents, 777, 'the menu answer is fresh too');
});

test('a ready-made answer in a batch sits beside fresh ones, each with its own id', async () => {
  const response = await rpc([call('menu.get', { id: 'lemonade' }, 1), call('menu.get', { id: 'lemonade' }, 2), call('menu.get', { id: 'no-such-item' }, 3)]);
  assert.equal(response.status, 200, response.text);
  assert.deepEqual(response.body.map((each: { id: number }) => each.id), [1, 2, 3], 'answers keep the batch order and ids');
  assert.equal(response.body[0].result.id, 'lemonade', 'the first call answered');
  assert.deepEqual(response.body[1].result, response.body[0].result, 'the second call answered the same item');
  assert.equal(response.body[2].error.data.code, 'not_found', 'an unknown item is still an error');
});

test('a bad token is refused even when the answer is ready-made', async () => {
  await rpc(call('menu.get', { id: 'lemonade' }));
  const cached = await rpc(call('menu.get', { id: 'lemonade' }));
  assert.equal(cached.body.result.id, 'lemonade', 'the answer is ready');
  const refused = await rpc(call('menu.get', { id: 'lemonade' }), 'not-a-token');
  assert.equal(refused.body.error?.code, -32001, `a bad token gets the unauthorized error: ${refused.text}`);
  assert.equal(refused.body.error?.data?.code, 'unauthorized', 'named as the catalogue code');
  assert.equal(refused.body.result, undefined, 'and no menu');
});

test('an answer read before the log grew is not kept', async () => {
  await reprice('mushroom-risotto', 1500); // the log grows, so nothing for the item is ready-made
  const hold = held.holdNextRead();
  const inFlight = rpc(call('menu.get', { id: 'mushroom-risotto' }));
  await hold.reached;
  await reprice('mushroom-risotto', 1600); // commits while the read above holds the old row
  hold.release();
  assert.equal((await inFlight).body.result.priceCents, 1500, 'the held read answered what it read before the change');
  const next = await rpc(call('menu.get', { id: 'mushroom-risotto' }));
  assert.equal(next.body.result.priceCents, 1600, 'the next call is not served the answer read before the change');
});

test('a read whose answer depends on the caller is never kept', async () => {
  const ada = await held.node.guest(3, 'Ada');
  const bob = await held.node.guest(4, 'Bob');
  const placed = await rpc(call('orders.place', { items: [fishAndChipsNoSaltTwoFish] }), ada.token);
  assert.ok(placed.body.result?.id, `Ada placed an order: ${placed.text}`);
  const adas = await rpc(call('orders.list', {}), ada.token);
  assert.equal(adas.body.result.items.length, 1, 'Ada sees her order');
  const bobs = await rpc(call('orders.list', {}), bob.token);
  assert.deepEqual(bobs.body.result.items, [], 'Bob, asking the very same call next, sees none of Ada’s orders');
  const anonymous = await rpc(call('orders.list', {}));
  assert.equal(anonymous.body.error?.data?.code, 'unauthorized', 'and an anonymous caller is refused, not served a kept list');
});
