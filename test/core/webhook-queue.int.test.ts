/**
 * The delivery queue without a worker: core and a real SQLite store, driven by hand as two workers
 * would drive it. Leases keep workers apart and lapse when a worker dies; queuing from the log is
 * exactly once per endpoint however many passes race; per-endpoint room is respected.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src/core/core.ts';
import type { Store } from '../../src/core/store.ts';
import { operations } from '../../src/operations/index.ts';
import { seedMenuOnce } from '../../src/core/seed-menu.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Principal } from '../../src/domain/roles.ts';

const dir = mkdtempSync(join(tmpdir(), 'bistro-queue-'));
let store: Store;
let core: Core;
let now = Date.parse('2026-11-30T12:00:00Z');
const admin: Principal = { id: 'admin', role: 'admin', name: 'admin' };

before(async () => {
  store = await createSqliteStore({ file: join(dir, 'bistro.db'), synchronous: 'normal' });
  core = createCore({
    store,
    operations,
    adminToken: 'queue-test-admin',
    clock: () => new Date(now),
    retryPolicy: { schedule: [0, 1000, 1000], retryAfterCapMs: 5000, disableAfterMs: 60_000 },
    targetProblem: async () => undefined,
  });
  await core.start();
  await seedMenuOnce(store, core.invoke, core.clock);
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function endpointFor(types: string[]): Promise<string> {
  const { output } = await core.invoke('webhooks.create', { url: 'https://bell.example/', types }, admin);
  return (output as { id: string }).id;
}

async function updateMenu(times: number): Promise<void> {
  for (let index = 0; index < times; index++) {
    const { output } = await core.invoke('menu.get', { id: 'lemonade' }, admin);
    const { version, updatedAt: _updatedAt, ...item } = output as { version: number; priceCents: number; updatedAt: string };
    await core.invoke('menu.update', { ...item, priceCents: item.priceCents + 1, expectedVersion: version }, admin);
  }
}

const outcome = (ok: boolean) => ({ ok, status: ok ? 200 : 500, latencyMs: 3, error: ok ? null : 'HTTP 500', excerpt: '', retryAfterMs: null, gone: false, at: new Date(now) });

test('racing passes queue each event once per endpoint: the cursor moves with the deliveries it wrote', async () => {
  const endpoint = await endpointFor(['menu.item.updated']);
  await updateMenu(5);
  const queued = await Promise.all([core.webhooks.queueNew(), core.webhooks.queueNew(), core.webhooks.queueNew()]);
  assert.equal(queued.reduce((sum, count) => sum + count, 0), 5, `five deliveries between three racing passes: ${queued.join(', ')}`);
  assert.equal(await core.webhooks.queueNew(), 0, 'nothing more to queue');
  const listed = await store.deliveries.list(endpoint, undefined, 100);
  assert.equal(new Set(listed.map((delivery) => delivery.eventId)).size, 5, 'five distinct events');
  await core.invoke('webhooks.delete', { id: endpoint }, admin);
});

test('a lease keeps another worker off a delivery, lapses when its worker dies, and the dead worker can no longer settle it', async () => {
  const endpoint = await endpointFor(['menu.item.updated']);
  await updateMenu(1);
  await core.webhooks.queueNew();
  const first = await core.webhooks.claim('worker-a', 10_000, 10, () => 10);
  assert.equal(first.length, 1, 'worker A takes the delivery');
  assert.equal((await core.webhooks.claim('worker-b', 10_000, 10, () => 10)).length, 0, 'worker B cannot take it while the lease holds');
  now += 10_001;
  const taken = await core.webhooks.claim('worker-b', 10_000, 10, () => 10);
  assert.deepEqual(taken.map(({ id }) => id), first.map(({ id }) => id), 'after the lease lapses, worker B takes it');
  await core.webhooks.settle([{ delivery: first[0]!, outcome: outcome(true) }], 'worker-a');
  const [afterDead] = await store.deliveries.list(endpoint, undefined, 10);
  assert.deepEqual([afterDead?.status, afterDead?.attempts.length], ['pending', 0], 'the dead worker settles nothing: no attempt, still pending');
  await core.webhooks.settle([{ delivery: taken[0]!, outcome: outcome(true) }], 'worker-b');
  const [settled] = await store.deliveries.list(endpoint, undefined, 10);
  assert.deepEqual([settled?.status, settled?.attempts.length], ['delivered', 1], 'the live worker delivers it');
  await core.invoke('webhooks.delete', { id: endpoint }, admin);
});

test('a failure is due again after the schedule, a release gives a delivery back at once, and room per endpoint is respected', async () => {
  const endpoint = await endpointFor(['menu.item.updated']);
  await updateMenu(4);
  await core.webhooks.queueNew();
  const two = await core.webhooks.claim('worker-a', 10_000, 10, (id) => (id === endpoint ? 2 : 0));
  assert.equal(two.length, 2, 'no more than the room the worker has for the endpoint');
  await core.webhooks.release(two.map(({ id }) => id), 'worker-a');
  const all = await core.webhooks.claim('worker-b', 10_000, 10, () => 10);
  assert.equal(all.length, 4, 'released deliveries are claimable at once');
  await core.webhooks.settle([{ delivery: all[0]!, outcome: outcome(false) }], 'worker-b');
  for (const delivery of all.slice(1)) await core.webhooks.settle([{ delivery: delivery, outcome: outcome(true) }], 'worker-b');
  assert.equal((await core.webhooks.claim('worker-b', 10_000, 10, () => 10)).length, 0, 'the failed one is not due yet');
  const due = await core.webhooks.nextDue();
  assert.ok(due !== null && due >= now + 800 && due <= now + 1200, `due again after the 1 s step of the schedule, ±20%: ${due === null ? 'none' : due - now} ms`);
  now = due;
  const retried = await core.webhooks.claim('worker-b', 10_000, 10, () => 10);
  assert.deepEqual(retried.map(({ id, attempts }) => [id, attempts]), [[all[0]!.id, 1]], 'the failed delivery comes back with one attempt made');
  await core.webhooks.settle([{ delivery: retried[0]!, outcome: outcome(true) }], 'worker-b');
  await core.invoke('webhooks.delete', { id: endpoint }, admin);
});

test('one pass queues for more endpoints than fit one batch, each event once per endpoint, each owner only what they may see', async () => {
  const guest = (await core.invoke('guests.register', { table: 3, name: 'Ada' }, { id: 'anonymous', role: 'anonymous', name: 'anonymous' })).output as { guest: { id: string } };
  const cursor = await store.events.lastSequence();
  const ids: string[] = [];
  for (let index = 0; index < 250; index++) {
    const guestOwned = index % 2 === 0;
    const id = `whe_${String(index).padStart(26, '0')}`;
    ids.push(id);
    await store.webhooks.insert({
      id,
      url: 'https://bell.example/',
      types: ['menu.item.updated', 'order.placed'],
      description: '',
      enabled: true,
      disabledReason: null,
      ownerId: guestOwned ? guest.guest.id : 'admin',
      ownerRole: guestOwned ? 'guest' : 'admin',
      secrets: [{ secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0', expiresAt: null }],
      cursor,
      failingSince: null,
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
    });
  }
  await updateMenu(2);
  const stranger = (await core.invoke('guests.register', { table: 4, name: 'Bob' }, { id: 'anonymous', role: 'anonymous', name: 'anonymous' })).output as { guest: { id: string } };
  await core.invoke('orders.place', { items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] }, { id: stranger.guest.id, role: 'guest', name: 'Bob', table: 4 });
  const queued = await core.webhooks.queueNew();
  assert.equal(queued, 250 * 2 + 125, `two menu events for all 250, and Bob's order for the 125 admin endpoints only: ${queued}`);
  for (const [index, id] of ids.entries()) {
    const types = (await store.deliveries.list(id, undefined, 10)).map((delivery) => delivery.type).sort();
    const expected = index % 2 === 0 ? ['menu.item.updated', 'menu.item.updated'] : ['menu.item.updated', 'menu.item.updated', 'order.placed'];
    assert.deepEqual(types, expected, `endpoint ${index} (${index % 2 === 0 ? "Ada's" : "the admin's"})`);
  }
  assert.equal(await core.webhooks.queueNew(), 0, 'nothing is queued twice');
  for (const id of ids) await store.webhooks.delete(id);
});
