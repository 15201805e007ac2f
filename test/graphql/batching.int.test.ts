/**
 * Batch loads: a page of orders with their menu items costs the same few store reads whether it
 * holds 5 orders or 50, counted on a real SQLite store wrapped in a counting proxy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/core/store.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { data } from './graphql-steps.ts';

const readMethods: Record<string, string[]> = {
  menu: ['list', 'get', 'getMany'],
  orders: ['get', 'list'],
  messages: ['list'],
  principals: ['findByTokenHash'],
  idempotency: ['find'],
  meta: ['get'],
  events: ['read', 'lastSequence'],
};

/** The store with every read outside a transaction counted by repository and method. */
function countingStore(store: Store): { store: Store; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const wrapped: Record<string, unknown> = { ...store };
  for (const [repository, methods] of Object.entries(readMethods)) {
    const original = (store as unknown as Record<string, Record<string, (...args: unknown[]) => unknown>>)[repository] ?? {};
    const counted: Record<string, unknown> = { ...original };
    for (const method of methods) {
      counted[method] = (...args: unknown[]) => {
        const key = `${repository}.${method}`;
        reads.set(key, (reads.get(key) ?? 0) + 1);
        return original[method]?.(...args);
      };
    }
    wrapped[repository] = counted;
  }
  return { store: wrapped as unknown as Store, reads };
}

const total = (reads: Map<string, number>) => [...reads.values()].reduce((sum, count) => sum + count, 0);

let node: TestNode;
let reads: Map<string, number>;
before(async () => {
  const counting = countingStore(await createSqliteStore({ file: ':memory:' }));
  reads = counting.reads;
  node = await startTestNode({}, { store: counting.store });
});
after(() => node.close());

async function guestWithOrders(count: number): Promise<string> {
  const guest = await node.guest();
  const items = [
    { menuItemId: 'fish-and-chips', adjustments: { salt: 0, fish: 2 } },
    { menuItemId: 'lemonade', quantity: 2 },
    { menuItemId: 'tomato-soup' },
  ];
  for (let index = 0; index < count; index += 1) {
    const placed = await node.request('/orders', { token: guest.token, json: { items } });
    assert.equal(placed.status, 201, placed.text);
  }
  return guest.token;
}

const query = '{ orders(limit: 50) { items { id items { menuItem { name ingredients { name } } } } } }';

async function readsFor(token: string, expectedOrders: number): Promise<Map<string, number>> {
  reads.clear();
  const result = await data(node, query, { token });
  assert.equal(result.orders.items.length, expectedOrders);
  for (const order of result.orders.items) {
    assert.deepEqual(order.items.map((item: { menuItem: { name: string } }) => item.menuItem.name), ['Fish and chips', 'Lemonade', 'Tomato soup']);
    assert.ok(order.items[0].menuItem.ingredients.some((ingredient: { name: string }) => ingredient.name === 'salt'));
  }
  return new Map(reads);
}

test('50 orders with their menu items cost as many store reads as 5: one page read, one menu read', async () => {
  const few = await readsFor(await guestWithOrders(5), 5);
  const many = await readsFor(await guestWithOrders(50), 50);
  assert.deepEqual(Object.fromEntries(many), Object.fromEntries(few), 'the reads do not grow with the number of orders');
  assert.ok(total(many) <= 3, `store reads: ${JSON.stringify(Object.fromEntries(many))}`);
  assert.equal(many.get('orders.list'), 1);
  assert.equal(many.get('menu.list'), 1);
  assert.equal(many.get('menu.get') ?? 0, 0, 'no menu item is read one by one');
});

test('each request has its own loader: a menu change shows in the next request', async () => {
  const token = await guestWithOrders(1);
  const before = await data(node, '{ orders(limit: 1) { items { items { menuItem { priceCents } } } } }', { token });
  assert.equal(before.orders.items[0].items[0].menuItem.priceCents, 1450);
  const current = await node.request('/menu/fish-and-chips');
  const changed = await node.request('/menu/fish-and-chips', { method: 'PUT', token: node.adminToken, json: { ...current.body, id: undefined, version: undefined, updatedAt: undefined, priceCents: 1500 } });
  assert.equal(changed.status, 200, changed.text);
  const after = await data(node, '{ orders(limit: 1) { items { items { priceCents menuItem { priceCents } } } } }', { token });
  assert.deepEqual(after.orders.items[0].items[0], { priceCents: 1450, menuItem: { priceCents: 1500 } }, 'the order keeps its price; the menu item is read fresh');
});
