/** GraphQL's ready-made answers: never stale after a change by any pattern, never a way around auth, never one caller's answer for another. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish } from '../helpers/node.ts';
import { startHeldReadsNode, type HeldReadsNode } from '../helpers/held-reads.ts';

let held: HeldReadsNode;
before(async () => {
  held = await startHeldReadsNode();
});
after(() => held.close());

const itemQuery = 'query Item($id: ID!) { menuItem(id: $id) { id priceCents category } }';
const graphql = (query: string, variables?: object, token?: string) => held.node.request('/graphql', { json: { query, ...(variables ? { variables } : {}) }, ...(token ? { token } : {}) });

/** Changes a menu item's price through JSON-RPC (another pattern), as the admin. */
async function reprice(id: string, priceCents: number) {
  const current = await held.node.request(`/menu/${id}`);
  const { version: _version, updatedAt: _updatedAt, ...fields } = current.body;
  const changed = await held.node.request('/rpc', { token: held.node.adminToken, json: { jsonrpc: '2.0', id: 1, method: 'menu.update', params: { ...fields, priceCents } } });
  assert.equal(changed.body.result?.priceCents, priceCents, `the JSON-RPC change went through: ${changed.text}`);
}

test('a menu change through JSON-RPC shows at once in the next GraphQL read, over POST and GET', async () => {
  const first = await graphql(itemQuery, { id: 'tomato-soup' });
  assert.equal(first.body.data.menuItem.id, 'tomato-soup', first.text);
  assert.equal((await graphql(itemQuery, { id: 'tomato-soup' })).text, first.text, 'a repeat read is the same answer');
  const viaGet = await held.node.request(`/graphql?query=${encodeURIComponent(itemQuery)}&variables=${encodeURIComponent('{"id":"tomato-soup"}')}`);
  assert.equal(viaGet.text, first.text, 'GET reads the same answer');
  await graphql('{ menu { id priceCents } }');
  await reprice('tomato-soup', 888);
  const item = await graphql(itemQuery, { id: 'tomato-soup' });
  assert.equal(item.body.data.menuItem.priceCents, 888, `the item answer is fresh: ${item.text}`);
  const menu = await graphql('{ menu { id priceCents } }');
  assert.equal(menu.body.data.menu.find((entry: { id: string }) => entry.id === 'tomato-soup').priceCents, 888, 'the menu answer is fresh too');
});

test('the media type follows each request, not the kept answer', async () => {
  await graphql(itemQuery, { id: 'lemonade' });
  const response = await held.node.request('/graphql', { json: { query: itemQuery, variables: { id: 'lemonade' } }, headers: { accept: 'application/graphql-response+json' } });
  assert.equal(response.status, 200, response.text);
  assert.match(response.headers.get('content-type') ?? '', /^application\/graphql-response\+json/, 'the content type this client asked for');
  assert.equal(response.body.data.menuItem.id, 'lemonade', 'and the item');
});

test('a bad token is refused even when the answer is ready-made', async () => {
  await graphql(itemQuery, { id: 'lemonade' });
  assert.equal((await graphql(itemQuery, { id: 'lemonade' })).body.data.menuItem.id, 'lemonade', 'the answer is ready');
  const refused = await graphql(itemQuery, { id: 'lemonade' }, 'not-a-token');
  assert.equal(refused.status, 401, `a bad token is 401: ${refused.text}`);
  assert.equal(refused.body.errors?.[0]?.extensions?.code, 'unauthorized', 'with the catalogue code');
  assert.equal(refused.body.data, undefined, 'and no menu');
});

test('an answer read before the log grew is not kept', async () => {
  await reprice('mushroom-risotto', 1500); // the log grows, so nothing for the item is ready-made
  const hold = held.holdNextRead();
  const inFlight = graphql(itemQuery, { id: 'mushroom-risotto' });
  await hold.reached;
  await reprice('mushroom-risotto', 1600); // commits while the read above holds the old row
  hold.release();
  assert.equal((await inFlight).body.data.menuItem.priceCents, 1500, 'the held read answered what it read before the change');
  const next = await graphql(itemQuery, { id: 'mushroom-risotto' });
  assert.equal(next.body.data.menuItem.priceCents, 1600, 'the next read is not served the answer read before the change');
});

test('a query whose answer depends on the caller is never kept, even beside a shared read', async () => {
  const ada = await held.node.guest(3, 'Ada');
  const bob = await held.node.guest(4, 'Bob');
  const placed = await held.node.request('/orders', { token: ada.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
  assert.equal(placed.status, 201, placed.text);
  const mixed = '{ menuItem(id: "lemonade") { id } orders { items { id items { menuItem { id } } } } }';
  const adas = await graphql(mixed, undefined, ada.token);
  assert.equal(adas.body.data.orders.items.length, 1, `Ada sees her order: ${adas.text}`);
  const bobs = await graphql(mixed, undefined, bob.token);
  assert.deepEqual(bobs.body.data.orders.items, [], 'Bob, sending the very same query next, sees none of Ada’s orders');
  assert.equal(bobs.body.data.menuItem.id, 'lemonade', 'and still reads the menu');
});

test('an item read as missing and created next is read at once, not the earlier error', async () => {
  const missing = await graphql(itemQuery, { id: 'no-such-item' });
  assert.equal(missing.body.errors?.[0]?.extensions?.code, 'not_found', missing.text);
  const created = await held.node.request('/menu', {
    token: held.node.adminToken,
    json: { id: 'no-such-item', name: 'Now there is', description: 'Made for this test', category: 'drinks', priceCents: 100, available: true, ingredients: [] },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal((await graphql(itemQuery, { id: 'no-such-item' })).body.data.menuItem.id, 'no-such-item', 'the new item is read, not the earlier error');
});
