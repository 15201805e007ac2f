/** Commit listeners run after COMMIT and can never turn a committed write into an error. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from '../helpers/node.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

test('a throwing commit listener: the order is committed, the answer is success, and a replay returns the same order', async () => {
  const guest = await node.guest();
  const heard: string[] = [];
  const removeThrowing = node.core.onCommit(() => {
    throw new Error('a listener that breaks');
  });
  const removeLater = node.core.onCommit((events) => heard.push(...events.map(({ event }) => event.type)));
  try {
    const place = () =>
      node.request('/orders', { token: guest.token, headers: { 'idempotency-key': 'listener-breaks' }, json: { items: [fishAndChipsNoSaltTwoFish] } });
    const first = await place();
    assert.equal(first.status, 201, `the committed order is a success: ${first.text}`);
    assert.deepEqual(heard, ['order.placed'], 'a listener after the throwing one still hears the commit');

    const replay = await place();
    assert.equal(replay.status, 201, replay.text);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true', 'the key was completed, so the repeat is a replay');
    assert.equal(replay.body.id, first.body.id, 'the replay names the same order');

    const mine = await node.request('/orders', { token: guest.token });
    assert.equal(mine.body.items.length, 1, 'exactly one order is in the store');
    const events = await node.request('/events?after=0&types=order.placed', { token: guest.token });
    assert.equal(events.body.items.length, 1, 'and exactly one order.placed event');
  } finally {
    removeThrowing();
    removeLater();
  }
});

test('a removed listener hears nothing more', async () => {
  let calls = 0;
  const remove = node.core.onCommit(() => calls++);
  await node.guest();
  assert.equal(calls, 1, 'heard the guest registration commit');
  remove();
  await node.guest();
  assert.equal(calls, 1, 'nothing after removal');
});
