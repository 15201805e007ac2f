/** SSE: GET /events/stream read by the real `eventsource` client and raw: order, resume, visibility, filters, heartbeats, auth. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { assertProblem, currentCursor, moveOrder, placeOrder, readAllEvents } from '../rest/steps.ts';
import { connect, readUntil, type Client } from './sse-client.ts';

let node: TestNode;
let waiter: string;
const clients: Client[] = [];
before(async () => {
  node = await startTestNode({ BISTRO_SSE_HEARTBEAT_MS: '100' });
  waiter = await node.staffKey('waiter');
});
after(async () => {
  for (const client of clients) client.source.close();
  await node.close();
});

function open(path: string, headers: Record<string, string> = {}): Client {
  const client = connect(node.url + path, headers);
  clients.push(client);
  return client;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sequences = (events: { sequence: string }[]) => events.map((event) => event.sequence);

test('events arrive in log order, each as id: <sequence> and data: <CloudEvent>', async () => {
  const guest = await node.guest();
  const cursor = await currentCursor(node);
  const client = open(`/events/stream?after=${cursor}`, bearer(waiter));
  const order = await placeOrder(node, guest.token);
  await moveOrder(node, waiter, order.id, 'accepted', 'preparing');
  const received = await client.next(3);
  const logged = await readAllEvents(node, waiter, { after: cursor });
  assert.deepEqual(sequences(received.map(({ event }) => event)), sequences(logged), 'the same events as GET /events, in order');
  for (const { id, event } of received) assert.equal(id, event.sequence, 'the SSE id is the sequence');
  assert.deepEqual(received.map(({ event }) => event.type), ['order.placed', 'order.accepted', 'order.preparing']);
});

test('after a drop the EventSource resumes with Last-Event-ID: no gap, no repeat', async () => {
  const guest = await node.guest();
  const cursor = await currentCursor(node);
  const client = open(`/events/stream?after=${cursor}`, bearer(waiter));
  const order = await placeOrder(node, guest.token);
  await moveOrder(node, waiter, order.id, 'accepted');
  const [, last] = await client.next(2);
  client.drop();
  // Committed while the client is away.
  await moveOrder(node, waiter, order.id, 'preparing', 'ready', 'served');
  await client.next(5, 10_000);
  assert.equal(client.connections.length, 2, 'one reconnection');
  assert.equal(client.connections[1]?.['Last-Event-ID'], last?.id, 'it resumes from the last event it got');
  const logged = await readAllEvents(node, waiter, { after: cursor });
  assert.deepEqual(sequences(client.received.map(({ event }) => event)), sequences(logged), 'every event once, in order');
});

test("a guest's stream shows only its own orders and public events, never another guest's", async () => {
  const a = await node.guest(1, 'A');
  const b = await node.guest(2, 'B');
  const cursor = await currentCursor(node);
  const stream = open(`/events/stream?after=${cursor}`, bearer(a.token));
  const orderOfB = await placeOrder(node, b.token);
  await moveOrder(node, waiter, orderOfB.id, 'accepted');
  await node.request(`/orders/${orderOfB.id}/messages`, { token: b.token, json: { text: 'for B only' } });
  const orderOfA = await placeOrder(node, a.token);
  // Events come in log order, so once A's own order arrives, anything of B's would have come first.
  const [first] = await stream.next(1);
  assert.equal(first?.event.subject, `orders/${orderOfA.id}`, "A's first event is its own order");
  assert.ok(stream.received.every(({ event }) => event.subject !== `orders/${orderOfB.id}`), "B's order never reaches A");
});

test('types filters the stream', async () => {
  const guest = await node.guest();
  const cursor = await currentCursor(node);
  const stream = open(`/events/stream?after=${cursor}&types=order.accepted,order.ready`, bearer(waiter));
  const order = await placeOrder(node, guest.token);
  await moveOrder(node, waiter, order.id, 'accepted', 'preparing', 'ready');
  const received = await stream.next(2);
  assert.deepEqual(received.map(({ event }) => event.type), ['order.accepted', 'order.ready']);
});

test('the token may come as a query parameter, as an EventSource cannot set headers', async () => {
  const guest = await node.guest();
  const cursor = await currentCursor(node);
  const stream = open(`/events/stream?after=${cursor}&token=${guest.token}`);
  const order = await placeOrder(node, guest.token);
  const [first] = await stream.next(1);
  assert.equal(first?.event.subject, `orders/${order.id}`, 'the guest sees its order');
});

test('a message cannot inject SSE fields: it arrives as one event with its text intact', async () => {
  const guest = await node.guest();
  const order = await placeOrder(node, guest.token);
  const cursor = await currentCursor(node);
  const stream = open(`/events/stream?after=${cursor}`, bearer(guest.token));
  const text = 'hello\n\nid: 999\ndata: x\r\nevent: boom\n';
  const posted = await node.request(`/orders/${order.id}/messages`, { token: guest.token, json: { text } });
  assert.equal(posted.status, 201, posted.text);
  await placeOrder(node, guest.token);
  const [message, next] = await stream.next(2);
  assert.equal(message?.event.data.text, text, 'the text as sent');
  assert.notEqual(message?.id, '999', 'the id is the sequence');
  assert.equal(next?.event.type, 'order.placed', 'the next event follows as its own event');
});

test('a raw stream: headers, retry first, comment heartbeats, and Last-Event-ID winning over after', async () => {
  const cursor = await currentCursor(node);
  const response = await fetch(`${node.url}/events/stream?after=0`, { headers: { ...bearer(waiter), 'last-event-id': cursor } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/event-stream');
  assert.equal(response.headers.get('cache-control'), 'no-cache, no-transform');
  assert.equal(response.headers.get('x-accel-buffering'), 'no');
  assert.equal(response.headers.get('connection'), 'keep-alive');
  const { text, reader } = await readUntil(response, (read) => read.includes(': heartbeat\n\n'));
  await reader.cancel();
  assert.match(text, /^retry: \d+\n\n/, 'the reconnection delay comes first');
  assert.doesNotMatch(text, /^id: /m, 'nothing at or before Last-Event-ID is sent again (after=0 is overridden)');
});

test('streams that close leave no feed subscriber behind', async () => {
  // A node of its own: streams other tests just closed may still be leaving this one's count.
  const own = await startTestNode();
  try {
    const subscribers = () => own.core.feed.subscriberCount();
    const baseline = subscribers();
    const streams = await Promise.all(Array.from({ length: 20 }, () => fetch(`${own.url}/events/stream`, { headers: bearer(own.adminToken) })));
    await waitFor(() => subscribers() === baseline + 20);
    for (const stream of streams) await stream.body?.cancel();
    await waitFor(() => subscribers() === baseline);
    assert.equal(subscribers(), baseline, 'each closed stream stopped following the feed');
  } finally {
    await own.close();
  }
});

test('a bad or missing credential and bad input are problems before any stream', async () => {
  const problem = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(node.url + path, { headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
  };
  const badToken = await problem('/events/stream?token=not-a-token');
  assertProblem(badToken, 401, 'unauthorized');
  assert.equal(badToken.headers.get('www-authenticate'), 'Bearer realm="bistro"');
  assert.ok(!badToken.text.includes('not-a-token'), 'the token is not echoed');
  assertProblem(await problem('/events/stream', { authorization: 'Bearer nope' }), 401, 'unauthorized');
  assertProblem(await problem('/events/stream?after=x'), 400, 'validation_failed', '/after');
  assertProblem(await problem('/events/stream', { 'last-event-id': 'x' }), 400, 'validation_failed', '/Last-Event-ID');
  assertProblem(await problem('/events/stream?types=order.eaten'), 400, 'validation_failed');
  assertProblem(await problem('/events/stream?limit=5'), 400, 'validation_failed', '/limit');

  const client = open('/events/stream?token=not-a-token');
  await new Promise((resolve) => client.source.addEventListener('error', resolve, { once: true }));
  assert.equal(client.source.readyState, client.source.CLOSED, 'an EventSource given 401 gives up');
});

test('a revoked staff key ends its stream', async () => {
  const key = await node.request('/keys', { token: node.adminToken, json: { role: 'kitchen', name: 'to revoke' } });
  const response = await fetch(`${node.url}/events/stream?after=${await currentCursor(node)}`, { headers: bearer(key.body.token) });
  const revoked = await node.request(`/keys/${key.body.id}`, { method: 'DELETE', token: node.adminToken });
  assert.ok(revoked.status < 300, revoked.text);
  const { ended } = await readUntil(response, () => false);
  assert.ok(ended, 'the stream ends');
});

test('a cursor below the retained log is a 410 with the head, before any stream', async () => {
  const small = await startTestNode({ BISTRO_EVENT_RETENTION: '3' });
  try {
    const guest = await small.guest();
    for (let i = 0; i < 3; i++) await placeOrder(small, guest.token);
    const response = await fetch(`${small.url}/events/stream?after=1`, { headers: bearer(guest.token) });
    const body = (await response.json()) as { code: string; head: string };
    assert.equal(response.status, 410);
    assert.equal(body.code, 'resync_required');
    assert.match(body.head, /^\d+$/, 'the head to continue from');
  } finally {
    await small.close();
  }
});

test('shutting down ends every stream promptly', async () => {
  const closing = await startTestNode();
  const guest = await closing.guest();
  const streams = await Promise.all([0, 1, 2].map(() => fetch(`${closing.url}/events/stream?token=${guest.token}`)));
  const reading = streams.map((response) => readUntil(response, () => false, 10_000));
  const started = Date.now();
  await closing.close();
  const ms = Date.now() - started;
  assert.ok(ms < 2000, `close is not held by open streams (${ms} ms)`);
  for (const read of await Promise.all(reading)) assert.ok(read.ended, 'each stream ended');
});

test('OpenAPI documents GET /events/stream as text/event-stream with its parameters and problems', async () => {
  const stream = (await node.request('/openapi.json')).body.paths['/events/stream'].get;
  assert.ok(stream.responses['200'].content['text/event-stream'], 'an event stream');
  const names = stream.parameters.map((parameter: { name: string }) => parameter.name);
  assert.deepEqual(names, ['after', 'types', 'token', 'Last-Event-ID']);
  for (const status of ['400', '401', '410']) assert.ok(stream.responses[status], `documents ${status}`);
});
