/** REST GET /orders: a guest sees their own, staff see all; status filter; keyset pages walked end to end. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, moveOrder, placeOrder } from './steps.ts';

let node: TestNode;
let waiter: string;
let ada: { id: string; token: string };
let bob: { id: string; token: string };
const adaOrders: string[] = [];
const bobOrders: string[] = [];

before(async () => {
  node = await startTestNode();
  waiter = await node.staffKey('waiter');
  ada = await node.guest(1, 'Ada');
  bob = await node.guest(2, 'Bob');
  for (let i = 0; i < 7; i++) adaOrders.push((await placeOrder(node, ada.token)).id);
  for (let i = 0; i < 5; i++) bobOrders.push((await placeOrder(node, bob.token)).id);
  await moveOrder(node, waiter, adaOrders[0] as string, 'accepted');
  await moveOrder(node, waiter, bobOrders[0] as string, 'accepted');
});
after(() => node.close());

/** Follows nextCursor from the first page (or `from`) to the last; returns every id in the order served. */
async function walk(token: string, query: string, from: string | null = null): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let cursor = from;
  do {
    const response = await node.request(`/orders?${query}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    assert.equal(response.status, 200, response.text);
    pages++;
    ids.push(...response.body.items.map((order: { id: string }) => order.id));
    cursor = response.body.nextCursor;
  } while (cursor !== null);
  return { ids, pages };
}

test('a guest lists only their own orders, newest first', async () => {
  const response = await node.request('/orders', { token: ada.token });
  assert.equal(response.status, 200);
  assert.deepEqual(
    response.body.items.map((order: { id: string }) => order.id),
    [...adaOrders].reverse(),
  );
  assert.ok(response.body.items.every((order: { guestId: string }) => order.guestId === ada.id));
  assert.equal(response.body.nextCursor, null);
});

test('staff list every guest’s orders', async () => {
  const response = await node.request('/orders', { token: waiter });
  const ids = response.body.items.map((order: { id: string }) => order.id);
  assert.deepEqual(new Set(ids), new Set([...adaOrders, ...bobOrders]));
});

test('the status filter keeps only orders in that status', async () => {
  const staffView = await node.request('/orders?status=accepted', { token: waiter });
  assert.deepEqual(
    staffView.body.items.map((order: { id: string }) => order.id),
    [bobOrders[0], adaOrders[0]],
  );

  const guestView = await node.request('/orders?status=accepted', { token: bob.token });
  assert.deepEqual(
    guestView.body.items.map((order: { id: string }) => order.id),
    [bobOrders[0]],
  );

  assertProblem(await node.request('/orders?status=eaten', { token: waiter }), 400, 'validation_failed', '/status');
});

test('limit and nextCursor walk every order once, without gaps or repeats', async () => {
  const { ids, pages } = await walk(waiter, 'limit=5');
  assert.equal(pages, 3);
  assert.equal(ids.length, 12);
  assert.equal(new Set(ids).size, 12);
  assert.deepEqual(ids, [...ids].sort().reverse(), 'newest first across pages');
  assert.deepEqual(new Set(ids), new Set([...adaOrders, ...bobOrders]));
});

test('pages keep the guest and status filters', async () => {
  const { ids } = await walk(ada.token, 'limit=2&status=placed');
  assert.deepEqual(ids, adaOrders.slice(1).reverse());
});

test('a page exactly as long as what is left ends with a null cursor', async () => {
  const response = await node.request('/orders?limit=7', { token: ada.token });
  assert.equal(response.body.items.length, 7);
  assert.equal(response.body.nextCursor, null);
});

test('a cursor that did not come from a page, or a limit out of range, is refused', async () => {
  assertProblem(await node.request('/orders?cursor=not-a-cursor', { token: waiter }), 400, 'validation_failed', '/cursor');
  assertProblem(await node.request('/orders?cursor=msg_01hzzzzzzzzzzzzzzzzzzzzzzz', { token: waiter }), 400, 'validation_failed', '/cursor');
  assertProblem(await node.request('/orders?limit=0', { token: waiter }), 400, 'validation_failed', '/limit');
  assertProblem(await node.request('/orders?limit=101', { token: waiter }), 400, 'validation_failed', '/limit');
  assertProblem(await node.request('/orders?limit=ten', { token: waiter }), 400, 'validation_failed', '/limit');
  assertProblem(await node.request('/orders?limit=2&limit=3', { token: waiter }), 400, 'validation_failed', '/limit');
});

test('orders placed while a client pages do not shift the pages it has yet to read', async () => {
  const first = await node.request('/orders?limit=5', { token: waiter });
  const seen: string[] = first.body.items.map((order: { id: string }) => order.id);

  const newcomer = (await placeOrder(node, bob.token)).id;
  const rest = await walk(waiter, 'limit=5', first.body.nextCursor);

  const all = [...seen, ...rest.ids];
  assert.equal(new Set(all).size, all.length, 'no order twice');
  assert.deepEqual(new Set(all), new Set([...adaOrders, ...bobOrders]));
  assert.ok(!all.includes(newcomer), 'a newer order belongs before the first page');
});
