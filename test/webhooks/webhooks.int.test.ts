/**
 * The bell end to end: a real node rings a real receiver on loopback. Endpoints as a resource,
 * signatures verified with the standardwebhooks library, retries with one webhook-id, Retry-After,
 * 410, redirects, hangs, huge answers, replay, rotation, and a dead endpoint beside a live one.
 * Schedules are compressed to milliseconds by configuration.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBellReceiver, type BellReceiver } from '../helpers/bell-receiver.ts';
import { fishAndChipsNoSaltTwoFish, startTestNode, waitFor, type TestNode } from '../helpers/node.ts';

let node: TestNode;
let bell: BellReceiver;
let kitchen: string;

before(async () => {
  bell = await startBellReceiver();
  node = await startTestNode({
    BISTRO_WEBHOOK_ALLOW_PRIVATE: '1',
    BISTRO_WEBHOOK_RETRY_SCHEDULE: '0,150ms,150ms,150ms',
    BISTRO_WEBHOOK_RETRY_AFTER_CAP: '600ms',
    BISTRO_WEBHOOK_TIMEOUT_MS: '800',
  });
  kitchen = await node.staffKey('kitchen');
});
after(async () => {
  await node.close();
  await bell.close();
});

async function register(token: string, path: string, types: string[] = ['order.ready']) {
  const created = await node.request('/webhooks', { token, json: { url: bell.url + path, types, description: `bell ${path}` } });
  assert.equal(created.status, 201, `registering ${path}: ${created.text}`);
  return created.body as { id: string; secret: string; url: string };
}

async function placeOrder(token: string): Promise<string> {
  const placed = await node.request('/orders', { token, json: { items: [fishAndChipsNoSaltTwoFish] } });
  assert.equal(placed.status, 201, placed.text);
  return placed.body.id as string;
}

async function move(id: string, ...statuses: string[]) {
  for (const status of statuses) {
    const moved = await node.request(`/orders/${id}/status`, { method: 'PUT', token: kitchen, json: { status } });
    assert.equal(moved.status, 200, `${status}: ${moved.text}`);
  }
}

const ringsTo = (path: string) => bell.rings.filter((ring) => ring.path === path);

async function deliveries(token: string, endpointId: string) {
  const listed = await node.request(`/webhooks/${endpointId}/deliveries?limit=100`, { token });
  assert.equal(listed.status, 200, listed.text);
  return listed.body.items as { eventId: string; status: string; attempts: { attempt: number; responseStatus: number | null; error: string | null; at: string; latencyMs: number; response: string }[] }[];
}

test('the bell rings on order.ready and not before, signed so the standardwebhooks library verifies it, and never for another guest', async () => {
  const ada = await node.guest(1, 'Ada');
  const bob = await node.guest(2, 'Bob');
  const adaBell = await register(ada.token, '/ada');
  const bobBell = await register(bob.token, '/bob');
  assert.match(adaBell.secret, /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'the secret is whsec_ and base64 of at least 24 bytes');
  assert.ok(Buffer.from(adaBell.secret.slice(6), 'base64').length >= 24, 'at least 24 random bytes');

  const order = await placeOrder(ada.token);
  await move(order, 'accepted', 'preparing');
  // Placed, accepted and preparing are committed and fanned out; nothing may ring for them.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(ringsTo('/ada').length, 0, 'no ring before the meal is ready');
  await move(order, 'ready');
  await waitFor(() => ringsTo('/ada').length === 1);
  const [ring] = bell.verified(adaBell.secret, '/ada');
  assert.equal(ring?.event.type, 'order.ready', 'the body is the order.ready CloudEvent');
  assert.equal(ring?.event.specversion, '1.0', 'a CloudEvent');
  assert.equal(ring?.event.data.id, order, "it is Ada's order");
  assert.equal(ring?.id, ring?.event.id, 'webhook-id is the event id');
  assert.match(String(ringsTo('/ada')[0]?.headers['webhook-timestamp']), /^\d{10}$/, 'a timestamp in seconds');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(ringsTo('/ada').length, 1, 'rung once');
  assert.equal(ringsTo('/bob').length, 0, "Bob's bell never rings for Ada's order");
  const [delivered] = await deliveries(ada.token, adaBell.id);
  assert.equal(delivered?.status, 'delivered', 'the delivery is marked delivered');
  assert.deepEqual(delivered?.attempts.map((attempt) => attempt.responseStatus), [200], 'one attempt, 200');
  // Bob cannot read Ada's endpoint or its deliveries: they do not exist for him.
  for (const path of [`/webhooks/${adaBell.id}`, `/webhooks/${adaBell.id}/deliveries`]) {
    assert.equal((await node.request(path, { token: bob.token })).status, 404, `${path} is 404 for another guest`);
  }
  assert.equal((await node.request(`/webhooks/${bobBell.id}`, { method: 'DELETE', token: ada.token })).status, 404, "Ada cannot delete Bob's bell");
});

test('an admin endpoint hears every guest; a guest endpoint only its own orders (and the public menu)', async () => {
  const admin = await register(node.adminToken, '/admin-all', ['order.placed', 'menu.item.updated']);
  const guest = await node.guest(3, 'Cy');
  const guestBell = await register(guest.token, '/cy-all', ['order.placed', 'menu.item.updated']);
  const other = await node.guest(4, 'Di');
  await placeOrder(other.token);
  const own = await placeOrder(guest.token);
  await waitFor(() => ringsTo('/admin-all').length === 2 && ringsTo('/cy-all').length === 1);
  assert.deepEqual(
    bell.verified(admin.secret, '/admin-all').map(({ event }) => event.type),
    ['order.placed', 'order.placed'],
    'the admin hears both orders',
  );
  assert.deepEqual(
    bell.verified(guestBell.secret, '/cy-all').map(({ event }) => event.data.id),
    [own],
    'the guest hears only their own order',
  );
});

test('a receiver that fails twice gets the same webhook-id three times, and the attempt log shows all three', async () => {
  const guest = await node.guest();
  const endpoint = await register(guest.token, '/flaky');
  bell.script([{ status: 500, body: 'oven on fire' }, { status: 503 }], '/flaky');
  const order = await placeOrder(guest.token);
  await move(order, 'accepted', 'preparing', 'ready');
  await waitFor(() => ringsTo('/flaky').length === 3);
  const ids = ringsTo('/flaky').map((ring) => ring.headers['webhook-id']);
  assert.equal(new Set(ids).size, 1, `one webhook-id for every retry: ${ids.join(', ')}`);
  const [delivery] = await waitFor(async () => {
    const listed = await deliveries(guest.token, endpoint.id);
    return listed[0]?.status === 'delivered' ? listed : undefined;
  });
  assert.deepEqual(
    delivery?.attempts.map(({ attempt, responseStatus }) => [attempt, responseStatus]),
    [
      [1, 500],
      [2, 503],
      [3, 200],
    ],
    'three attempts logged in order',
  );
  assert.equal(delivery?.attempts[0]?.error, 'HTTP 500', 'the failure says why');
  assert.equal(delivery?.attempts[0]?.response, 'oven on fire', 'with an excerpt of the answer');
  assert.equal(delivery?.eventId, ids[0], 'the delivery names the event it carries');
});

test('Retry-After lengthens the wait up to the cap; the schedule ends in failure', async () => {
  const guest = await node.guest();
  const endpoint = await register(guest.token, '/busy');
  // 1 s asked, 600 ms cap: the second attempt comes about 600 ms later, not 150 ms (the schedule) nor 1 s.
  bell.script([{ status: 429, headers: { 'retry-after': '1' } }, { status: 500 }, { status: 500 }, { status: 500 }], '/busy');
  const order = await placeOrder(guest.token);
  await move(order, 'accepted', 'preparing', 'ready');
  const [delivery] = await waitFor(async () => {
    const listed = await deliveries(guest.token, endpoint.id);
    return listed[0]?.status === 'failed' ? listed : undefined;
  }, 8000);
  const times = delivery?.attempts.map((attempt) => Date.parse(attempt.at)) ?? [];
  assert.equal(times.length, 4, 'the four scheduled attempts, then no more');
  const gap = (times[1] ?? 0) - (times[0] ?? 0);
  assert.ok(gap >= 550 && gap < 1000, `Retry-After honoured within the 600 ms cap: ${gap} ms`);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(ringsTo('/busy').length, 4, 'nothing rings after the schedule is spent');
});

test('410 Gone disables the endpoint and a webhook.endpoint.disabled event says so', async () => {
  const guest = await node.guest();
  const endpoint = await register(guest.token, '/gone');
  bell.script([{ status: 410 }], '/gone');
  const order = await placeOrder(guest.token);
  await move(order, 'accepted', 'preparing', 'ready');
  const disabled = await waitFor(async () => {
    const read = await node.request(`/webhooks/${endpoint.id}`, { token: guest.token });
    return read.body.enabled === false ? read.body : undefined;
  });
  assert.match(disabled.disabledReason, /410/, 'the reason names the 410');
  const events = await node.request('/events?after=0&types=webhook.endpoint.disabled&limit=100', { token: guest.token });
  const mine = events.body.items.filter((event: { subject: string }) => event.subject === `webhooks/${endpoint.id}`);
  assert.equal(mine.length, 1, 'one disabled event, visible to the owner');
  assert.equal(mine[0].data.enabled, false, 'carrying the disabled endpoint');
  assert.equal(mine[0].data.secret, undefined, 'and never its secret');
  const strangers = await node.request('/events?after=0&types=webhook.endpoint.disabled&limit=100', { token: (await node.guest()).token });
  assert.equal(strangers.body.items.length, 0, 'another guest does not see it');
  // Disabled: a test ping is refused with a clear error, and nothing rings for new events.
  const ping = await node.request(`/webhooks/${endpoint.id}/test`, { method: 'POST', token: guest.token });
  assert.equal(ping.status, 409, ping.text);
  assert.equal(ping.body.code, 'webhook_disabled', 'a disabled endpoint cannot be tested');
  await move(await placeOrder(guest.token), 'accepted', 'preparing', 'ready');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(ringsTo('/gone').length, 1, 'a disabled endpoint is not rung');
});

test('a redirect is a failure and is never followed; a hang is cut at the timeout; a huge answer is read only up to the cap', async () => {
  const guest = await node.guest();
  const redirected = await register(guest.token, '/redirect', ['order.placed']);
  const hanging = await register(guest.token, '/hang', ['order.placed']);
  const huge = await register(guest.token, '/huge', ['order.placed']);
  bell.script([{ status: 302, headers: { location: `${bell.url}/elsewhere` } }], '/redirect');
  bell.script([{ hang: true }], '/hang');
  bell.script([{ status: 200, bytes: 20_000_000 }], '/huge');
  await placeOrder(guest.token);
  const first = async (id: string) =>
    waitFor(async () => {
      const [delivery] = await deliveries(guest.token, id);
      return delivery && delivery.attempts.length > 0 ? delivery : undefined;
    }, 5000);
  const [redirect, hang, big] = await Promise.all([first(redirected.id), first(hanging.id), first(huge.id)]);
  assert.equal(redirect.attempts[0]?.error, 'redirect (302) not followed', 'a 3xx fails');
  assert.equal(redirect.status, 'pending', 'and is retried');
  assert.equal(ringsTo('/elsewhere').length, 0, 'the Location is never visited');
  assert.equal(hang.attempts[0]?.responseStatus, null, 'no answer from a hang');
  assert.match(String(hang.attempts[0]?.error), /timed out after 800 ms/, 'the hang is cut at the timeout');
  assert.equal(big.status, 'delivered', 'a 2xx with a huge body is a success');
  assert.ok((big.attempts[0]?.response.length ?? 0) <= 1024, 'only a bounded excerpt is kept');
});

test('one dead endpoint does not delay the live one beside it', async () => {
  const guest = await node.guest();
  await register(guest.token, '/dead', ['order.placed']);
  const live = await register(guest.token, '/live', ['order.placed']);
  bell.script(Array.from({ length: 40 }, () => ({ hang: true })), '/dead');
  const started = performance.now();
  for (let index = 0; index < 20; index++) await placeOrder(guest.token);
  await waitFor(() => ringsTo('/live').length === 20, 5000);
  const took = performance.now() - started;
  // Each dead attempt holds its slot for 800 ms; the live endpoint must not queue behind them.
  assert.ok(took < 800, `20 live deliveries took ${Math.round(took)} ms beside a hanging endpoint`);
  assert.equal(new Set(bell.verified(live.secret, '/live').map(({ id }) => id)).size, 20, 'each live event once');
});

test('replay {after} delivers again exactly the events after the cursor that the endpoint takes and its owner may see', async () => {
  const guest = await node.guest();
  const other = await node.guest();
  const endpoint = await register(guest.token, '/replay', ['order.placed', 'order.cancelled']);
  const before = (await node.request('/events?after=0&limit=1', { token: node.adminToken })).body;
  const cursor = (await node.request(`/events?after=${before.nextCursor}&limit=100`, { token: node.adminToken })).body.items.at(-1)?.sequence ?? before.nextCursor;
  const first = await placeOrder(guest.token);
  await placeOrder(other.token);
  const second = await placeOrder(guest.token);
  await node.request(`/orders/${second}`, { method: 'DELETE', token: guest.token });
  await move(first, 'accepted');
  await waitFor(() => ringsTo('/replay').length === 3);
  // Several deliveries to one endpoint are in flight at once, so they may arrive out of order: `sequence` orders them.
  const bySequence = (rings: { id: string; event: any }[]) => [...rings].sort((a, b) => Number(a.event.sequence) - Number(b.event.sequence)); // eslint-disable-line @typescript-eslint/no-explicit-any -- CloudEvents of every type
  const liveRings = bySequence(bell.verified(endpoint.secret, '/replay'));
  const live = liveRings.map(({ event }) => `${event.type} ${event.data.id}`);
  assert.deepEqual(live, [`order.placed ${first}`, `order.placed ${second}`, `order.cancelled ${second}`], 'live: own orders, subscribed types');

  const firstSequence = liveRings[0]?.event.sequence as string;
  const replayed = await node.request(`/webhooks/${endpoint.id}/replay`, { token: guest.token, json: { after: firstSequence } });
  assert.equal(replayed.status, 202, replayed.text);
  assert.deepEqual([replayed.body.queued, replayed.body.more], [2, false], 'two events after the first');
  await waitFor(() => ringsTo('/replay').length === 5);
  const again = bySequence(bell.verified(endpoint.secret, '/replay').slice(3));
  assert.deepEqual(
    again.map(({ event }) => `${event.type} ${event.data.id}`),
    [`order.placed ${second}`, `order.cancelled ${second}`],
    'the replay is exactly the events after the cursor',
  );
  assert.deepEqual(
    again.map(({ id }) => id),
    liveRings.slice(1, 3).map(({ id }) => id),
    'a replayed event keeps its webhook-id',
  );
  const all = await node.request(`/webhooks/${endpoint.id}/replay`, { token: guest.token, json: { after: cursor } });
  assert.equal(all.body.queued, 3, 'from before the endpoint existed: the three events it takes');
  const bad = await node.request(`/webhooks/${endpoint.id}/replay`, { token: guest.token, json: { after: 'yesterday' } });
  assert.equal(bad.status, 400, 'a cursor that is not a cursor');
  assert.deepEqual(bad.body.errors?.map((error: { pointer: string }) => error.pointer), ['/after'], 'points at after');
});

test('rotation: during the overlap a delivery carries both signatures, after it only the new one', async () => {
  const guest = await node.guest();
  const endpoint = await register(guest.token, '/rotate', ['order.placed']);
  const rotated = await node.request(`/webhooks/${endpoint.id}/rotate-secret`, { token: guest.token, json: { overlapSeconds: 1 } });
  assert.equal(rotated.status, 200, rotated.text);
  const fresh = rotated.body.secret as string;
  assert.notEqual(fresh, endpoint.secret, 'a new secret');
  await placeOrder(guest.token);
  await waitFor(() => ringsTo('/rotate').length === 1);
  const during = String(ringsTo('/rotate')[0]?.headers['webhook-signature']).split(' ');
  assert.equal(during.length, 2, 'two signatures during the overlap');
  assert.equal(bell.verified(endpoint.secret, '/rotate').length, 1, 'the old secret verifies');
  assert.equal(bell.verified(fresh, '/rotate').length, 1, 'the new secret verifies');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await placeOrder(guest.token);
  await waitFor(() => ringsTo('/rotate').length === 2);
  const afterwards = ringsTo('/rotate')[1];
  assert.equal(String(afterwards?.headers['webhook-signature']).split(' ').length, 1, 'one signature after the overlap');
  assert.equal(bell.verified(fresh, '/rotate').length, 2, 'the new secret verifies both');
  assert.throws(() => bell.verified(endpoint.secret, '/rotate'), 'the old secret no longer verifies');
});

test('a test ping rings at once with a webhook.test event that is not in the log', async () => {
  const guest = await node.guest();
  const endpoint = await register(guest.token, '/ping', ['order.ready']);
  const ping = await node.request(`/webhooks/${endpoint.id}/test`, { method: 'POST', token: guest.token });
  assert.equal(ping.status, 202, ping.text);
  assert.equal(ping.body.status, 'pending', 'queued');
  await waitFor(() => ringsTo('/ping').length === 1);
  const [ring] = bell.verified(endpoint.secret, '/ping');
  assert.equal(ring?.event.type, 'webhook.test', 'a test event');
  assert.equal(ring?.event.sequence, undefined, 'with no cursor: it is not in the log');
  assert.equal(ring?.id, ping.body.eventId, 'the answer names its webhook-id');
});

test('endpoints as a resource: list, read, change, pause, delete; the secret is shown only at creation', async () => {
  const guest = await node.guest();
  const endpoint = await register(guest.token, '/crud', ['order.ready']);
  const listed = await node.request('/webhooks', { token: guest.token });
  assert.deepEqual(listed.body.items.map((item: { id: string }) => item.id), [endpoint.id], 'a guest lists only their own');
  assert.equal(listed.body.items[0].secret, undefined, 'no secret in a list');
  const read = await node.request(`/webhooks/${endpoint.id}`, { token: guest.token });
  assert.equal(read.body.secret, undefined, 'no secret on a read');
  const admin = await node.request('/webhooks?limit=100', { token: node.adminToken });
  assert.ok(admin.body.items.some((item: { id: string }) => item.id === endpoint.id), 'an admin lists everyone’s');
  const patched = await node.request(`/webhooks/${endpoint.id}`, { method: 'PATCH', token: guest.token, json: { types: ['order.placed', 'order.placed'], enabled: false } });
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual([patched.body.types, patched.body.enabled, patched.body.disabledReason], [['order.placed'], false, 'paused by its owner'], 'types deduplicated, paused');
  await placeOrder(guest.token);
  const resumed = await node.request(`/webhooks/${endpoint.id}`, { method: 'PATCH', token: guest.token, json: { enabled: true } });
  assert.equal(resumed.body.enabled, true, 'resumed');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(ringsTo('/crud').length, 0, 'an event while paused is not delivered on resume (replay asks for it)');
  await placeOrder(guest.token);
  await waitFor(() => ringsTo('/crud').length === 1);
  const deleted = await node.request(`/webhooks/${endpoint.id}`, { method: 'DELETE', token: guest.token });
  assert.equal(deleted.status, 204, deleted.text);
  assert.equal((await node.request(`/webhooks/${endpoint.id}`, { token: guest.token })).status, 404, 'gone after delete');
  assert.equal((await node.request('/webhooks', {})).status, 401, 'anonymous may not list webhooks');
});

test('bad input is a 400 with a field pointer and creates nothing', async () => {
  const guest = await node.guest();
  const cases: [unknown, string][] = [
    [{ url: 'ftp://bell.example/', types: ['order.ready'] }, '/url'],
    [{ url: 'http://user:pw@127.0.0.1/', types: ['order.ready'] }, '/url'],
    [{ url: 'not a url', types: ['order.ready'] }, '/url'],
    [{ url: `${bell.url}/x`, types: ['order.exploded'] }, '/types/0'],
    [{ url: `${bell.url}/x`, types: ['key.revoked'] }, '/types/0'],
    [{ url: `${bell.url}/x`, types: [] }, '/types'],
    [{ url: `${bell.url}/x`, types: ['order.ready'], colour: 'red' }, ''],
  ];
  for (const [json, pointer] of cases) {
    const refused = await node.request('/webhooks', { token: guest.token, json });
    assert.equal(refused.status, 400, `${JSON.stringify(json)}: ${refused.text}`);
    assert.ok(
      refused.body.errors.some((error: { pointer: string }) => error.pointer === pointer || (pointer === '' && error.pointer.startsWith('/colour'))),
      `${JSON.stringify(json)} points at ${pointer}: ${refused.text}`,
    );
  }
  assert.deepEqual((await node.request('/webhooks', { token: guest.token })).body.items, [], 'nothing was created');
});

test('a revoked key loses its endpoints with it: nothing rings for a key that no longer exists', async () => {
  const created = await node.request('/keys', { token: node.adminToken, json: { role: 'waiter', name: 'Leaving' } });
  const endpoint = await register(created.body.token, '/revoked', ['order.placed']);
  assert.equal((await node.request(`/keys/${created.body.id}`, { method: 'DELETE', token: node.adminToken })).status, 204, 'revoked');
  assert.equal((await node.request(`/webhooks/${endpoint.id}`, { token: node.adminToken })).status, 404, 'its endpoint is gone');
  await placeOrder((await node.guest()).token);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(ringsTo('/revoked').length, 0, 'and never rings');
});
