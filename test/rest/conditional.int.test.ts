/** REST conditional requests: strong ETags on every readable resource, If-None-Match → 304, If-Match guarding changes. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { assertProblem, moveOrder, placeOrder } from './steps.ts';

let node: TestNode;
let waiter: string;
let guest: { id: string; token: string };
before(async () => {
  node = await startTestNode();
  waiter = await node.staffKey('waiter');
  guest = await node.guest();
});
after(() => node.close());

const strongTag = /^"[^"]+"$/;

async function etagOf(path: string, token?: string): Promise<string> {
  const response = await node.request(path, token ? { token } : {});
  assert.equal(response.status, 200, response.text);
  const etag = response.headers.get('etag') ?? '';
  assert.match(etag, strongTag, `${path} has a strong ETag`);
  return etag;
}

test('every readable resource has a strong ETag and answers a matching If-None-Match with an empty 304', async () => {
  const order = await placeOrder(node, guest.token);
  await node.request(`/orders/${order.id}/messages`, { token: guest.token, json: { text: 'Could we have ketchup?' } });

  for (const path of ['/menu', '/menu/fish-and-chips', '/orders', `/orders/${order.id}`, `/orders/${order.id}/messages`, '/events?after=0']) {
    const etag = await etagOf(path, guest.token);
    const again = await node.request(path, { token: guest.token, headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304, path);
    assert.equal(again.text, '', `${path}: a 304 has no body`);
    assert.equal(again.headers.get('etag'), etag, `${path}: a 304 repeats the ETag`);
  }
});

test('If-None-Match follows RFC 9110: a list of tags, a weak copy of the tag and * all match', async () => {
  const etag = await etagOf('/menu/fish-and-chips');
  for (const header of [`"other", ${etag}`, `W/${etag}`, '*']) {
    const response = await node.request('/menu/fish-and-chips', { headers: { 'if-none-match': header } });
    assert.equal(response.status, 304, header);
  }
  const stale = await node.request('/menu/fish-and-chips', { headers: { 'if-none-match': '"stale"' } });
  assert.equal(stale.status, 200);
  assert.equal(stale.body.id, 'fish-and-chips');
});

test('a change gives a new ETag: the old one no longer answers 304', async () => {
  const order = await placeOrder(node, guest.token);
  const before = await etagOf(`/orders/${order.id}`, guest.token);
  const listBefore = await etagOf('/orders', guest.token);

  const moved = await moveOrder(node, waiter, order.id, 'accepted');

  const response = await node.request(`/orders/${order.id}`, { token: guest.token, headers: { 'if-none-match': before } });
  assert.equal(response.status, 200);
  assert.equal(response.body.version, moved.version);
  assert.notEqual(response.headers.get('etag'), before);
  assert.equal((await node.request('/orders', { token: guest.token, headers: { 'if-none-match': listBefore } })).status, 200);
});

test('the ETag a change answers with is the one a later GET answers with', async () => {
  const order = await placeOrder(node, guest.token);
  const moved = await node.request(`/orders/${order.id}/status`, { method: 'PUT', token: waiter, json: { status: 'accepted' } });
  assert.equal(moved.status, 200);
  assert.equal(moved.headers.get('etag'), await etagOf(`/orders/${order.id}`, guest.token));
});

test('PATCH /orders/{id} without If-Match is 428 precondition_required, and changes nothing', async () => {
  const order = await placeOrder(node, guest.token);
  const response = await node.request(`/orders/${order.id}`, { method: 'PATCH', token: guest.token, json: { items: [{ menuItemId: 'lemonade' }] } });
  assertProblem(response, 428, 'precondition_required');
  assert.equal((await node.request(`/orders/${order.id}`, { token: guest.token })).body.version, 1);
});

test('PATCH with a stale If-Match is 412 version_mismatch; with the current one or * it goes through', async () => {
  const order = await placeOrder(node, guest.token);
  const first = await etagOf(`/orders/${order.id}`, guest.token);
  const patch = (ifMatch: string, menuItemId: string) =>
    node.request(`/orders/${order.id}`, { method: 'PATCH', token: guest.token, headers: { 'if-match': ifMatch }, json: { items: [{ menuItemId }] } });

  const current = await patch(first, 'lemonade');
  assert.equal(current.status, 200, current.text);

  assertProblem(await patch(first, 'tomato-soup'), 412, 'version_mismatch');
  assertProblem(await patch('"not-one-of-ours"', 'tomato-soup'), 412, 'version_mismatch');
  assertProblem(await patch(`W/${current.headers.get('etag')}`, 'tomato-soup'), 412, 'version_mismatch');
  assert.equal((await node.request(`/orders/${order.id}`, { token: guest.token })).body.items[0].menuItemId, 'lemonade');

  const star = await patch('*', 'tomato-soup');
  assert.equal(star.status, 200, star.text);
  assert.equal(star.body.items[0].menuItemId, 'tomato-soup');
  assert.equal(star.body.version, 3);
});

test('an If-Match list goes through when any member is the current tag (RFC 9110 §13.1.1), never on a weak one', async () => {
  const order = await placeOrder(node, guest.token);
  const first = await etagOf(`/orders/${order.id}`, guest.token);
  const patch = (ifMatch: string, menuItemId: string) =>
    node.request(`/orders/${order.id}`, { method: 'PATCH', token: guest.token, headers: { 'if-match': ifMatch }, json: { items: [{ menuItemId }] } });

  const listed = await patch(`"bogus", ${first}`, 'lemonade');
  assert.equal(listed.status, 200, `the current tag second in the list: ${listed.text}`);
  const second = listed.headers.get('etag') ?? '';

  assertProblem(await patch(`"bogus", ${first}`, 'tomato-soup'), 412, 'version_mismatch');
  assertProblem(await patch(`W/${second}, "bogus"`, 'tomato-soup'), 412, 'version_mismatch');
  assert.equal((await node.request(`/orders/${order.id}`, { token: guest.token })).body.items[0].menuItemId, 'lemonade', 'the refused changes changed nothing');

  const stale = await patch(`${first}, W/${second}, ${second}`, 'tomato-soup');
  assert.equal(stale.status, 200, `a stale, a weak and the current tag: ${stale.text}`);
  const moved = await node.request(`/orders/${order.id}/status`, { method: 'PUT', token: waiter, headers: { 'if-match': `${first}, ${stale.headers.get('etag')}` }, json: { status: 'accepted' } });
  assert.equal(moved.status, 200, `PUT takes a list too: ${moved.text}`);
});

test('PUT /orders/{id}/status and DELETE /orders/{id} refuse a stale If-Match', async () => {
  const order = await placeOrder(node, guest.token);
  const stale = await etagOf(`/orders/${order.id}`, guest.token);
  await moveOrder(node, waiter, order.id, 'accepted');

  const move = await node.request(`/orders/${order.id}/status`, { method: 'PUT', token: waiter, headers: { 'if-match': stale }, json: { status: 'preparing' } });
  assertProblem(move, 412, 'version_mismatch');
  assertProblem(await node.request(`/orders/${order.id}`, { method: 'DELETE', token: guest.token, headers: { 'if-match': stale } }), 412, 'version_mismatch');
  assert.equal((await node.request(`/orders/${order.id}`, { token: guest.token })).body.status, 'accepted');

  const fresh = await etagOf(`/orders/${order.id}`, guest.token);
  const cancelled = await node.request(`/orders/${order.id}`, { method: 'DELETE', token: guest.token, headers: { 'if-match': fresh } });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.body.status, 'cancelled');
});

test('PUT and DELETE /menu/{id} honour If-Match: stale is 412, * is accepted', async () => {
  const created = await node.request('/menu', {
    token: node.adminToken,
    json: { id: 'ginger-beer', name: 'Ginger beer', category: 'drinks', priceCents: 400 },
  });
  assert.equal(created.status, 201, created.text);
  const v1 = created.headers.get('etag') ?? '';
  const fields = { name: 'Ginger beer', category: 'drinks', priceCents: 450 };

  const v2 = await node.request('/menu/ginger-beer', { method: 'PUT', token: node.adminToken, headers: { 'if-match': v1 }, json: fields });
  assert.equal(v2.status, 200, v2.text);
  assertProblem(await node.request('/menu/ginger-beer', { method: 'PUT', token: node.adminToken, headers: { 'if-match': v1 }, json: { ...fields, priceCents: 1 } }), 412, 'version_mismatch');
  assert.equal((await node.request('/menu/ginger-beer')).body.priceCents, 450);

  assertProblem(await node.request('/menu/ginger-beer', { method: 'DELETE', token: node.adminToken, headers: { 'if-match': v1 } }), 412, 'version_mismatch');
  assert.equal((await node.request('/menu/ginger-beer', { method: 'DELETE', token: node.adminToken, headers: { 'if-match': '*' } })).status, 204);
});

test('a menu item deleted and created again at version 1 does not match the old ETag', async () => {
  const draft = { id: 'elderflower', name: 'Elderflower', category: 'drinks', priceCents: 300 };
  const first = await node.request('/menu', { token: node.adminToken, json: draft });
  assert.equal(first.status, 201);
  assert.equal((await node.request('/menu/elderflower', { method: 'DELETE', token: node.adminToken })).status, 204);
  // The ETag is the sequence of the last change, so no wait for the clock is needed (change-tags.int.test.ts freezes it).
  const recreated = await node.request('/menu', { token: node.adminToken, json: draft });
  assert.equal(recreated.body.version, 1);
  assert.notEqual(recreated.headers.get('etag'), first.headers.get('etag'));
  assert.equal((await node.request('/menu/elderflower', { headers: { 'if-none-match': first.headers.get('etag') ?? '' } })).status, 200);
});
