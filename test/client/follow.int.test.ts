/**
 * `follow` through each of the five push patterns against a real node: `types` filters, `after`
 * resumes exactly where GET /events says, no `after` means from now, a guest sees only their own
 * orders, and a cursor the log no longer keeps throws resync_required. Aborting ends it quietly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BistroClientError } from '../../client/errors.ts';
import { follow } from '../../client/follow/index.ts';
import { watchOrder } from '../../client/watch-order.ts';
import type { CloudEvent, FollowOptions, PushVia } from '../../client/types.ts';
import { WebSocket as WhatwgWebSocket } from 'undici';
import { scrape, value } from '../helpers/prometheus.ts';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { createClient } from '../../client/node.ts';
import { logEnd, moveOrder, placeOrder, pushPatterns, readLog, readUntil, sequencesOf } from './follow-steps.ts';

const connectionTo = (url: string, token?: string) => createClient({ url, token }).connection;

let node: TestNode;
let waiter: string;
before(async () => {
  node = await startTestNode();
  waiter = await node.staffKey('waiter');
});
after(() => node.close());

/** Quick settings, so polling patterns answer within a test's patience. */
const quick: Partial<FollowOptions> = { intervalMs: 50, waitSeconds: 2, retry: { initialDelayMs: 20, maxDelayMs: 200 } };

function followAs(token: string, via: PushVia, options: FollowOptions = {}) {
  return follow(connectionTo(node.url, token), { ...quick, via, ...options });
}

for (const via of pushPatterns) {
  test(`${via}: after a cursor, only the types asked for, exactly the events GET /events lists`, { timeout: 20_000 }, async () => {
    const guest = await node.guest(1, 'Ada');
    const start = await logEnd(node, node.adminToken);
    const orderId = await placeOrder(node, guest.token);
    for (const status of ['accepted', 'preparing', 'ready']) await moveOrder(node, waiter, orderId, status);
    const types = ['order.accepted', 'order.ready'];

    const events = follow(connectionTo(node.url, node.adminToken), { ...quick, via, after: start, types });
    const seen = await readUntil(events, (list) => list.length >= 2, 10_000, via);
    await events.return?.();

    const listed = await readLog(node, node.adminToken, start, types);
    assert.deepEqual(sequencesOf(seen), sequencesOf(listed), `${via} yields what GET /events?after=${start}&types=… lists, in order`);
    assert.deepEqual(seen.map((event) => [event.type, event.subject]), [['order.accepted', `orders/${orderId}`], ['order.ready', `orders/${orderId}`]], `${via}: the two asked-for types of the order`);
    const whole = seen[0] as CloudEvent;
    assert.equal(whole.specversion, '1.0', `${via}: a whole CloudEvent (specversion)`);
    assert.equal(typeof whole.source, 'string', `${via}: a whole CloudEvent (source)`);
    // GraphQL's Event leaves out datacontenttype (always application/json); the rest is the same.
    const expected = via === 'graphql-ws' ? Object.fromEntries(Object.entries(listed[0] ?? {}).filter(([key]) => key !== 'datacontenttype')) : listed[0];
    assert.deepEqual({ ...whole }, expected, `${via}: the same event GET /events answers`);
  });

  test(`${via}: with no cursor it follows from now, and stopping it (abort) ends it quietly`, { timeout: 20_000 }, async () => {
    const guest = await node.guest(2, 'Bo');
    const before = await placeOrder(node, guest.token);
    const beforeSequence = await logEnd(node, node.adminToken);
    const controller = new AbortController();
    const events = followAs(node.adminToken, via, { types: ['order.accepted'], signal: controller.signal });
    const first = events.next();
    // The follow finds "now" on its own time: accept orders until one arrives, then check it is not old.
    let accepted = 0;
    const arrived = await waitFor(async () => {
      const fresh = await placeOrder(node, guest.token);
      await moveOrder(node, waiter, fresh, 'accepted');
      accepted += 1;
      return Promise.race([first, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100))]);
    }, 10_000, 1);
    assert.ok(accepted <= 100, `${via}: an event arrived within ${accepted} writes`);
    assert.ok(!arrived.done, `${via}: an event arrived`);
    assert.ok(Number(arrived.value.sequence) > Number(beforeSequence), `${via}: the first event (${arrived.value.sequence}) is after the log's end when following began (${beforeSequence}), not backlog`);
    assert.notEqual(arrived.value.subject, `orders/${before}`, `${via}: the order placed before following is not in it`);

    const pending = events.next();
    controller.abort();
    const ended = await pending;
    assert.equal(ended.done, true, `${via}: aborting ends the iterator (done), it does not throw`);
  });

  test(`${via}: following from now costs at most one request to find the end, however long the log`, { timeout: 20_000 }, async () => {
    const asked: string[] = [];
    const counting: typeof fetch = (input, init) => {
      asked.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const client = createClient({ url: node.url, token: node.adminToken, fetch: counting });
    const events = client.follow({ ...quick, via, types: ['order.cancelled'] });
    const first = events.next();
    const guest = await node.guest(5, 'Cy');
    const cancelled = await waitFor(async () => {
      const fresh = await placeOrder(node, guest.token);
      await node.request(`/orders/${fresh}`, { method: 'DELETE', token: guest.token });
      return Promise.race([first, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100))]);
    }, 10_000, 1);
    await events.return?.();
    assert.ok(!cancelled.done, `${via}: the cancellation arrived`);
    const scans = asked.filter((url) => /\/events\?/.test(url) && /after=0\b/.test(url));
    assert.deepEqual(scans, [], `${via}: the log is never read from its start to find its end`);
    assert.ok(asked.filter((url) => /after=now/.test(url)).length <= 1, `${via}: one after=now request at most (${asked.join(', ')})`);
  });

  test(`${via}: a guest follows only their own order's events`, { timeout: 20_000 }, async () => {
    const ada = await node.guest(3, 'Ada');
    const bo = await node.guest(4, 'Bo');
    const start = await logEnd(node, node.adminToken);
    const hers = await placeOrder(node, ada.token);
    const his = await placeOrder(node, bo.token);
    await moveOrder(node, waiter, his, 'accepted');
    await moveOrder(node, waiter, hers, 'accepted');

    const events = followAs(ada.token, via, { after: start });
    const seen = await readUntil(events, (list) => list.some((event) => event.type === 'order.accepted'), 10_000, via);
    await events.return?.();
    assert.deepEqual(seen.map((event) => [event.type, event.subject]), [['order.placed', `orders/${hers}`], ['order.accepted', `orders/${hers}`]], `${via}: Ada sees her order placed and accepted, nothing of Bo's (${his}) between`);
  });
}

for (const via of pushPatterns) {
  test(`watchOrder via ${via}: the order now, then again at each move the staff make over REST`, { timeout: 20_000 }, async () => {
    const guest = await node.guest(8, 'Eve');
    const orderId = await placeOrder(node, guest.token);
    const controller = new AbortController();
    const watching = watchOrder(connectionTo(node.url, guest.token), orderId, { via, signal: controller.signal, intervalMs: 50, waitSeconds: 2, retry: quick.retry });
    const seen = await readUntil(watching, (list) => list.length >= 1, 10_000, `watchOrder ${via}`);
    // One move at a time, each awaited, so no two collapse into one read.
    for (const status of ['accepted', 'preparing', 'ready', 'served'] as const) {
      await moveOrder(node, waiter, orderId, status);
      seen.push(...(await readUntil(watching, (list) => list.at(-1)?.status === status, 10_000, `watchOrder ${via} → ${status}`)));
    }
    assert.deepEqual(seen.map((order) => order.status), ['placed', 'accepted', 'preparing', 'ready', 'served'], `${via}: each state once, in order`);
    assert.ok(seen.every((order, index) => index === 0 || order.version > (seen[index - 1]?.version ?? Infinity)), `${via}: versions only go up`);
    const now = await node.request(`/orders/${orderId}`, { token: guest.token });
    assert.deepEqual(seen.at(-1), now.body, `${via}: the last order yielded is the order GET /orders/{id} answers`);
    const pending = watching.next();
    controller.abort();
    assert.equal((await pending).done, true, `${via}: aborting ends the watch quietly`);
  });
}

test('every push pattern throws resync_required for a cursor the log no longer keeps, and does not retry it', { timeout: 30_000 }, async (t) => {
  const short = await startTestNode({ BISTRO_EVENT_RETENTION: '5' });
  t.after(() => short.close());
  const guest = await short.guest(5, 'Cy');
  const waiterHere = await short.staffKey('waiter');
  await waitFor(async () => {
    const orderId = await placeOrder(short, guest.token);
    await moveOrder(short, waiterHere, orderId, 'accepted');
    return (await short.request('/events?after=0', { token: short.adminToken })).status === 410;
  }, 10_000);

  for (const via of pushPatterns) {
    const reconnects: unknown[] = [];
    const events = follow(connectionTo(short.url, short.adminToken), { ...quick, via, after: '0', onReconnect: (info) => reconnects.push(info.error) });
    await assert.rejects(
      events.next(),
      (error: unknown) => error instanceof BistroClientError && error.code === 'resync_required' && typeof error.details['head'] === 'string',
      `${via}: a pruned cursor throws BistroClientError resync_required with the head to follow from`,
    );
    assert.deepEqual(reconnects, [], `${via}: resync_required is not retried`);
  }
});

test('a bad token throws unauthorized at once through every push pattern, without retrying', { timeout: 20_000 }, async () => {
  for (const via of pushPatterns) {
    const reconnects: unknown[] = [];
    const events = follow(connectionTo(node.url, 'not-a-token'), { ...quick, via, after: '0', onReconnect: (info) => reconnects.push(info.error) });
    await assert.rejects(events.next(), (error: unknown) => error instanceof BistroClientError && error.code === 'unauthorized', `${via}: a bad token is unauthorized`);
    assert.deepEqual(reconnects, [], `${via}: unauthorized is not retried`);
  }
});

test('rate limited (429), a follower waits the Retry-After and goes on, without a gap', { timeout: 20_000 }, async (t) => {
  const limited = await startTestNode({ BISTRO_RATE_LIMIT: '4', BISTRO_RATE_LIMIT_WINDOW_MS: '1000' });
  t.after(() => limited.close());
  const guest = await limited.guest(9, 'Flo');
  const staff = await limited.staffKey('waiter');
  const orderId = await placeOrder(limited, guest.token);
  const reconnects: { delayMs: number; error: unknown }[] = [];
  // Polling every 10 ms spends a budget of 4 calls a second at once.
  const events = follow(connectionTo(limited.url, staff), { via: 'poll', after: '0', types: ['order.placed'], intervalMs: 10, retry: { initialDelayMs: 10, maxDelayMs: 50 }, onReconnect: (info) => reconnects.push(info) });
  const first = await readUntil(events, (list) => list.length >= 1, 10_000, 'poll');
  assert.equal(first[0]?.subject, `orders/${orderId}`, 'the order placed before following');
  // Pulled, the follower polls on until the budget is spent.
  const pending = events.next();
  await waitFor(() => reconnects.length >= 1, 10_000);
  const limitedBy = reconnects[0];
  assert.ok(limitedBy?.error instanceof BistroClientError && limitedBy.error.code === 'rate_limited', `a 429 is retried, not thrown (${String(limitedBy?.error)})`);
  const retryAfterMs = (limitedBy.error.retryAfterSeconds ?? 0) * 1000;
  assert.ok(retryAfterMs >= 1000 && limitedBy.delayMs >= retryAfterMs, `the delay (${limitedBy.delayMs} ms) is at least the Retry-After (${retryAfterMs} ms), past retry.maxDelayMs`);
  // The guest's budget is its own: it places the next order while the follower waits.
  const later = await placeOrder(limited, guest.token);
  const next = await pending;
  assert.equal(next.done ? undefined : next.value.subject, `orders/${later}`, 'after the wait the next order follows, nothing skipped or repeated');
  await events.return?.();
});

test('leaving a for-await (return) closes the stream or socket at once: the node counts it gone', { timeout: 20_000 }, async (t) => {
  const own = await startTestNode();
  t.after(() => own.close());
  const open = async (pattern: string) => value(await scrape(own), 'bistro_open_connections', { pattern });
  for (const [via, pattern] of [['sse', 'sse'], ['ws', 'websocket'], ['graphql-ws', 'graphql-ws']] as const) {
    const events = follow(connectionTo(own.url, own.adminToken), { via, after: '0' });
    for await (const event of events) {
      assert.ok(event.sequence, `${via}: an event from the start of the log`);
      assert.equal(await open(pattern), 1, `${via}: the node holds one ${pattern} connection while it is followed`);
      break;
    }
    await waitFor(async () => (await open(pattern)) === 0, 2_000).catch(() => assert.fail(`${via}: the ${pattern} connection is still open after break`));
  }
});

test("with a browser's WebSocket (undici's WHATWG one, as in Node.js 22), ws and graphql-ws follow, and a refused token still throws unauthorized", { timeout: 20_000 }, async () => {
  // It says nothing of why an upgrade failed, as a browser's does not: the client must find out itself.
  const browserLike = (token: string) => createClient({ url: node.url, token, WebSocket: WhatwgWebSocket }).connection;
  const start = await logEnd(node, node.adminToken);
  const guest = await node.guest(10, 'Gus');
  const orderId = await placeOrder(node, guest.token);
  for (const via of ['ws', 'graphql-ws'] as const) {
    const events = follow(browserLike(node.adminToken), { ...quick, via, after: start, types: ['order.placed'] });
    const seen = await readUntil(events, (list) => list.length >= 1, 10_000, via);
    await events.return?.();
    assert.equal(seen[0]?.subject, `orders/${orderId}`, `${via}: the order placed, through a WHATWG WebSocket`);

    const reconnects: unknown[] = [];
    const refused = follow(browserLike('not-a-token'), { ...quick, via, after: '0', onReconnect: (info) => reconnects.push(info.error) });
    await assert.rejects(refused.next(), (error: unknown) => error instanceof BistroClientError && error.code === 'unauthorized', `${via}: a bad token is unauthorized`);
    assert.deepEqual(reconnects, [], `${via}: and not retried`);
  }
});
