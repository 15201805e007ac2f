/**
 * Outbound safety through a real node with the default rule (no private targets): refused at
 * registration with the setting named, and refused again at connect time when a name that looked
 * public resolves to loopback (DNS rebinding). A stub resolver stands in for DNS, so no traffic
 * leaves loopback; the receiver on loopback proves nothing reached it.
 * Also here: an endpoint that keeps failing for the configured period is disabled, and says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupFunction } from 'node:net';
import { startBellReceiver } from '../helpers/bell-receiver.ts';
import { fishAndChipsNoSaltTwoFish, startTestNode, waitFor } from '../helpers/node.ts';

/** Answers every name with `answer.address` as it is when asked: a test changes it to rebind. */
function switchableLookup(answer: { address: string }, unknown = 'nowhere.example'): LookupFunction {
  return ((hostname, options, callback) => {
    setImmediate(() => {
      if (hostname === unknown) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), '', 0);
      const family = answer.address.includes(':') ? 6 : 4;
      if (options.all) callback(null, [{ address: answer.address, family }]);
      else callback(null, answer.address, family);
    });
  });
}

test('private targets are refused at registration, naming BISTRO_WEBHOOK_ALLOW_PRIVATE, and a name rebound to loopback is refused at connect time', async (t) => {
  const bell = await startBellReceiver();
  const dns = { address: '10.1.2.3' };
  const node = await startTestNode({ BISTRO_WEBHOOK_RETRY_SCHEDULE: '0,5s' }, { lookup: switchableLookup(dns) });
  t.after(async () => {
    await node.close();
    await bell.close();
  });
  const guest = await node.guest();
  const port = new URL(bell.url).port;
  for (const url of [bell.url, `http://2130706433:${port}/`, `http://0x7f.1:${port}/`, 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/latest/meta-data', 'http://100.64.0.1/', 'http://bell.example/', 'http://nowhere.example/']) {
    const refused = await node.request('/webhooks', { token: guest.token, json: { url, types: ['order.placed'] } });
    assert.equal(refused.status, 400, `${url}: ${refused.text}`);
    assert.deepEqual(refused.body.errors.map((error: { pointer: string }) => error.pointer), ['/url'], `${url}: points at /url`);
    const expected = url.includes('nowhere') ? /cannot resolve host nowhere\.example/ : /BISTRO_WEBHOOK_ALLOW_PRIVATE=1/;
    assert.match(refused.body.errors[0].detail, expected, `${url}: says why`);
  }
  assert.deepEqual((await node.request('/webhooks', { token: guest.token })).body.items, [], 'nothing was registered');

  // bell.example looks public when registered, then resolves to the receiver on loopback.
  dns.address = '93.184.216.34';
  const endpoint = await node.request('/webhooks', { token: guest.token, json: { url: `http://bell.example:${port}/rebound`, types: ['order.placed'] } });
  assert.equal(endpoint.status, 201, endpoint.text);
  const patched = await node.request(`/webhooks/${endpoint.body.id}`, { method: 'PATCH', token: guest.token, json: { url: `http://127.0.0.1:${port}/` } });
  assert.equal(patched.status, 400, 'a change of URL is checked too');
  dns.address = '127.0.0.1';
  await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
  const [delivery] = await waitFor(async () => {
    const listed = await node.request(`/webhooks/${endpoint.body.id}/deliveries`, { token: guest.token });
    return listed.body.items[0]?.attempts.length > 0 ? listed.body.items : undefined;
  });
  assert.equal(delivery.attempts[0].responseStatus, null, 'no answer: never connected');
  assert.match(delivery.attempts[0].error, /bell\.example \(127\.0\.0\.1\) is a loopback address.*BISTRO_WEBHOOK_ALLOW_PRIVATE=1/, 'refused at connect time, naming the setting');
  assert.equal(bell.rings.length, 0, 'nothing reached the receiver');
});

test('an endpoint whose deliveries all fail for the configured period is disabled, with a webhook.endpoint.disabled event', async (t) => {
  const bell = await startBellReceiver();
  const node = await startTestNode({
    BISTRO_WEBHOOK_ALLOW_PRIVATE: '1',
    BISTRO_WEBHOOK_RETRY_SCHEDULE: ['0', ...Array.from({ length: 19 }, () => '100ms')].join(','),
    BISTRO_WEBHOOK_DISABLE_AFTER: '600ms',
  });
  t.after(async () => {
    await node.close();
    await bell.close();
  });
  bell.script(Array.from({ length: 100 }, () => ({ status: 500 })));
  const admin = node.adminToken;
  const created = await node.request('/webhooks', { token: admin, json: { url: `${bell.url}/failing`, types: ['menu.item.updated'] } });
  assert.equal(created.status, 201, created.text);
  const menu = await node.request('/menu/lemonade', { token: admin });
  const updated = await node.request('/menu/lemonade', { method: 'PUT', token: admin, json: { ...menu.body, priceCents: 350 }, headers: { 'if-match': String(menu.headers.get('etag')) } });
  assert.equal(updated.status, 200, updated.text);
  const disabled = await waitFor(async () => {
    const read = await node.request(`/webhooks/${created.body.id}`, { token: admin });
    return read.body.enabled === false ? read.body : undefined;
  }, 5000);
  assert.match(disabled.disabledReason, /failed for/, `the reason says it kept failing: ${disabled.disabledReason}`);
  const rings = bell.rings.length;
  assert.ok(rings >= 5, `it was tried for the whole period first (${rings} attempts)`);
  const events = await node.request('/events?after=0&types=webhook.endpoint.disabled', { token: admin });
  assert.deepEqual(
    events.body.items.map((event: { subject: string }) => event.subject),
    [`webhooks/${created.body.id}`],
    'one event says it was disabled',
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(bell.rings.length, rings, 'no attempt after it was disabled');
});

test('resolving a webhook host never holds a transaction: orders go through while a registration waits on DNS', async (t) => {
  let answer: (() => void) | undefined;
  const slow: LookupFunction = ((_hostname, options, callback) => {
    answer = () => (options.all ? callback(null, [{ address: '93.184.216.34', family: 4 }]) : callback(null, '93.184.216.34', 4));
  });
  const node = await startTestNode({}, { lookup: slow });
  t.after(() => node.close());
  const guest = await node.guest();
  const registering = node.request('/webhooks', { token: guest.token, json: { url: 'https://slow-dns.example/bell', types: ['order.ready'] } });
  await waitFor(() => answer !== undefined);
  const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
  assert.equal(placed.status, 201, 'the order is placed while the lookup is still out');
  answer?.();
  assert.equal((await registering).status, 201, 'and the registration completes once the name resolves');
});
