/** The auto kitchen (BISTRO_KITCHEN=auto) seen through REST: orders move placed → … → served by themselves, as ordinary events. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { currentCursor, placeOrder, readAllEvents } from './steps.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode({ BISTRO_KITCHEN: 'auto', BISTRO_KITCHEN_PACE_MS: '50' });
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
