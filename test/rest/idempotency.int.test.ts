/** REST Idempotency-Key on POST /orders: replays, reuse with another body, concurrent duplicates, and keys that outlive a restart. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, readAllEvents } from './steps.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

const order = { items: [fishAndChipsNoSaltTwoFish] };
const place = (target: TestNode, token: string, key: string, json: unknown = order) =>
  target.request('/orders', { token, json, headers: { 'idempotency-key': key } });

async function ordersOf(target: TestNode, token: string): Promise<string[]> {
  const response = await target.request('/orders', { token });
  return response.body.items.map((item: { id: string }) => item.id);
}

async function placedEventsFor(target: TestNode, guestId: string) {
  const events = await readAllEvents(target, target.adminToken, { query: '&types=order.placed' });
  return events.filter((event) => event.data.guestId === guestId);
}

test('a repeated key replays the stored answer: same order, marked replayed, and only one order and event exist', async () => {
  const guest = await node.guest();

  const first = await place(node, guest.token, 'table-7-first-round');
  const repeat = await place(node, guest.token, 'table-7-first-round');

  assert.equal(first.status, 201, first.text);
  assert.equal(first.headers.get('idempotent-replayed'), null);
  assert.equal(repeat.status, 201, repeat.text);
  assert.equal(repeat.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(repeat.body, first.body);
  assert.equal(repeat.headers.get('location'), first.headers.get('location'));
  assert.equal(repeat.headers.get('etag'), first.headers.get('etag'));

  assert.deepEqual(await ordersOf(node, guest.token), [first.body.id]);
  assert.equal((await placedEventsFor(node, guest.id)).length, 1);
});

test('the replay is the first answer even after the order has moved on', async () => {
  const guest = await node.guest();
  const first = await place(node, guest.token, 'then-cancelled');
  assert.equal((await node.request(`/orders/${first.body.id}`, { method: 'DELETE', token: guest.token })).status, 200);

  const repeat = await place(node, guest.token, 'then-cancelled');
  assert.equal(repeat.headers.get('idempotent-replayed'), 'true');
  assert.equal(repeat.body.status, 'placed');
  assert.deepEqual(await ordersOf(node, guest.token), [first.body.id]);
});

test('the same key with a different body is 422 idempotency_key_reused, and places nothing', async () => {
  const guest = await node.guest();
  const first = await place(node, guest.token, 'dinner');

  const other = await place(node, guest.token, 'dinner', { items: [{ menuItemId: 'lemonade' }] });

  assertProblem(other, 422, 'idempotency_key_reused');
  assert.deepEqual(await ordersOf(node, guest.token), [first.body.id]);
});

test('defaults filled in by the server do not make a repeat look different', async () => {
  const guest = await node.guest();
  const first = await place(node, guest.token, 'defaults', { items: [{ menuItemId: 'lemonade' }] });
  const explicit = await place(node, guest.token, 'defaults', { items: [{ menuItemId: 'lemonade', quantity: 1 }] });
  assert.equal(explicit.status, 201, explicit.text);
  assert.equal(explicit.body.id, first.body.id);
});

test('keys belong to one guest: another guest with the same key gets their own order', async () => {
  const ada = await node.guest(1, 'Ada');
  const bob = await node.guest(2, 'Bob');
  const adas = await place(node, ada.token, 'shared-key');
  const bobs = await place(node, bob.token, 'shared-key');
  assert.equal(bobs.status, 201);
  assert.equal(bobs.headers.get('idempotent-replayed'), null);
  assert.notEqual(bobs.body.id, adas.body.id);
  assert.equal(bobs.body.guestId, bob.id);
});

test('a refused request does not use up its key: the corrected retry places the order', async () => {
  const guest = await node.guest();
  const refused = await place(node, guest.token, 'typo', { items: [{ menuItemId: 'fish-and-chip' }] });
  assertProblem(refused, 400, 'validation_failed', '/items/0/menuItemId');

  const corrected = await place(node, guest.token, 'typo');
  assert.equal(corrected.status, 201, corrected.text);
  assert.equal(corrected.headers.get('idempotent-replayed'), null);
});

test('an empty key is refused', async () => {
  const guest = await node.guest();
  assertProblem(await place(node, guest.token, ''), 400, 'validation_failed');
  assert.deepEqual(await ordersOf(node, guest.token), []);
});

test('concurrent duplicates create exactly one order; every answer is that order or 409 in progress', async () => {
  const guest = await node.guest();

  const answers = await Promise.all(Array.from({ length: 8 }, () => place(node, guest.token, 'double-click')));

  const created = answers.filter((answer) => answer.status === 201);
  const busy = answers.filter((answer) => answer.status === 409);
  assert.equal(created.length + busy.length, answers.length, answers.map((answer) => answer.status).join(','));
  assert.ok(created.length >= 1);
  const ids = new Set(created.map((answer) => answer.body.id));
  assert.equal(ids.size, 1, 'every 201 names the same order');
  assert.equal(created.filter((answer) => answer.headers.get('idempotent-replayed') === null).length, 1, 'one answer did the work');
  for (const answer of busy) assertProblem(answer, 409, 'idempotency_key_in_progress');

  assert.deepEqual(await ordersOf(node, guest.token), [...ids]);
  assert.equal((await placedEventsFor(node, guest.id)).length, 1);
});

test('a key survives a restart: a new node on the same database replays the order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-idempotency-'));
  const env = { BISTRO_DB: `sqlite:${join(dir, 'bistro.db')}` };
  try {
    const before = await startTestNode(env);
    const guest = await before.guest();
    const first = await place(before, guest.token, 'before-the-restart');
    assert.equal(first.status, 201);
    await before.close();

    const afterRestart = await startTestNode(env);
    try {
      const repeat = await place(afterRestart, guest.token, 'before-the-restart');
      assert.equal(repeat.status, 201, repeat.text);
      assert.equal(repeat.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(repeat.body, first.body);
      assert.deepEqual(await ordersOf(afterRestart, guest.token), [first.body.id]);
      assert.equal((await placedEventsFor(afterRestart, guest.id)).length, 1);
      assertProblem(await place(afterRestart, guest.token, 'before-the-restart', { items: [{ menuItemId: 'lemonade' }] }), 422, 'idempotency_key_reused');
    } finally {
      await afterRestart.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
