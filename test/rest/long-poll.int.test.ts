/** Long polling: GET /orders/{id} and GET /events held with `Prefer: wait=N` or `?wait=N` until something new exists or the wait ends. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { assertProblem, currentCursor, moveOrder, placeOrder } from './steps.ts';

let node: TestNode;
let waiter: string;
before(async () => {
  // A short maximum, so the tests that let a wait run out are quick.
  node = await startTestNode({ BISTRO_MAX_WAIT_SECONDS: '2' });
  waiter = await node.staffKey('waiter');
});
after(() => node.close());

/** Timers keeping the process alive: a parked request holds exactly one until it ends. */
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

test('a bad ?wait is a 400 at /wait on both routes, before anything is held', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  for (const path of [`/orders/${order.id}`, '/events']) {
    for (const wait of ['abc', '3', '-1', '1.5', '', '1&wait=1']) {
      const response = await node.request(`${path}?wait=${wait}`, { token: guest.token });
      assertProblem(response, 400, 'validation_failed', '/wait');
    }
  }
});

test('wait is no field of other operations: ?wait on GET /orders is an unknown field', async () => {
  const guest = await node.guest();
  assertProblem(await node.request('/orders?wait=1', { token: guest.token }), 400, 'validation_failed', '/wait');
});

test('without a matching If-None-Match an order is answered at once, whatever the wait', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const { value: response, ms } = await timed(node.request(`/orders/${order.id}?wait=2`, { token: guest.token, headers: { 'if-none-match': '"1"' } }));
  assert.equal(response.status, 200, response.text);
  assert.ok(ms < 1500, `answered at once, not held (${ms} ms)`);
});

test('an order held with If-None-Match answers 200 with the new ETag when it changes', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const read = await node.request(`/orders/${order.id}`, { token: guest.token });
  const etag = read.headers.get('etag') ?? '';
  const held = node.request(`/orders/${order.id}?wait=2`, { token: guest.token, headers: { 'if-none-match': etag } });
  await moveOrder(node, waiter, order.id, 'accepted');
  const response = await held;
  assert.equal(response.status, 200, response.text);
  assert.notEqual(response.headers.get('etag'), etag, 'a new ETag');
  assert.equal(response.body.status, 'accepted', 'the order as it is now');
});

test('an unchanged order answers 304 when the wait ends, and Prefer: wait is acknowledged', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const etag = (await node.request(`/orders/${order.id}`, { token: guest.token })).headers.get('etag') ?? '';
  const { value: response, ms } = await timed(node.request(`/orders/${order.id}`, { token: guest.token, headers: { 'if-none-match': etag, prefer: 'wait=1' } }));
  assert.equal(response.status, 304, response.text);
  assert.ok(ms >= 900, `held for the wait (${ms} ms)`);
  assert.equal(response.headers.get('preference-applied'), 'wait=1', 'RFC 7240 Preference-Applied');
  assert.equal(response.headers.get('etag'), etag, 'the same ETag');
});

test('Prefer: wait above the maximum is shortened to it; one that is no number is ignored', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const etag = (await node.request(`/orders/${order.id}`, { token: guest.token })).headers.get('etag') ?? '';
  const long = await node.request(`/orders/${order.id}`, { token: guest.token, headers: { 'if-none-match': etag, prefer: 'respond-async, wait=100' } });
  assert.equal(long.status, 304);
  assert.equal(long.headers.get('preference-applied'), 'wait=2', 'the maximum');
  const { value: ignored, ms } = await timed(node.request(`/orders/${order.id}`, { token: guest.token, headers: { 'if-none-match': etag, prefer: 'wait=soon' } }));
  assert.equal(ignored.status, 304);
  assert.equal(ignored.headers.get('preference-applied'), null, 'an ignored preference is not acknowledged');
  assert.ok(ms < 900, `not held (${ms} ms)`);
});

test('GET /events?wait is held until an event after the cursor exists', async () => {
  const guest = await node.guest();
  const cursor = await currentCursor(node);
  const held = node.request(`/events?after=${cursor}&wait=2`, { token: guest.token });
  const order = await placeOrder(node, guest.token);
  const response = await held;
  assert.equal(response.status, 200, response.text);
  assert.equal(response.body.items[0]?.subject, `orders/${order.id}`, 'the new event');
});

test('GET /events?wait ends with an empty page and the same cursor when nothing new is visible', async () => {
  const guest = await node.guest();
  const cursor = await currentCursor(node);
  const { value: response, ms } = await timed(node.request(`/events?after=${cursor}&wait=1`, { token: guest.token }));
  assert.equal(response.status, 200, response.text);
  assert.deepEqual(response.body, { items: [], nextCursor: cursor }, 'an empty page');
  assert.ok(ms >= 900, `held for the wait (${ms} ms)`);
});

test("guest A cannot long-poll guest B's order, nor hear B's events", async () => {
  const a = await node.guest(1, 'A');
  const b = await node.guest(2, 'B');
  const orderOfB = await placeOrder(node, b.token);
  const { value: stolen, ms } = await timed(node.request(`/orders/${orderOfB.id}?wait=2`, { token: a.token, headers: { 'if-none-match': '*' } }));
  assertProblem(stolen, 404, 'not_found');
  assert.ok(ms < 1500, `refused at once (${ms} ms)`);

  const cursor = await currentCursor(node);
  const heldByA = node.request(`/events?after=${cursor}&wait=1&types=order.accepted`, { token: a.token });
  await moveOrder(node, waiter, orderOfB.id, 'accepted');
  const response = await heldByA;
  assert.deepEqual(response.body.items, [], "B's event never reaches A");
});

test('a resync is a 410 with the head, answered before anything is held', async () => {
  const small = await startTestNode({ BISTRO_EVENT_RETENTION: '3' });
  try {
    const guest = await small.guest();
    for (let i = 0; i < 3; i++) await placeOrder(small, guest.token);
    const response = await small.request('/events?after=1&wait=2', { token: guest.token });
    assertProblem(response, 410, 'resync_required');
    assert.match(response.body.head, /^\d+$/, 'the head to continue from');
  } finally {
    await small.close();
  }
});

/** Starts a long poll with node:http (no client timers of its own) and returns how to abort it. */
function startPoll(path: string, headers: Record<string, string>): () => void {
  const url = new URL(path, node.url);
  const request = httpRequest(url, { headers, agent: false });
  request.on('error', () => {});
  request.end();
  return () => request.destroy();
}

test('1,000 long polls aborted by their clients leave no feed subscriber and no timer behind', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const etag = (await node.request(`/orders/${order.id}`, { token: guest.token })).headers.get('etag') ?? '';
  const cursor = await currentCursor(node);
  const subscribers = () => node.core.feed.subscriberCount();
  const baseline = { timers: timers(), subscribers: subscribers() };
  for (let round = 0; round < 4; round++) {
    const aborts = Array.from({ length: 250 }, (_, i) =>
      i % 2 === 0
        ? startPoll(`/orders/${order.id}?wait=2`, { authorization: `Bearer ${guest.token}`, 'if-none-match': etag })
        : startPoll(`/events?after=${cursor}&wait=2`, { authorization: `Bearer ${guest.token}` }),
    );
    await waitFor(() => subscribers() === baseline.subscribers + 250 && timers() >= baseline.timers + 250, 10_000);
    for (const abort of aborts) abort();
    // Well before the 2 s wait could end on its own.
    await waitFor(() => subscribers() === baseline.subscribers && timers() <= baseline.timers, 1500);
  }
  assert.equal(subscribers(), baseline.subscribers, 'every feed listener of a parked request is gone');
  assert.ok(timers() <= baseline.timers, 'every timer of a parked request is gone');
});

test('shutting down answers parked polls at once: 304 and an empty page', async () => {
  const closing = await startTestNode();
  const guest = await closing.guest();
  const order = await placeOrder(closing, guest.token);
  const etag = (await closing.request(`/orders/${order.id}`, { token: guest.token })).headers.get('etag') ?? '';
  const cursor = (await closing.request('/events?after=0&limit=500', { token: guest.token })).body.nextCursor;
  const baseline = timers();
  const heldOrder = closing.request(`/orders/${order.id}?wait=60`, { token: guest.token, headers: { 'if-none-match': etag } });
  const heldEvents = closing.request(`/events?after=${cursor}`, { token: guest.token, headers: { prefer: 'wait=60' } });
  await waitFor(() => timers() >= baseline + 2);
  const { ms } = await timed(closing.close());
  assert.ok(ms < 5000, `close does not wait for the polls (${ms} ms)`);
  assert.equal((await heldOrder).status, 304, 'the order poll ends unchanged');
  const events = await heldEvents;
  assert.equal(events.status, 200, events.text);
  assert.deepEqual(events.body, { items: [], nextCursor: cursor }, 'the events poll ends empty');
});

test('OpenAPI documents wait, Prefer, Preference-Applied, the 304 and the 410 resync on the two GETs', async () => {
  const document = (await node.request('/openapi.json')).body;
  for (const [path, answer] of [['/orders/{id}', '304'], ['/events', '410']] as const) {
    const get = document.paths[path].get;
    const names = get.parameters.map((parameter: { name: string; in: string }) => `${parameter.in}:${parameter.name}`);
    assert.ok(names.includes('query:wait') && names.includes('header:Prefer'), `${path} documents wait and Prefer: ${names.join(', ')}`);
    assert.ok(get.responses['200'].headers['Preference-Applied'], `${path} documents Preference-Applied`);
    assert.ok(get.responses[answer], `${path} documents ${answer}`);
  }
  assert.equal(document.paths['/events'].get.responses['410'].content['application/problem+json'].schema.allOf[0].$ref, '#/components/schemas/ResyncProblem', 'the 410 is a resync problem');
  assert.ok(document.components.schemas.ResyncProblem, 'the resync problem names its head');
  const others = document.paths['/orders'].get.parameters.map((parameter: { name: string }) => parameter.name);
  assert.ok(!others.includes('wait'), 'only the GETs that may be held take wait');
});
