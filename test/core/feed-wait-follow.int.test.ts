/**
 * What the push patterns stand on: `wait` parks until a visible event exists, `park` hears from
 * the moment it is made, `follow` joins the backlog to the live feed without gap or repeat, and
 * `close` answers everyone at once. None of them leaves a listener or a timer behind.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BistroError, createCore, type CloudEvent, type Core, type Principal } from '../../src/core/core.ts';
import { createFeed } from '../../src/core/feed.ts';
import { seedMenuOnce } from '../../src/core/seed-menu.ts';
import type { Store } from '../../src/core/store.ts';
import { operations } from '../../src/operations/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { fishAndChipsNoSaltTwoFish } from '../helpers/node.ts';

const dir = mkdtempSync(join(tmpdir(), 'bistro-wait-'));
const stores: Store[] = [];
after(async () => {
  for (const store of stores) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const admin: Principal = { id: 'admin', role: 'admin', name: 'admin' };
const anonymous: Principal = { id: 'anonymous', role: 'anonymous', name: 'anonymous' };

async function openCore(name: string, keepEvents = 0): Promise<Core> {
  const store = await openStore(name);
  const core = createCore({ store, operations, adminToken: 'wait-admin', keepEvents, logError: (error) => assert.fail(String(error)) });
  await core.start();
  await seedMenuOnce(store, core.invoke, core.clock);
  return core;
}

async function openStore(name: string): Promise<Store> {
  const store = await createSqliteStore({ file: join(dir, `${name}.db`) });
  stores.push(store);
  return store;
}

async function guestOf(core: Core, name: string): Promise<Principal> {
  const { output } = await core.invoke('guests.register', { table: 4, name }, anonymous);
  return core.authenticateToken((output as { token: string }).token);
}

const place = async (core: Core, guest: Principal) => (await core.invoke('orders.place', { items: [fishAndChipsNoSaltTwoFish] }, guest)).output as { id: string };
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

test('wait answers at once when something is there, and parks until a visible event when not', async () => {
  const core = await openCore('wait');
  const ada = await guestOf(core, 'Ada');
  const bob = await guestOf(core, 'Bob');
  const head = core.feed.head();
  const ready = await core.feed.wait(0, { principal: anonymous }, 3, { timeoutMs: 10_000 });
  assert.equal(ready.items.length, 3, 'events already in the log are answered without waiting');

  const waiting = core.feed.wait(head, { principal: ada }, 10, { timeoutMs: 10_000 });
  await place(core, bob);
  const adaOrder = await place(core, ada);
  const page = await waiting;
  assert.deepEqual(page.items.map((event) => event.subject), [`orders/${adaOrder.id}`], "Bob's order does not wake Ada; her own does");
  assert.equal(page.nextCursor, page.items[0]?.sequence, 'the cursor is the last event handed out');
  assert.equal(core.feed.subscriberCount(), 1, 'only the core’s own revocation listener is left');
});

test('a wait ends empty on timeout, at once on abort and on close, and leaves no listener or timer', async () => {
  const core = await openCore('ends');
  const head = core.feed.head();
  const listeners = core.feed.subscriberCount();
  const timersBefore = timers();

  const timedOut = await core.feed.wait(head, { principal: admin }, 10, { timeoutMs: 30 });
  assert.deepEqual(timedOut, { items: [], nextCursor: String(head) }, 'the wait ran out: an empty page at the same cursor');

  const aborts = Array.from({ length: 1000 }, () => new AbortController());
  const parked = aborts.map((controller) => core.feed.wait(head, { principal: admin }, 10, { signal: controller.signal, timeoutMs: 60_000 }));
  await new Promise((resolve) => setImmediate(resolve));
  for (const controller of aborts) controller.abort();
  const pages = await Promise.all(parked);
  assert.ok(pages.every((page) => page.items.length === 0), 'an abandoned wait answers an empty page');
  assert.equal(core.feed.subscriberCount(), listeners, '1,000 abandoned waits leave no listener');
  assert.equal(timers(), timersBefore, '1,000 abandoned waits leave no timer');

  const closing = core.feed.wait(head, { principal: admin }, 10, { timeoutMs: 60_000 });
  const started = Date.now();
  core.stop();
  assert.deepEqual((await closing).items, [], 'shutdown answers a parked wait at once');
  assert.ok(Date.now() - started < 1000, 'without waiting out its minute');
  assert.deepEqual((await core.feed.wait(head, { principal: admin }, 10, { timeoutMs: 60_000 })).items, [], 'a wait that starts after shutdown ends at once');
});

test('park hears from the moment it is made, so a change between park and read is not lost', async () => {
  const core = await openCore('park');
  const ada = await guestOf(core, 'Ada');
  const order = await place(core, ada);
  const subject = `orders/${order.id}`;
  const parked = core.feed.park({ principal: ada, subject }, { timeoutMs: 10_000 });
  // The change lands before the caller knows what it is waiting for (its read was slow).
  await core.invoke('orders.cancel', { id: order.id }, ada);
  const tag = Number((await core.feed.read(0, { principal: ada, subject }, 10)).items[0]?.sequence);
  assert.equal(await parked.until((event) => Number(event.sequence) > tag), 'event', 'the change already heard satisfies the question at once');
  parked.end();
  assert.equal(core.feed.subscriberCount(), 1, 'ending the park removes its listener');
});

test('follow joins the backlog to live events while writers commit: every visible event once, in order', async () => {
  const core = await openCore('follow');
  const ada = await guestOf(core, 'Ada');
  const bob = await guestOf(core, 'Bob');
  for (let index = 0; index < 30; index++) await place(core, index % 2 ? ada : bob);
  const seen: CloudEvent[] = [];
  // Writers keep committing while the follow reads its backlog.
  const writers = Promise.all(Array.from({ length: 40 }, (_, index) => place(core, index % 2 ? ada : bob)));
  const following = await core.feed.follow(0, { principal: ada }, { onEvent: (event) => seen.push(event), onEnd: () => assert.fail('not closing') });
  await writers;
  const expected = [];
  for (let after = 0; ; ) {
    const page = await core.feed.read(after, { principal: ada }, 500);
    expected.push(...page.items);
    if (page.items.length < 500) break;
    after = Number(page.nextCursor);
  }
  assert.deepEqual(seen.map((event) => event.sequence), expected.map((event) => event.sequence), 'exactly what Ada may read from the log, in order');
  assert.equal(following.position(), Number(expected.at(-1)?.sequence), 'the position is the last event handed out');
  assert.ok(seen.every((event) => event.type.startsWith('menu.') || (event.data as { guestId?: string }).guestId === ada.id), 'none of Bob’s events');
  following.close();
  await place(core, ada);
  assert.equal(seen.length, expected.length, 'nothing arrives after close');
});

test('a follow ends with onEnd when the node shuts down', async () => {
  const core = await openCore('follow-close');
  let ended = '';
  await core.feed.follow(core.feed.head(), { principal: admin }, { onEvent: () => {}, onEnd: (reason) => (ended = reason) });
  core.stop();
  assert.equal(ended, 'closing', 'the follower hears why it ends');
  assert.equal(core.feed.subscriberCount(), 1, 'and its listener is gone');
});

test('retention: a cursor below the kept log is resync_required with the head, never a silent gap', async () => {
  const core = await openCore('retention', 5);
  const ada = await guestOf(core, 'Ada');
  const order = await place(core, ada);
  const before = await core.invoke('orders.get', { id: order.id }, ada);
  for (let index = 0; index < 12; index++) await core.invoke('messages.send', { orderId: order.id, text: `note ${index}` }, ada);
  const head = core.feed.head();
  // Pruning runs after commits, one at a time: wait until it has caught up.
  for (let tries = 0; tries < 100; tries++) {
    try {
      await core.feed.read(0, { principal: admin }, 1);
      await new Promise((resolve) => setTimeout(resolve, 10));
    } catch {
      break;
    }
  }
  await assert.rejects(
    core.feed.read(0, { principal: ada }, 10),
    (error: unknown) => error instanceof BistroError && error.code === 'resync_required' && error.status === 410 && error.details['head'] === String(head),
    'cursor 0 is below the floor: resync, with where to continue',
  );
  await assert.rejects(core.feed.follow(0, { principal: ada }, { onEvent: () => assert.fail('no event before the refusal'), onEnd: () => {} }), /no longer kept/, 'follow refuses too, before any event');
  const recent = await core.feed.read(head - 3, { principal: ada }, 10);
  assert.equal(recent.items.length, 3, 'a cursor inside the kept log reads as before');
  const after = await core.invoke('orders.get', { id: order.id }, ada);
  assert.deepEqual(after.output, before.output, 'the order is unchanged');
  assert.ok(after.tag !== undefined && before.tag !== undefined && after.tag > before.tag, 'its change event was pruned: its tag moved up to the floor, never back to a tag another state had');
});

test('a revoked key stops authenticating at once, and listeners hear of it', async () => {
  const core = await openCore('revoke');
  const { output } = await core.invoke('keys.create', { role: 'waiter', name: 'Floor' }, admin);
  const { id, token } = output as { id: string; token: string };
  assert.equal((await core.authenticateHeader(`Bearer ${token}`)).id, id, 'the key works (and is now cached)');
  const heard: string[] = [];
  const stop = core.onRevoke((principalId) => heard.push(principalId));
  await core.invoke('keys.revoke', { id }, admin);
  assert.deepEqual(heard, [id], 'listeners hear the revocation before the command answers');
  await assert.rejects(core.authenticateHeader(`Bearer ${token}`), /not valid/, 'the cached key is forgotten');
  stop();
});

test('a follow reads its backlog at the client’s pace, and live events that overflow its hold are read from the log', async () => {
  const core = await openCore('paced');
  const ada = await guestOf(core, 'Ada');
  for (let index = 0; index < 10; index++) await place(core, ada);
  // A second feed on the same log, with small pages and a small hold, told of commits by bells.
  const feed = createFeed({ store: await openStore('paced'), logError: (error) => assert.fail(String(error)), readBatch: 4, holdLimit: 3 });
  await feed.start();
  const seen: string[] = [];
  const gates: (() => void)[] = [];
  const following = feed.follow(0, { principal: admin }, {
    onEvent: (event) => seen.push(event.sequence),
    onEnd: () => {},
    ready: () => new Promise<void>((resolve) => gates.push(resolve)),
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(seen.length, 0, 'nothing goes out before the client is ready');
  gates.shift()?.();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(seen.length, 1, 'one event per readiness: the backlog waits for the client');
  // While it waits, more commits arrive than it may hold.
  for (let index = 0; index < 5; index++) await place(core, ada);
  feed.ring(core.feed.head());
  while (gates.length > 0 || seen.length < core.feed.head()) {
    const gate = gates.shift();
    if (gate) gate();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await following;
  const log = (await core.feed.read(0, { principal: admin }, 500)).items.map((event) => event.sequence);
  assert.deepEqual(seen, log, 'every event once, in order, though the hold overflowed while the client was slow');
});

test('a lagging client takes no live events until it has drained, then reads on from the log: nothing lost, nothing twice', async () => {
  const core = await openCore('lagging');
  const ada = await guestOf(core, 'Ada');
  const seen: string[] = [];
  let behind = false;
  let drain!: () => void;
  let give!: (reason: Error) => void;
  const lags: string[] = [];
  const following = await core.feed.follow(core.feed.head(), { principal: admin }, {
    onEvent: (event) => {
      seen.push(event.sequence);
      // The client falls behind after its second event.
      if (seen.length === 2) behind = true;
    },
    onEnd: () => assert.fail('not ended'),
    lagging: () => {
      if (!behind) return undefined;
      lags.push('lag');
      return new Promise<void>((resolve, reject) => {
        drain = resolve;
        give = reject;
      });
    },
  });
  for (let index = 0; index < 6; index++) await place(core, ada);
  assert.equal(seen.length, 2, 'after it fell behind, no live event was pushed at it');
  assert.equal(lags.length, 1, 'the follow asked once, then waited');
  behind = false;
  drain();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const log = (await core.feed.read(0, { principal: admin }, 500)).items.map((event) => event.sequence).filter((sequence) => Number(sequence) > Number(seen[0]) - 1);
  assert.deepEqual(seen, log, 'once drained it read the rest from the log: every event once, in order');
  await place(core, ada);
  assert.equal(seen.length, log.length + 1, 'and it is live again');

  behind = true;
  await place(core, ada);
  give(new Error('never drained'));
  await new Promise((resolve) => setImmediate(resolve));
  behind = false;
  await place(core, ada);
  assert.equal(seen.length, log.length + 1, 'a client that never drains is given up: the follow stopped');
  following.close();
});

test('a wait whose park filled up before the new event came reads it from the log instead of answering empty', async () => {
  const core = await openCore('full-park');
  const ada = await guestOf(core, 'Ada');
  const order = await place(core, ada);
  let head = 0;
  let reads = 0;
  const page = core.feed.waitAfter(
    async () => {
      reads++;
      if (reads > 1) return { page: await core.feed.read(head, { principal: admin }, 10), limit: 10 };
      // A slow first read: 500 commits land while it runs, filling the park with events it already covers.
      for (let index = 0; index < 500; index++) await core.invoke('messages.send', { orderId: order.id, text: `n${index}` }, ada);
      head = core.feed.head();
      return { page: { items: [], nextCursor: String(head) }, limit: 10 };
    },
    { principal: admin },
    { timeoutMs: 10_000 },
  );
  while (head === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 5));
  await core.invoke('messages.send', { orderId: order.id, text: 'the new one' }, ada);
  const answered = await page;
  assert.equal(reads, 2, 'the log was read again');
  assert.deepEqual(answered.items.map((event) => (event.data as { text: string }).text), ['the new one'], 'the new event is answered, not an empty page');
});
