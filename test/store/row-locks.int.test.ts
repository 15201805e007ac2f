/**
 * Row locks on PostgreSQL: a worker settling an attempt and a guest deleting the endpoint at the
 * same moment must queue behind each other, never deadlock. Settling takes the delivery (its
 * status) and then the endpoint (its failing streak); a delete takes the endpoint and then, by the
 * cascade, its deliveries. Taken in those orders the two wait for each other and PostgreSQL kills
 * one of them after `deadlock_timeout` (CI saw `webhooks.delete` answer internal_error so).
 * SQLite has one writer at a time and no row locks: there is nothing to order there.
 * Where an order nobody has found yet still deadlocks, the store runs the victim again (last test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredEndpoint } from '../../src/domain/webhook.ts';
import { openStore, postgresSkipReason } from '../helpers/backends.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const endpoint = (id: string): StoredEndpoint => ({
  id,
  url: 'http://127.0.0.1:9/bell',
  types: ['order.ready'],
  description: 'the front door',
  enabled: true,
  disabledReason: null,
  ownerId: 'gst_1',
  ownerRole: 'guest',
  secrets: [{ secret: 'whsec_x', expiresAt: null }],
  cursor: 0,
  failingSince: null,
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
});

test('postgres: deleting an endpoint while a worker settles its attempt waits for the worker instead of deadlocking', { timeout: 20_000 }, async (t) => {
  const skip = await postgresSkipReason();
  if (skip) return t.skip(skip);
  const store = await openStore('postgres');
  try {
    await store.webhooks.insert(endpoint('whk_1'));
    const now = Date.now();
    await store.deliveries.insert([{ id: 'whd_1', endpointId: 'whk_1', eventId: 'evt_1', type: 'order.ready', sequence: 1, payload: '{}', createdAt: new Date(now).toISOString(), dueAt: now, requestId: null }]);
    const claimed = await store.deliveries.claim({ endpointId: 'whk_1', owner: 'worker', leaseUntil: now + 60_000, now, limit: 1 });
    assert.equal(claimed.length, 1, 'the worker holds the delivery');

    let settledRows!: () => void;
    const rowsSettled = new Promise<void>((resolve) => (settledRows = resolve));
    const failedAt = new Date(now).toISOString();
    const settling = store.transaction(async (session) => {
      const attempt = { id: 'wha_1', eventId: 'evt_1', attempt: 1, responseStatus: null, latencyMs: 1, error: 'refused', response: '', at: failedAt, requestId: null };
      const settled = await session.deliveries.settle('worker', [{ id: 'whd_1', attempt, settlement: { status: 'pending', dueAt: now + 1000 } }]);
      settledRows();
      // The delete arrives here, between the delivery's row and the endpoint's, as it did in CI.
      await pause(300);
      await session.webhooks.setFailingSince('whk_1', failedAt);
      return settled;
    });
    await rowsSettled;
    const deleting = store.webhooks.delete('whk_1');
    const [settled, deleted] = await Promise.allSettled([settling, deleting]);
    assert.equal(settled.status, 'fulfilled', `the worker's settlement commits: ${settled.status === 'rejected' ? String(settled.reason) : ''}`);
    assert.equal(deleted.status, 'fulfilled', `the delete commits: ${deleted.status === 'rejected' ? String(deleted.reason) : ''}`);
    assert.equal(deleted.value, true, 'the delete found the endpoint');
    assert.equal(await store.webhooks.get('whk_1'), undefined, 'the endpoint is gone');
    assert.deepEqual(await store.deliveries.list('whk_1', undefined, 10), [], 'its deliveries went with it');
  } finally {
    await store.close();
  }
});

test('postgres: a command that read its endpoint with a lock finishes before a delete, instead of failing on a vanished endpoint', { timeout: 20_000 }, async (t) => {
  const skip = await postgresSkipReason();
  if (skip) return t.skip(skip);
  const store = await openStore('postgres');
  try {
    await store.webhooks.insert(endpoint('whk_2'));
    let read!: () => void;
    const endpointRead = new Promise<void>((resolve) => (read = resolve));
    const now = Date.now();
    // As webhooks.test and webhooks.replay do: read the endpoint, then queue deliveries for it.
    const queueing = store.transaction(async (session) => {
      assert.ok(await session.webhooks.get('whk_2', { lock: true }), 'the endpoint is there when the command reads it');
      read();
      await pause(300);
      await session.deliveries.insert([{ id: 'whd_2', endpointId: 'whk_2', eventId: 'evt_2', type: 'webhook.test', sequence: null, payload: '{}', createdAt: new Date(now).toISOString(), dueAt: now, requestId: null }]);
    });
    await endpointRead;
    const deleting = store.webhooks.delete('whk_2');
    const [queued, deleted] = await Promise.allSettled([queueing, deleting]);
    assert.equal(queued.status, 'fulfilled', `the command commits: ${queued.status === 'rejected' ? String(queued.reason) : ''}`);
    assert.equal(deleted.status === 'fulfilled' && deleted.value, true, `the delete then commits and removes it: ${deleted.status === 'rejected' ? String(deleted.reason) : ''}`);
    assert.deepEqual(await store.deliveries.list('whk_2', undefined, 10), [], 'the queued delivery went with its endpoint');
  } finally {
    await store.close();
  }
});

test('postgres: a transaction ended to break a deadlock runs again, so both sides of it commit', { timeout: 20_000 }, async (t) => {
  const skip = await postgresSkipReason();
  if (skip) return t.skip(skip);
  const store = await openStore('postgres');
  try {
    // Two rows each transaction takes in the opposite order: a deadlock by construction.
    await store.webhooks.insert(endpoint('whk_a'));
    await store.webhooks.insert(endpoint('whk_b'));
    let runs = 0;
    let arrived = 0;
    let bothHoldOne!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHoldOne = resolve));
    const crosswise = (first: string, second: string) =>
      store.transaction(async (session) => {
        runs += 1;
        await session.webhooks.setFailingSince(first, 'x');
        // Only the first run of each waits for the other: a rerun goes straight through.
        if (++arrived === 2) bothHoldOne();
        if (arrived <= 2) await Promise.race([barrier, pause(2000)]);
        await session.webhooks.setFailingSince(second, 'x');
        await session.webhooks.setFailingSince(first, null);
        await session.webhooks.setFailingSince(second, null);
      });
    const results = await Promise.allSettled([crosswise('whk_a', 'whk_b'), crosswise('whk_b', 'whk_a')]);
    assert.deepEqual(
      results.map((result) => (result.status === 'rejected' ? String(result.reason) : 'committed')),
      ['committed', 'committed'],
      'both transactions commit: the one PostgreSQL chose as the deadlock victim ran again',
    );
    assert.equal(runs, 3, 'three runs: two, and the victim once more');
  } finally {
    await store.close();
  }
});
