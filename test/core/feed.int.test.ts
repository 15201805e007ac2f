/**
 * The feed: it starts where the log is, fans each commit out in memory by the one visibility
 * rule, and catches up with commits made elsewhere with one read of the log for all subscribers.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src/core/core.ts';
import { createFeed } from '../../src/core/feed.ts';
import type { CloudEvent, LoggedEvent } from '../../src/domain/events.ts';
import type { Principal } from '../../src/domain/roles.ts';
import type { Store } from '../../src/core/store.ts';
import { seedMenuOnce } from '../../src/core/seed-menu.ts';
import { operations } from '../../src/operations/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { fishAndChipsNoSaltTwoFish, waitFor } from '../helpers/node.ts';

const dir = mkdtempSync(join(tmpdir(), 'bistro-feed-'));
const file = join(dir, 'bistro.db');
const opened: Store[] = [];
after(async () => {
  for (const store of opened) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A store on its own connection to the shared file, counting how often it reads the log. */
async function openCountingStore(): Promise<{ store: Store; reads: () => number }> {
  const store = await createSqliteStore({ file });
  opened.push(store);
  let reads = 0;
  const read = store.events.read.bind(store.events);
  store.events.read = (query) => {
    reads++;
    return read(query);
  };
  return { store, reads: () => reads };
}

/** A core on its own connection to the shared file, counting how often it reads the log. */
async function openNode(): Promise<{ core: Core; reads: () => number }> {
  const { store, reads } = await openCountingStore();
  const core = createCore({ store, operations, adminToken: 'feed-admin', logError: (error) => assert.fail(String(error)) });
  await core.start();
  await seedMenuOnce(store, core.invoke, core.clock);
  return { core, reads };
}

async function register(core: Core, name: string): Promise<Principal> {
  const { output } = await core.invoke('guests.register', { table: 3, name }, { id: 'anonymous', role: 'anonymous', name: 'anonymous' });
  return core.authenticateToken((output as { token: string }).token);
}

test('a node starts at the head of the log, not at 0', async () => {
  const first = await openNode();
  const guest = await register(first.core, 'Ada');
  await first.core.invoke('orders.place', { items: [fishAndChipsNoSaltTwoFish] }, guest);
  const head = first.core.feed.head();
  assert.ok(head > 0, 'the log has events');
  const second = await openNode();
  assert.equal(second.core.feed.head(), head, 'a node opened later knows how far the log is');
});

test('each commit reaches every subscriber it may, from memory, with no read of the log', async () => {
  const { core, reads } = await openNode();
  const ada = await register(core, 'Ada');
  const bob = await register(core, 'Bob');
  const kitchen: Principal = { id: 'key_k', role: 'kitchen', name: 'cook' };
  const anonymous: Principal = { id: 'anonymous', role: 'anonymous', name: 'anonymous' };
  const seen = new Map<string, CloudEvent[]>();
  const watchers = [
    ['ada', ada],
    ['bob', bob],
    ['kitchen', kitchen],
    ['anonymous', anonymous],
  ] as const;
  // Many subscribers per principal: each gets its own copy, and none costs a query.
  const stops = watchers.flatMap(([name, principal]) =>
    Array.from({ length: 25 }, (_, index) => core.feed.subscribe({ principal }, (event) => {
      if (index === 0) seen.set(name, [...(seen.get(name) ?? []), event]);
    })),
  );
  const readsBefore = reads();
  const order = (await core.invoke('orders.place', { items: [fishAndChipsNoSaltTwoFish] }, ada)).output as { id: string };
  await core.invoke('orders.setStatus', { id: order.id, status: 'accepted' }, kitchen);
  await core.invoke('menu.update', { id: 'lemonade', name: 'Lemonade', category: 'drinks', priceCents: 360 }, { id: 'admin', role: 'admin', name: 'admin' });
  stops.forEach((stop) => stop());

  const types = (name: string) => (seen.get(name) ?? []).map((event) => event.type);
  assert.deepEqual(types('ada'), ['order.placed', 'order.accepted', 'menu.item.updated'], 'a guest sees their own order and the public menu');
  assert.deepEqual(types('bob'), ['menu.item.updated'], "another guest sees only the menu, never Ada's order");
  assert.deepEqual(types('kitchen'), ['order.placed', 'order.accepted', 'menu.item.updated'], 'the kitchen is staff and sees everything');
  assert.deepEqual(types('anonymous'), ['menu.item.updated'], 'anonymous sees the public menu');
  assert.equal(reads() - readsBefore, 0, 'local commits are fanned out from memory');
});

test('a commit made elsewhere is read once for all subscribers when the bell rings', async () => {
  const here = await openNode();
  const elsewhere = await openNode();
  const guest = await register(elsewhere.core, 'Cy');
  const kitchen: Principal = { id: 'key_k', role: 'kitchen', name: 'cook' };
  const got: string[][] = Array.from({ length: 40 }, () => []);
  const stops = got.map((list) => here.core.feed.subscribe({ principal: kitchen, types: ['order.placed'] }, (event) => list.push(event.subject)));
  const readsBefore = here.reads();

  const order = (await elsewhere.core.invoke('orders.place', { items: [fishAndChipsNoSaltTwoFish] }, guest)).output as { id: string };
  here.core.feed.ring(elsewhere.core.feed.head());
  await waitFor(() => got.every((list) => list.length === 1));
  stops.forEach((stop) => stop());

  for (const list of got) assert.deepEqual(list, [`orders/${order.id}`], 'every subscriber got the order, once, filtered by type');
  assert.equal(here.reads() - readsBefore, 1, 'one read of the log served all 40 subscribers');
  assert.equal(here.core.feed.head(), elsewhere.core.feed.head(), 'both nodes agree on the head');
});

test('a subscriber that throws is logged and does not stop the others', async () => {
  const store = await createSqliteStore({ file });
  opened.push(store);
  const logged: string[] = [];
  const core = createCore({ store, operations, adminToken: 'feed-admin', logError: (_error, where) => logged.push(where) });
  await core.start();
  const received: string[] = [];
  core.feed.subscribe({ principal: { id: 'admin', role: 'admin', name: 'admin' } }, () => {
    throw new Error('broken subscriber');
  });
  core.feed.subscribe({ principal: { id: 'admin', role: 'admin', name: 'admin' } }, (event) => received.push(event.type));
  await core.invoke('menu.update', { id: 'lemonade', name: 'Lemonade', category: 'drinks', priceCents: 370 }, { id: 'admin', role: 'admin', name: 'admin' });
  assert.deepEqual(received, ['menu.item.updated'], 'the second subscriber still got the event');
  assert.deepEqual(logged, ['feed subscriber'], 'the failure was logged once');
});

test('catching up pages through the log in batches and delivers each event once, in order', async () => {
  const elsewhere = await openNode();
  const { store, reads } = await openCountingStore();
  const feed = createFeed({ store, logError: (error) => assert.fail(String(error)), readBatch: 2 });
  await feed.start();
  const start = feed.head();
  const seen: number[] = [];
  const staff: Principal = { id: 'admin', role: 'admin', name: 'admin' };
  const stop = feed.subscribe({ principal: staff, types: [] }, (event) => seen.push(Number(event.sequence)));
  for (const price of [401, 402, 403, 404, 405]) {
    await elsewhere.core.invoke('menu.update', { id: 'lemonade', name: 'Lemonade', category: 'drinks', priceCents: price }, staff);
  }
  const head = elsewhere.core.feed.head();
  // Two bells at once: one catch-up runs at a time, so nothing is delivered twice.
  feed.ring(start + 1);
  feed.ring(head);
  await waitFor(() => seen.length === 5);
  assert.equal(feed.head(), head, 'the head follows the bell');
  feed.ring(head - 1);
  assert.equal(feed.head(), head, 'an old bell never moves the head back');
  feed.ring(head);
  stop();
  assert.deepEqual(seen, [start + 1, start + 2, start + 3, start + 4, start + 5], 'every event once, in order (an empty type list means all types)');
  assert.equal(reads(), 3, 'five events read two at a time: three reads, and an old or repeated bell reads nothing');
});

test('a bell for less than the log holds delivers the whole batch it read, and moves the head that far', async () => {
  const elsewhere = await openNode();
  const store = await createSqliteStore({ file });
  opened.push(store);
  const feed = createFeed({ store, logError: (error) => assert.fail(String(error)), readBatch: 10 });
  await feed.start();
  const start = feed.head();
  const staff: Principal = { id: 'admin', role: 'admin', name: 'admin' };
  const seen: number[] = [];
  feed.subscribe({ principal: staff }, (event) => seen.push(Number(event.sequence)));
  for (const price of [421, 422, 423]) await elsewhere.core.invoke('menu.update', { id: 'lemonade', name: 'Lemonade', category: 'drinks', priceCents: price }, staff);
  feed.ring(start + 1);
  await waitFor(() => seen.length === 3);
  assert.deepEqual(seen, [start + 1, start + 2, start + 3], 'the later events came with the same read');
  assert.equal(feed.head(), start + 3, 'and the head knows them');
});

test('a bell beyond the log reads nothing forever: local commits still arrive, and a failed read is logged', async () => {
  const store = await createSqliteStore({ file });
  opened.push(store);
  const logged: string[] = [];
  let failNextRead = false;
  const read = store.events.read.bind(store.events);
  store.events.read = (query) => {
    if (failNextRead) {
      failNextRead = false;
      return Promise.reject(new Error('the log does not answer'));
    }
    return read(query);
  };
  const core = createCore({ store, operations, adminToken: 'feed-admin', logError: (_error, where) => logged.push(where) });
  await core.start();
  const staff: Principal = { id: 'admin', role: 'admin', name: 'admin' };
  const seen: string[] = [];
  core.feed.subscribe({ principal: staff }, (event) => seen.push(event.sequence));
  const head = core.feed.head();
  failNextRead = true;
  core.feed.ring(head + 1);
  await waitFor(() => logged.length === 1);
  assert.deepEqual(logged, ['feed catching up with the log'], 'the failed read is logged, not thrown');
  core.feed.ring(head + 100);
  await core.invoke('menu.update', { id: 'lemonade', name: 'Lemonade', category: 'drinks', priceCents: 430 }, staff);
  await waitFor(() => seen.length === 1);
  assert.deepEqual(seen, [String(head + 1)], 'the local commit was delivered though the bell promised more');
});

test('a removed subscriber hears nothing more, and a commit the feed already knows is not delivered twice', async () => {
  const { core } = await openNode();
  const staff: Principal = { id: 'admin', role: 'admin', name: 'admin' };
  const first: string[] = [];
  const second: string[] = [];
  const stopFirst = core.feed.subscribe({ principal: staff }, (event) => first.push(event.type));
  core.feed.subscribe({ principal: staff }, (event) => second.push(event.type));
  const published: LoggedEvent[] = [];
  core.onCommit((events) => published.push(...events));
  await core.invoke('menu.update', { id: 'lemonade', name: 'Lemonade', category: 'drinks', priceCents: 410 }, staff);
  stopFirst();
  await core.invoke('menu.update', { id: 'lemonade', name: 'Lemonade', category: 'drinks', priceCents: 411 }, staff);
  const head = core.feed.head();
  core.feed.publish(published);
  assert.equal(core.feed.head(), head, 'publishing old events never moves the head back');
  assert.deepEqual(first, ['menu.item.updated'], 'the removed subscriber got only the first change');
  assert.deepEqual(second, ['menu.item.updated', 'menu.item.updated'], 'the other got both, and the replayed publish added nothing');
});
