/**
 * Sequences follow commit order, on every backend: writers on several connections (on PostgreSQL,
 * three stores with pools of their own, as three nodes) append while holding their transactions
 * open for random moments, and readers check that what they saw never changes behind them: once
 * a reader has seen sequence N, no event below N ever appears later. At the end the log is 1..N
 * with no gap and no repeat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/core/store.ts';
import { backends, openSharedStores, postgresSkipReason } from '../helpers/backends.ts';

const writersPerStore = 6;
const appendsPerWriter = 25;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function writer(store: Store, name: string): Promise<void> {
  for (let index = 0; index < appendsPerWriter; index++) {
    await store.transaction(async (session) => {
      await session.events.append([
        { specversion: '1.0', id: `evt_${name}_${index}`, source: '/bistro', type: 'menu.item.updated', subject: 'menu/x', time: new Date().toISOString(), datacontenttype: 'application/json', data: { name, index }, audience: 'public' },
      ]);
      // Held open after its append: a later appender that did not wait would commit first.
      await pause(Math.random() * 4);
    });
  }
}

/** Reads the whole log again and again until told to stop; fails on any event appearing below what it saw. */
async function reader(store: Store, stop: { done: boolean }): Promise<number> {
  const seen = new Map<number, string>();
  let high = 0;
  let reads = 0;
  while (!stop.done) {
    const events = await store.events.read({ after: 0, audiences: null, limit: 100_000 });
    reads++;
    for (const { event } of events) {
      const sequence = Number(event.sequence);
      const known = seen.get(sequence);
      if (known === undefined) {
        assert.ok(sequence > high, `event ${event.id} appeared at ${sequence}, below ${high} which this reader had already seen`);
        seen.set(sequence, event.id);
      } else {
        assert.equal(event.id, known, `sequence ${sequence} changed from ${known} to ${event.id}`);
      }
    }
    high = Math.max(high, ...seen.keys());
    await pause(Math.random() * 2);
  }
  return reads;
}

for (const backend of backends) {
  test(`${backend}: concurrent appenders on several connections commit in sequence order; readers never see a new event below one they saw`, async (t) => {
    if (backend === 'postgres') {
      const skip = await postgresSkipReason();
      if (skip) return t.skip(skip);
    }
    const shared = await openSharedStores(backend, 3);
    const { stores } = shared;
    t.after(() => shared.close());
    const stop = { done: false };
    const readers = stores.map((store) => reader(store, stop));
    await Promise.all(stores.flatMap((store, storeIndex) => Array.from({ length: writersPerStore }, (_, writerIndex) => writer(store, `s${storeIndex}w${writerIndex}`))));
    stop.done = true;
    const reads = await Promise.all(readers);
    assert.ok(reads.every((count) => count > 3), `every reader read the log several times while writers ran: ${reads.join(', ')}`);
    const all = await stores[0]!.events.read({ after: 0, audiences: null, limit: 100_000 });
    const expected = stores.length * writersPerStore * appendsPerWriter;
    assert.deepEqual(
      all.map(({ event }) => Number(event.sequence)),
      Array.from({ length: expected }, (_, index) => index + 1),
      'the log is 1..N: no gap, no repeat',
    );
    assert.equal(new Set(all.map(({ event }) => event.id)).size, expected, 'every append is there once');
  });
}
