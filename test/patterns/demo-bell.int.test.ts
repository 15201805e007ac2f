/**
 * The demo bell over real HTTP: off (a problem saying how to turn it on) unless private targets are
 * allowed; on, a real webhook endpoint pointed at it rings it, signed so standardwebhooks and
 * verifyWebhook both accept the ring as stored; and its memory bounds hold.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook } from '../../client/verify-webhook.ts';
import { bellLimits } from '../../src/patterns/web/demo-bell.ts';
import { fishAndChipsNoSaltTwoFish, startTestNode, waitFor, type TestNode } from '../helpers/node.ts';

describe('the demo bell, off by default', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode();
  });
  after(() => node.close());

  test('every bell route answers a 404 problem that names BISTRO_WEBHOOK_ALLOW_PRIVATE=1', async () => {
    for (const [method, path] of [['POST', '/demo/bells'], ['GET', '/demo/bells/bell_x'], ['POST', '/demo/bells/bell_x']] as const) {
      const answer = await node.request(path, { method, ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) });
      assert.equal(answer.status, 404, `${method} ${path} is 404 while off: ${answer.text}`);
      assert.match(String(answer.headers.get('content-type')), /application\/problem\+json/, `${method} ${path} answers problem+json`);
      assert.equal(answer.body.code, 'not_found', `${method} ${path}: the catalogue code`);
      assert.match(answer.body.detail, /BISTRO_WEBHOOK_ALLOW_PRIVATE=1/, `${method} ${path}: the detail says how to turn it on`);
    }
  });
});

describe('the demo bell, on with BISTRO_WEBHOOK_ALLOW_PRIVATE=1', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode({ BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' });
  });
  after(() => node.close());

  async function newBell(): Promise<{ id: string; url: string }> {
    const created = await node.request('/demo/bells', { method: 'POST' });
    assert.equal(created.status, 201, `a bell is made: ${created.text}`);
    return created.body;
  }
  const ringsOf = async (id: string, after = 0) => (await node.request(`/demo/bells/${id}?after=${after}`)).body.rings as { n: number; at: string; headers: Record<string, string>; body: string }[];

  test('a real endpoint pointed at a bell rings it on order.ready and on a test ping, signed', async () => {
    const bell = await newBell();
    assert.match(bell.id, /^bell_[A-Za-z0-9_-]{20,}$/, 'an unguessable id');
    assert.equal(new URL(bell.url).pathname, `/demo/bells/${bell.id}`, 'the url is the bell on this node');
    assert.equal(new URL(bell.url).port, new URL(node.url).port, "the url is on this node's port");
    const guest = await node.guest(3, 'Ada');
    const endpoint = await node.request('/webhooks', { token: guest.token, json: { url: bell.url, types: ['order.ready'] } });
    assert.equal(endpoint.status, 201, `the bell's url is accepted as a webhook target: ${endpoint.text}`);
    const { id: endpointId, secret } = endpoint.body as { id: string; secret: string };

    const test = await node.request(`/webhooks/${endpointId}/test`, { method: 'POST', token: guest.token });
    assert.equal(test.status, 202, test.text);
    await waitFor(async () => (await ringsOf(bell.id)).length === 1);

    const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
    const kitchen = await node.staffKey('kitchen');
    for (const status of ['accepted', 'preparing', 'ready']) {
      const moved = await node.request(`/orders/${placed.body.id}/status`, { method: 'PUT', token: kitchen, json: { status } });
      assert.equal(moved.status, 200, `${status}: ${moved.text}`);
    }
    await waitFor(async () => (await ringsOf(bell.id)).length === 2);

    const rings = await ringsOf(bell.id);
    assert.deepEqual(rings.map((ring) => ring.n), [1, 2], 'rings are numbered from 1');
    const [ping, ready] = rings.map((ring) => verifyWebhook(secret, ring.headers, ring.body) as { type: string; data: { id?: string } });
    assert.equal(ping?.type, 'webhook.test', 'the first ring is the test ping, verified by verifyWebhook');
    assert.equal(ready?.type, 'order.ready', 'the second is order.ready');
    assert.equal(ready?.data.id, placed.body.id, "it is the guest's order");
    const library = new Webhook(secret).verify(rings[1]!.body, rings[1]!.headers) as { type: string };
    assert.equal(library.type, 'order.ready', 'the standardwebhooks library verifies the stored ring too');
    assert.deepEqual(Object.keys(rings[1]!.headers).sort(), ['webhook-id', 'webhook-signature', 'webhook-timestamp'], 'only the webhook-* headers are kept');
    assert.deepEqual((await ringsOf(bell.id, 1)).map((ring) => ring.n), [2], '?after=1 reads the rings after the first');

    const delivered = await node.request(`/webhooks/${endpointId}/deliveries`, { token: guest.token });
    assert.ok(delivered.body.items.every((delivery: { status: string; attempts: { responseStatus: number }[] }) => delivery.status === 'delivered' && delivery.attempts[0]?.responseStatus === 204), `the bell answered 204 to both: ${delivered.text}`);
  });

  test('bounds: an unknown bell is 404, a body over 64 KiB is 413, a bell keeps its last 50 rings', async () => {
    const unknown = await node.request('/demo/bells/bell_nobody', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(unknown.status, 404, 'ringing an unknown bell is 404');
    assert.equal(unknown.body.code, 'not_found', 'as a problem');
    assert.equal((await node.request('/demo/bells/bell_nobody')).status, 404, 'reading an unknown bell is 404');

    const bell = await newBell();
    const huge = await node.request(`/demo/bells/${bell.id}`, { method: 'POST', body: 'x'.repeat(bellLimits.bodyBytes + 1), headers: { 'content-type': 'text/plain' } });
    assert.equal(huge.status, 413, `a body over 64 KiB is refused: ${huge.text}`);
    assert.equal(huge.body.code, 'payload_too_large', 'as a problem');

    for (let index = 1; index <= bellLimits.ringsPerBell + 5; index++) {
      const rung = await node.request(`/demo/bells/${bell.id}`, { method: 'POST', body: `ring ${index}`, headers: { 'content-type': 'text/plain', 'webhook-id': `msg_${index}` } });
      assert.equal(rung.status, 204, `ring ${index} is taken: ${rung.text}`);
    }
    const rings = await ringsOf(bell.id);
    assert.equal(rings.length, bellLimits.ringsPerBell, 'at most 50 rings are kept');
    assert.equal(rings[0]?.n, 6, 'the oldest were dropped');
    assert.equal(rings.at(-1)?.body, `ring ${bellLimits.ringsPerBell + 5}`, 'the body is kept as the exact text');
    assert.equal(rings.at(-1)?.headers['webhook-id'], `msg_${bellLimits.ringsPerBell + 5}`, 'with its webhook-id');
  });

  test('at most 100 bells: the least recently used is forgotten', async () => {
    const first = await newBell();
    for (let index = 0; index < bellLimits.bells; index++) await newBell();
    assert.equal((await node.request(`/demo/bells/${first.id}`)).status, 404, 'the oldest bell was pushed out');
  });
});
