/** The bounded queue between the feed and a subscription: order kept, the bound enforced, the source released once; and a slow consumer is cut. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, subscribe } from 'graphql';
import { anonymous, type CloudEvent, type FollowHandlers } from '../../src/core/core.ts';
import { operations } from '../../src/operations/index.ts';
import { createPushIterator } from '../../src/patterns/graphql/push-iterator.ts';
import { createGraphqlSchema } from '../../src/patterns/graphql/schema.ts';
import type { LiveConnection, LiveContext } from '../../src/patterns/graphql/subscription-fields.ts';
import { waitFor } from '../helpers/node.ts';

function queue(maxQueued = 3) {
  const calls = { overflows: 0, returns: 0 };
  const pushed = createPushIterator<number>({ maxQueued, onOverflow: () => calls.overflows++, onReturn: () => calls.returns++ });
  return { ...pushed, calls };
}

test('room() holds a backlog until the reader has taken half the queue, and lets go when the stream ends', async () => {
  const { iterator, push, room } = queue(4);
  assert.equal(room(), undefined, 'an empty queue has room at once');
  for (const value of [1, 2, 3]) push(value);
  const waiting = room();
  assert.ok(waiting instanceof Promise, 'past half full the backlog must wait');
  let released = false;
  void waiting.then(() => (released = true));
  await iterator.next();
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(released, 'one read brings the queue back to half: the backlog goes on');
  push(4);
  push(5);
  const stalled = room();
  assert.ok(stalled instanceof Promise, 'full again');
  await iterator.return?.();
  await stalled;
  assert.equal(room(), undefined, 'a finished stream never holds its source');
});

test('values come out in the order they were pushed, whether the reader waits or not', async () => {
  const { iterator, push, end, calls } = queue();
  const waiting = iterator.next();
  push(1);
  push(2);
  push(3);
  assert.deepEqual(await waiting, { value: 1, done: false }, 'a waiting reader gets the first value');
  end();
  assert.deepEqual(await iterator.next(), { value: 2, done: false }, 'queued values are read before the end');
  assert.deepEqual(await iterator.next(), { value: 3, done: false }, 'in order');
  assert.deepEqual(await iterator.next(), { value: undefined, done: true }, 'then the end');
  assert.equal(calls.returns, 1, 'the source is released once the stream ended');
});

test('past the bound the overflow is reported and the value dropped: memory stays bounded', async () => {
  const { iterator, push, calls } = queue(2);
  for (const value of [1, 2, 3, 4]) push(value);
  assert.equal(calls.overflows, 2, 'each value past the bound is an overflow');
  assert.deepEqual(await iterator.next(), { value: 1, done: false }, 'what fit is still there');
  push(5);
  assert.equal(calls.overflows, 2, 'room again once the reader took a value');
});

test('return() ends a reader parked on a quiet feed at once and releases the source once', async () => {
  const { iterator, push, calls } = queue();
  const waiting = iterator.next();
  await iterator.return?.();
  assert.deepEqual(await waiting, { value: undefined, done: true }, 'the parked reader is answered');
  await iterator.return?.();
  push(1);
  assert.equal(calls.returns, 1, 'released once');
  assert.deepEqual(await iterator.next(), { value: undefined, done: true }, 'nothing after the end');
});

test('fail() ends the stream with the error after the queued values', async () => {
  const { iterator, push, fail } = queue();
  push(1);
  fail(new Error('gone'));
  assert.deepEqual(await iterator.next(), { value: 1, done: false }, 'the queued value first');
  await assert.rejects(iterator.next(), /gone/, 'then the error');
});

/** The events subscription on a fake connection whose feed the test drives by hand. */
async function fakeConnection(live: { backedUp: boolean; maxQueued: number }) {
  const cuts: string[] = [];
  let handlers: FollowHandlers | undefined;
  const connection: LiveConnection = {
    feed: {
      head: () => 5,
      follow: async (_after, _filter, given) => {
        handlers = given;
        return { position: () => 5, close: () => cuts.push('follow closed') };
      },
    },
    invoke: () => Promise.reject(new Error('not used')),
    maxQueued: live.maxQueued,
    backedUp: () => live.backedUp,
    overflow: () => cuts.push('slow consumer'),
    closing: () => cuts.push('closing'),
  };
  const contextValue: LiveContext = {
    principal: anonymous,
    call: async () => ({ items: [], nextCursor: '5' }),
    menuItems: undefined as never,
    live: connection,
  };
  const stream = await subscribe({ schema: createGraphqlSchema(operations), document: parse('subscription { events { sequence } }'), contextValue });
  assert.ok(Symbol.asyncIterator in stream, `a stream, not ${JSON.stringify(stream)}`);
  const iterator = (stream as AsyncIterableIterator<unknown>)[Symbol.asyncIterator]();
  // The tail starts following once the (empty) backlog is read, on the first read.
  const first = iterator.next();
  await waitFor(() => handlers);
  const event = (sequence: number) => ({ sequence: String(sequence) }) as unknown as CloudEvent;
  return { cuts, iterator, first, emit: (sequence: number) => handlers?.onEvent(event(sequence)), end: () => handlers?.onEnd('closing') };
}

test('a subscriber that does not read is cut off past the queue bound; the follow is released when the stream ends', async () => {
  const { cuts, iterator, first, emit } = await fakeConnection({ backedUp: false, maxQueued: 2 });
  for (const sequence of [6, 7, 8, 9]) emit(sequence);
  assert.deepEqual(JSON.parse(JSON.stringify(await first)), { value: { data: { events: { sequence: '6' } } }, done: false }, 'the waiting reader got the first');
  assert.deepEqual(cuts, ['slow consumer'], 'two queued, the fourth overflowed');
  await iterator.return?.();
  assert.deepEqual(cuts, ['slow consumer', 'follow closed'], 'ending the stream stops the follow');
});

test('a socket already holding more than allowed cuts the connection on the next event', async () => {
  const state = { backedUp: false, maxQueued: 100 };
  const { cuts, first, emit, end } = await fakeConnection(state);
  emit(6);
  await first;
  state.backedUp = true;
  emit(7);
  assert.deepEqual(cuts, ['slow consumer'], 'cut although the queue is short');
  end();
  assert.deepEqual(cuts, ['slow consumer', 'closing'], 'shutdown closes the connection');
});
