/** The bounded queue between the feed and a subscription: order kept, the bound enforced, the source released once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPushIterator } from '../../src/patterns/graphql/push-iterator.ts';

function queue(maxQueued = 3) {
  const calls = { overflows: 0, returns: 0 };
  const pushed = createPushIterator<number>({ maxQueued, onOverflow: () => calls.overflows++, onReturn: () => calls.returns++ });
  return { ...pushed, calls };
}

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
