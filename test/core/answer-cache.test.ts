/** The core's ready-made answers: kept until the log grows, never kept when read across a change, never for a read that depends on the caller. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { createAnswerCache } from '../../src/core/answer-cache.ts';
import { createCatalogue } from '../../src/core/catalogue.ts';
import type { Invoke } from '../../src/core/invoke.ts';
import { allRoles, defineOperation, signedIn } from '../../src/core/operation.ts';
import { anonymous } from '../../src/domain/roles.ts';

const read = (name: string, roles = allRoles, sharedRead = true) =>
  defineOperation({ name, summary: name, kind: 'query', input: Type.Object({ id: Type.String() }), output: Type.Unknown(), roles, ...(sharedRead ? { sharedRead: true } : {}), handler: async () => ({}) });
const catalogue = createCatalogue([read('menu.get'), read('orders.mine', signedIn), read('orders.get', allRoles, false)]);

function setup() {
  let head = 1;
  const calls: string[] = [];
  let pending: (() => void) | undefined;
  let holdNext = false;
  const invoke: Invoke = async (name, input) => {
    calls.push(name);
    if (holdNext) {
      holdNext = false;
      await new Promise<void>((resolve) => (pending = resolve));
    }
    return { output: { name, input: { ...(input as object) }, head }, replayed: false };
  };
  const cache = createAnswerCache({ head: () => head }, catalogue, invoke);
  return {
    cache,
    calls,
    grow: () => head++,
    hold: () => (holdNext = true),
    release: () => pending?.(),
  };
}

test('only a shared read every role may call is shared', () => {
  const { cache } = setup();
  assert.equal(cache.isShared('menu.get'), true, 'a sharedRead open to all is shared');
  assert.equal(cache.isShared('orders.mine'), false, 'a sharedRead closed to anonymous is not: its callers differ');
  assert.equal(cache.isShared('orders.get'), false, 'a read not marked sharedRead is not');
  assert.equal(cache.isShared('no.such'), false, 'an unknown name is not');
});

test('a shared output is kept, frozen, until the log grows', async () => {
  const { cache, calls, grow } = setup();
  const first = await cache.read('menu.get', { id: 'a' }, anonymous);
  assert.equal(await cache.read('menu.get', { id: 'a' }, anonymous), first, 'the second read is the kept output');
  assert.equal(calls.length, 1, 'invoked once');
  assert.ok(Object.isFrozen(first.output) && Object.isFrozen((first.output as { input: object }).input), 'the shared output cannot be changed by one caller under another');
  await cache.read('menu.get', { id: 'b' }, anonymous);
  assert.equal(calls.length, 2, 'another input is another answer');
  grow();
  await cache.read('menu.get', { id: 'a' }, anonymous);
  assert.equal(calls.length, 3, 'after the log grows, the read runs again');
});

test('an output read while the log grew is not kept', async () => {
  const { cache, calls, grow, hold, release } = setup();
  hold();
  const inFlight = cache.read('menu.get', { id: 'a' }, anonymous);
  await new Promise((resolve) => setImmediate(resolve));
  grow();
  release();
  await inFlight;
  await cache.read('menu.get', { id: 'a' }, anonymous);
  assert.equal(calls.length, 2, 'the read that began before the change was not kept');
});

test('reads that depend on the caller are invoked every time', async () => {
  const { cache, calls } = setup();
  await cache.read('orders.mine', { id: 'a' }, anonymous);
  await cache.read('orders.mine', { id: 'a' }, anonymous);
  await cache.read('orders.get', { id: 'a' }, anonymous);
  await cache.read('orders.get', { id: 'a' }, anonymous);
  assert.equal(calls.length, 4, 'nothing was kept');
});

test('a pattern slot keeps a value only if the log has not grown since its read began', () => {
  const { cache, grow } = setup();
  const slot = cache.slot<string>();
  const readAt = cache.head();
  grow();
  slot.set('k', 'old', readAt);
  assert.equal(slot.get('k'), undefined, 'the stale value was dropped');
  slot.set('k', 'new', cache.head());
  assert.equal(slot.get('k'), 'new', 'a value read after the change is kept');
  grow();
  assert.equal(slot.get('k'), undefined, 'and dropped when the log grows again');
});

test('a slot keeps a bounded number of answers: a full slot is emptied, so junk keys cannot grow memory', () => {
  const { cache } = setup();
  const slot = cache.slot<number>();
  const head = cache.head();
  for (let index = 0; index < 256; index++) slot.set(`key-${index}`, index, head);
  assert.equal(slot.get('key-0'), 0, 'the first 256 answers are kept');
  slot.set('key-256', 256, head);
  assert.equal(slot.get('key-0'), undefined, 'the 257th empties the slot first');
  assert.equal(slot.get('key-256'), 256, 'and is kept itself');
});

test('an answer made before the log grew is refused by the slot itself', () => {
  const { cache, grow } = setup();
  const slot = cache.slot<string>();
  const readAt = cache.head();
  grow();
  slot.set('menu', 'stale', readAt);
  assert.equal(slot.get('menu'), undefined, 'the stale answer is not kept');
  slot.set('menu', 'fresh', cache.head());
  assert.equal(slot.get('menu'), 'fresh', 'an answer made at the current head is');
});
