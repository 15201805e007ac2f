/** ETags are core change tags: the sequence of the last event that changed the resource. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, placeOrder } from './steps.ts';

let node: TestNode;
// Frozen: every change happens in the same millisecond, the case a timestamp in the tag could not tell apart.
const frozen = new Date('2026-11-30T12:00:00.000Z');
before(async () => {
  node = await startTestNode({}, { clock: () => frozen });
});
after(() => node.close());

test('a dish deleted and re-created within one millisecond does not get its old ETag', async () => {
  const draft = { id: 'elderflower', name: 'Elderflower', category: 'drinks', priceCents: 300 };
  const first = await node.request('/menu', { token: node.adminToken, json: draft });
  assert.equal(first.status, 201, first.text);
  assert.equal((await node.request('/menu/elderflower', { method: 'DELETE', token: node.adminToken })).status, 204, 'deleted');
  const again = await node.request('/menu', { token: node.adminToken, json: draft });
  assert.equal(again.status, 201, again.text);
  assert.deepEqual([again.body.version, again.body.updatedAt], [first.body.version, first.body.updatedAt], 'same version, same millisecond');
  assert.notEqual(again.headers.get('etag'), first.headers.get('etag'), 'yet a new ETag');
  const stale = await node.request('/menu/elderflower', { headers: { 'if-none-match': first.headers.get('etag') ?? '' } });
  assert.equal(stale.status, 200, 'the old tag is not "not modified"');
  const put = await node.request('/menu/elderflower', { method: 'PUT', token: node.adminToken, headers: { 'if-match': first.headers.get('etag') ?? '' }, json: { ...draft, priceCents: 1 } });
  assertProblem(put, 412, 'version_mismatch');
});

test('the ETag is the sequence of the event that made the state, so it is a cursor too', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const events = await node.request(`/events?after=0&types=order.placed`, { token: guest.token });
  const placed = events.body.items.find((event: { subject: string }) => event.subject === `orders/${order.id}`);
  const read = await node.request(`/orders/${order.id}`, { token: guest.token });
  assert.equal(read.headers.get('etag'), `"${placed.sequence}"`, 'ETag = the order.placed sequence');
});

test('a message posted on an order leaves the order, and so its ETag, as it was', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const before = (await node.request(`/orders/${order.id}`, { token: guest.token })).headers.get('etag') ?? '';
  const posted = await node.request(`/orders/${order.id}/messages`, { token: guest.token, json: { text: 'No vinegar, please' } });
  assert.equal(posted.status, 201, posted.text);
  const after = await node.request(`/orders/${order.id}`, { token: guest.token, headers: { 'if-none-match': before } });
  assert.equal(after.status, 304, 'the order did not change');
  const patch = await node.request(`/orders/${order.id}`, { method: 'PATCH', token: guest.token, headers: { 'if-match': before }, json: { items: [{ menuItemId: 'lemonade' }] } });
  assert.equal(patch.status, 200, `If-Match still holds after a message: ${patch.text}`);
});

test("If-Match on another guest's order is not_found, never a 412 that would betray it exists", async () => {
  const owner = await node.guest();
  const other = await node.guest();
  const order = await placeOrder(node, owner.token);
  for (const ifMatch of ['"1"', '"999999"']) {
    const response = await node.request(`/orders/${order.id}`, { method: 'PATCH', token: other.token, headers: { 'if-match': ifMatch }, json: { items: [{ menuItemId: 'lemonade' }] } });
    assertProblem(response, 404, 'not_found');
  }
});

test('a failed If-Match changes nothing: no event, same version', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const head = node.core.feed.head();
  const response = await node.request(`/orders/${order.id}`, { method: 'DELETE', token: guest.token, headers: { 'if-match': '"1"' } });
  assertProblem(response, 412, 'version_mismatch');
  assert.equal(node.core.feed.head(), head, 'no event was appended');
  assert.equal((await node.request(`/orders/${order.id}`, { token: guest.token })).body.status, 'placed', 'the order is as it was');
});
