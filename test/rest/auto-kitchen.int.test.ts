/** The auto kitchen (BISTRO_KITCHEN=auto) seen through REST: orders move placed → … → served by themselves, as ordinary events. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { currentCursor, placeOrder, readAllEvents } from './steps.ts';

let node: TestNode;
before(async () => {
  // Long enough that a guest's cancel lands before the kitchen starts preparing, even on a busy machine.
  node = await startTestNode({ BISTRO_KITCHEN: 'auto', BISTRO_KITCHEN_PACE_MS: '250' });
});
after(() => node.close());

test('an order goes placed → accepted → preparing → ready → served by itself', async () => {
  const guest = await node.guest();
  const before = await currentCursor(node);
  const order = await placeOrder(node, guest.token);

  const events = await waitFor(async () => {
    const seen = await readAllEvents(node, guest.token, { after: before });
    return seen.some((event) => event.type === 'order.served') && seen;
  });

  assert.deepEqual(
    events.map((event) => [event.type, event.subject]),
    ['order.placed', 'order.accepted', 'order.preparing', 'order.ready', 'order.served'].map((type) => [type, `orders/${order.id}`]),
  );
  const read = await node.request(`/orders/${order.id}`, { token: guest.token });
  assert.equal(read.body.status, 'served');
  assert.equal(read.body.version, 5);
});

test('the auto kitchen leaves a cancelled order alone', async () => {
  const guest = await node.guest();
  const cancelled = await placeOrder(node, guest.token);
  const gone = await node.request(`/orders/${cancelled.id}`, { method: 'DELETE', token: guest.token });
  assert.equal(gone.status, 200, gone.text);

  // A later order being served proves the kitchen has passed over the cancelled one several times.
  const later = await placeOrder(node, guest.token);
  await waitFor(async () => (await node.request(`/orders/${later.id}`, { token: guest.token })).body.status === 'served');

  const read = await node.request(`/orders/${cancelled.id}`, { token: guest.token });
  assert.equal(read.body.status, 'cancelled');
  assert.equal(read.body.version, gone.body.version);
});

test('the auto kitchen wakes on the feed: an idle kitchen reads nothing', async () => {
  const store = await createSqliteStore({ file: ':memory:' });
  let lists = 0;
  const list = store.orders.list.bind(store.orders);
  store.orders.list = (query) => {
    lists++;
    return list(query);
  };
  const idle = await startTestNode({ BISTRO_KITCHEN: 'auto', BISTRO_KITCHEN_PACE_MS: '20' }, { store });
  try {
    const atStart = lists;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(lists, atStart, 'fifteen paces of an empty restaurant cost no query');
    const guest = await idle.guest();
    const order = await placeOrder(idle, guest.token);
    await waitFor(async () => (await idle.request(`/orders/${order.id}`, { token: guest.token })).body.status === 'served');
    assert.equal(lists, atStart, 'and serving an order needed no listing either');
  } finally {
    await idle.close();
  }
});

test('after a restart the auto kitchen picks up the orders already under way', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-kitchen-'));
  const db = `sqlite:${join(dir, 'bistro.db')}`;
  try {
    const manual = await startTestNode({ BISTRO_DB: db, BISTRO_KITCHEN: 'manual' });
    const guest = await manual.guest();
    const order = await placeOrder(manual, guest.token);
    await manual.close();
    const auto = await startTestNode({ BISTRO_DB: db, BISTRO_KITCHEN: 'auto', BISTRO_KITCHEN_PACE_MS: '20' });
    try {
      await waitFor(async () => (await auto.request(`/orders/${order.id}`, { token: guest.token })).body.status === 'served');
    } finally {
      await auto.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
