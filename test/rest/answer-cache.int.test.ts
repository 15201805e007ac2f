/** Ready-made menu answers: never stale after a change by any pattern, never a way around auth. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnswerCache } from '../../src/core/answer-cache.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

test('a menu change through another pattern shows at once in the next REST read', async () => {
  const first = await node.request('/menu/lemonade');
  assert.equal((await node.request('/menu/lemonade')).headers.get('etag'), first.headers.get('etag'), 'a repeat read is the same answer');
  const { id: _id, version, updatedAt: _updatedAt, ...fields } = first.body;
  const rpc = await node.request('/rpc', {
    token: node.adminToken,
    json: { jsonrpc: '2.0', id: 1, method: 'menu.update', params: { id: 'lemonade', ...fields, priceCents: 399, expectedVersion: version } },
  });
  assert.equal(rpc.body.result.priceCents, 399, rpc.text);
  const item = await node.request('/menu/lemonade');
  assert.equal(item.body.priceCents, 399, 'the item answer is fresh');
  assert.notEqual(item.headers.get('etag'), first.headers.get('etag'), 'with a new ETag');
  const menu = await node.request('/menu');
  assert.equal(menu.body.items.find((entry: { id: string }) => entry.id === 'lemonade').priceCents, 399, 'the menu answer is fresh too');
});

test('a ready-made answer still checks the bearer token', async () => {
  await node.request('/menu');
  const response = await node.request('/menu', { token: 'not-a-token' });
  assert.equal(response.status, 401, response.text);
});

test('an answer read before the log grew is not kept', () => {
  let head = 5;
  const cache = createAnswerCache({ head: () => head }, { get: () => undefined }, () => Promise.reject(new Error('not called'))).slot<{ body: string; etag: string }>();
  const readAt = head;
  head = 6; // a commit landed while the read was in flight
  cache.set('/menu', { body: 'old', etag: '"old"' }, readAt);
  assert.equal(cache.get('/menu'), undefined, 'the stale answer was dropped');
  cache.set('/menu', { body: 'new', etag: '"new"' }, head);
  assert.equal(cache.get('/menu')?.body, 'new', 'a read after the change is kept');
  head = 7;
  assert.equal(cache.get('/menu'), undefined, 'and dropped when the log grows again');
});
