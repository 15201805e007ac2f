import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from './helpers/node.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

test('a guest orders fish and chips with no salt and two pieces of fish', async () => {
  const guest = await node.guest();
  const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
  assert.equal(placed.status, 201);
  assert.deepEqual(placed.body.items[0].adjustments, { salt: 0, fish: 2 });
  assert.equal(placed.body.totalCents, 1450);
});
