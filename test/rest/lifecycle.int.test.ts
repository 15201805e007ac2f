/** REST lifecycle: staff move orders with PUT /orders/{id}/status; guests and staff cancel with DELETE /orders/{id}. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, moveOrder, placeOrder } from './steps.ts';

let node: TestNode;
let waiter: string;
let kitchen: string;
before(async () => {
  node = await startTestNode();
  waiter = await node.staffKey('waiter');
  kitchen = await node.staffKey('kitchen');
});
after(() => node.close());

async function orderAt(status: string, ...path: string[]) {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  if (path.length > 0) assert.equal((await moveOrder(node, kitchen, order.id, ...path)).status, status);
  return { guest, order };
}

const setStatus = (id: string, status: string, token: string) => node.request(`/orders/${id}/status`, { method: 'PUT', token, json: { status } });

test('staff move an order placed → accepted → preparing → ready → served, one version per step', async () => {
  const { guest, order } = await orderAt('placed');

  const steps = [];
  for (const [status, token] of [
    ['accepted', waiter],
    ['preparing', kitchen],
    ['ready', kitchen],
    ['served', waiter],
  ] as const) {
    const response = await setStatus(order.id, status, token);
    assert.equal(response.status, 200, response.text);
    steps.push([response.body.status, response.body.version]);
  }

  assert.deepEqual(steps, [
    ['accepted', 2],
    ['preparing', 3],
    ['ready', 4],
    ['served', 5],
  ]);
  const read = await node.request(`/orders/${order.id}`, { token: guest.token });
  assert.equal(read.body.status, 'served');
  assert.deepEqual(read.body.items, order.items);
});

test('skipping a step or leaving a final status is an invalid transition, and changes nothing', async () => {
  const { order: placed } = await orderAt('placed');
  assertProblem(await setStatus(placed.id, 'ready', kitchen), 409, 'invalid_transition');
  assertProblem(await setStatus(placed.id, 'served', kitchen), 409, 'invalid_transition');
  assertProblem(await setStatus(placed.id, 'placed', kitchen), 409, 'invalid_transition');

  const { order: served } = await orderAt('served', 'accepted', 'preparing', 'ready', 'served');
  assertProblem(await setStatus(served.id, 'cancelled', waiter), 409, 'invalid_transition');
  assertProblem(await setStatus(served.id, 'accepted', waiter), 409, 'invalid_transition');

  assert.equal((await node.request(`/orders/${placed.id}`, { token: waiter })).body.version, 1);
  assert.equal((await node.request(`/orders/${served.id}`, { token: waiter })).body.status, 'served');
});

test('a status that does not exist is refused with a pointer', async () => {
  const { order } = await orderAt('placed');
  assertProblem(await setStatus(order.id, 'eaten', kitchen), 400, 'validation_failed', '/status');
  assertProblem(await setStatus('ord_00000000000000000000000000', 'accepted', kitchen), 404, 'not_found');
});

test('a guest may not move the status of an order, not even their own', async () => {
  const { guest, order } = await orderAt('placed');
  assertProblem(await setStatus(order.id, 'accepted', guest.token), 403, 'forbidden');
  assert.equal((await node.request(`/orders/${order.id}`, { token: guest.token })).body.status, 'placed');
});

test('a guest cancels their order while it is placed', async () => {
  const { guest, order } = await orderAt('placed');
  const response = await node.request(`/orders/${order.id}`, { method: 'DELETE', token: guest.token });
  assert.equal(response.status, 200, response.text);
  assert.equal(response.body.status, 'cancelled');
  assert.equal(response.body.version, 2);
});

test('a guest cancels their order while it is accepted', async () => {
  const { guest, order } = await orderAt('accepted', 'accepted');
  const response = await node.request(`/orders/${order.id}`, { method: 'DELETE', token: guest.token });
  assert.equal(response.status, 200, response.text);
  assert.equal(response.body.status, 'cancelled');
});

test('a guest cannot cancel once the kitchen is preparing, but staff can', async () => {
  const { guest, order } = await orderAt('preparing', 'accepted', 'preparing');

  assertProblem(await node.request(`/orders/${order.id}`, { method: 'DELETE', token: guest.token }), 409, 'invalid_transition');
  assert.equal((await node.request(`/orders/${order.id}`, { token: guest.token })).body.status, 'preparing');

  const byStaff = await node.request(`/orders/${order.id}`, { method: 'DELETE', token: waiter });
  assert.equal(byStaff.status, 200, byStaff.text);
  assert.equal(byStaff.body.status, 'cancelled');
});

test('nobody cancels an order that is ready, served or already cancelled', async () => {
  const { order: ready } = await orderAt('ready', 'accepted', 'preparing', 'ready');
  assertProblem(await node.request(`/orders/${ready.id}`, { method: 'DELETE', token: waiter }), 409, 'invalid_transition');

  const { guest, order: cancelled } = await orderAt('placed');
  assert.equal((await node.request(`/orders/${cancelled.id}`, { method: 'DELETE', token: guest.token })).status, 200);
  assertProblem(await node.request(`/orders/${cancelled.id}`, { method: 'DELETE', token: guest.token }), 409, 'invalid_transition');
  assertProblem(await setStatus(cancelled.id, 'accepted', kitchen), 409, 'invalid_transition');
});
