/**
 * GET /metrics after real traffic over every pattern: the Prometheus text parses, and the series
 * move with what was done (operation calls by pattern and outcome, open connections and
 * subscriptions while they are open, a parked long poll, a webhook delivery, the log's head).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startBellReceiver, type BellReceiver } from '../helpers/bell-receiver.ts';
import { fishAndChipsNoSaltTwoFish, startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { openRpcSocket } from '../helpers/push-clients.ts';
import { scrape, value } from '../helpers/prometheus.ts';
import type { Store } from '../../src/core/store.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

let node: TestNode;
let bell: BellReceiver;

before(async () => {
  bell = await startBellReceiver();
  node = await startTestNode({ BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' });
});

after(async () => {
  await node.close();
  await bell.close();
});

test('process metrics (event-loop delay, memory) and every Bistro series are there from the start', async () => {
  const samples = await scrape(node);
  const names = new Set(samples.map(({ name }) => name));
  for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'process_resident_memory_bytes', 'bistro_event_log_head_sequence', 'bistro_feed_lag_events', 'bistro_long_polls_parked', 'bistro_webhook_deliveries_pending', 'bistro_webhook_delivery_lag_seconds', 'bistro_webhook_endpoints_disabled']) {
    assert.ok(names.has(name), `${name} is exported`);
  }
  assert.equal(value(samples, 'bistro_event_log_head_sequence'), value(samples, 'bistro_feed_delivered_sequence'), "a lone node's feed has handed on the whole log");
  assert.equal(value(samples, 'bistro_feed_lag_events'), 0, 'so it lags by nothing');
});

test('operation calls are counted by pattern, operation and outcome, with their latency', async () => {
  const guest = await node.guest();
  const before = await scrape(node);
  const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
  assert.equal(placed.status, 201, 'an order over REST');
  assert.equal((await node.request('/orders/ord_missing', { token: guest.token })).status, 404, 'a missing order over REST');
  const rpc = await node.request('/rpc', { token: guest.token, json: { jsonrpc: '2.0', id: 1, method: 'orders.get', params: { id: placed.body.id } } });
  assert.ok(rpc.body.result, 'the order over JSON-RPC');
  const graphql = await node.request('/graphql', { token: guest.token, json: { query: `{ order(id: "${placed.body.id}") { id status } }` } });
  assert.equal(graphql.body.data?.order?.id, placed.body.id, 'the order over GraphQL');
  const socket = await openRpcSocket(node, guest.token);
  await socket.call('orders.get', { id: placed.body.id });
  socket.close();

  const samples = await scrape(node);
  const moved = (labels: Record<string, string>) => value(samples, 'bistro_operations_total', labels) - value(before, 'bistro_operations_total', labels);
  assert.equal(moved({ pattern: 'rest', operation: 'orders.place', outcome: 'ok' }), 1, 'the REST order counted ok');
  assert.equal(moved({ pattern: 'rest', operation: 'orders.get', outcome: 'not_found' }), 1, 'the missing order counted with its error code');
  assert.equal(moved({ pattern: 'rpc', operation: 'orders.get', outcome: 'ok' }), 1, 'the JSON-RPC call counted');
  assert.equal(moved({ pattern: 'graphql', operation: 'orders.get', outcome: 'ok' }), 1, 'the GraphQL field counted');
  assert.equal(moved({ pattern: 'websocket', operation: 'orders.get', outcome: 'ok' }), 1, 'the call over /ws counted');
  const timed = value(samples, 'bistro_operation_duration_seconds_count', { pattern: 'rest', operation: 'orders.place' }) - value(before, 'bistro_operation_duration_seconds_count', { pattern: 'rest', operation: 'orders.place' });
  assert.equal(timed, 1, 'and timed in the latency histogram');
  const inf = value(samples, 'bistro_operation_duration_seconds_bucket', { pattern: 'rest', operation: 'orders.place', le: '+Inf' });
  assert.equal(inf, value(samples, 'bistro_operation_duration_seconds_count', { pattern: 'rest', operation: 'orders.place' }), 'whose +Inf bucket holds every call');
  assert.ok(value(samples, 'bistro_http_requests_total', { pattern: 'rest', status: '201' }) > value(before, 'bistro_http_requests_total', { pattern: 'rest', status: '201' }), 'HTTP answers are counted by status');
  assert.ok(value(samples, 'bistro_http_requests_total', { pattern: 'rpc', status: '200' }) >= 1, 'the /rpc answer too');
});

test('every HTTP answer is counted under the pattern of its route: probes, a long poll, a path nobody serves', async () => {
  const before = await scrape(node);
  assert.equal((await node.request('/healthz')).status, 200, 'a probe');
  assert.equal((await node.request('/events?after=0&limit=1&wait=1')).status, 200, 'a long poll');
  assert.equal((await node.request('/nowhere')).status, 404, 'a path nobody serves');
  const samples = await scrape(node);
  const moved = (labels: Record<string, string>) => value(samples, 'bistro_http_requests_total', labels) - value(before, 'bistro_http_requests_total', labels);
  assert.equal(moved({ pattern: 'ops', status: '200' }), 2, 'the probe and the first scrape, as ops');
  assert.equal(moved({ pattern: 'long-poll', status: '200' }), 1, 'the GET with wait, as a long poll');
  assert.equal(moved({ pattern: 'unrouted', status: '404' }), 1, 'the 404, as unrouted');
});

test('open connections, subscriptions and a parked long poll show while they are open, and go when they end', async () => {
  const guest = await node.guest();
  const head = String(node.core.feed.head());
  // /ws with one events subscription.
  const socket = await openRpcSocket(node, guest.token);
  await socket.call('events.subscribe', { after: head });
  // A GraphQL subscription over graphql-ws.
  const client = createClient({ url: `${node.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${guest.token}` }, retryAttempts: 0 });
  let acknowledged = false;
  client.on('connected', () => (acknowledged = true));
  const stopSubscription = client.subscribe({ query: `subscription { events(after: "${head}") { sequence } }` }, { next: () => {}, error: () => {}, complete: () => {} });
  // An SSE stream.
  const sseAbort = new AbortController();
  const stream = await fetch(`${node.url}/events/stream?after=${head}`, { headers: { authorization: `Bearer ${guest.token}`, accept: 'text/event-stream' }, signal: sseAbort.signal });
  assert.equal(stream.status, 200, 'the SSE stream opens');
  // A long poll, parked until something happens.
  const longPoll = node.request(`/events?after=${head}&wait=20`, { token: guest.token });

  const open = await waitFor(async () => {
    const samples = await scrape(node);
    const ready =
      acknowledged &&
      value(samples, 'bistro_long_polls_parked') === 1 &&
      value(samples, 'bistro_active_subscriptions', { pattern: 'graphql-ws' }) === 1 &&
      value(samples, 'bistro_open_connections', { pattern: 'sse' }) === 1;
    return ready && samples;
  });
  assert.equal(value(open, 'bistro_open_connections', { pattern: 'websocket' }), 1, 'one /ws socket');
  assert.equal(value(open, 'bistro_active_subscriptions', { pattern: 'websocket' }), 1, 'holding one events subscription');
  assert.equal(value(open, 'bistro_open_connections', { pattern: 'graphql-ws' }), 1, 'one graphql-ws socket');
  assert.ok(value(open, 'bistro_open_connections', { pattern: 'http' }) >= 4, 'every TCP connection to the server, the upgraded ones too');

  // An order ends the long poll (and reaches every subscriber).
  const placed = await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } });
  assert.equal(placed.status, 201, 'an order');
  assert.equal((await longPoll).body.items.length, 1, 'the long poll is answered with it');

  socket.close();
  stopSubscription();
  await client.dispose();
  sseAbort.abort();
  await waitFor(async () => {
    const samples = await scrape(node);
    return (
      value(samples, 'bistro_long_polls_parked') === 0 &&
      value(samples, 'bistro_open_connections', { pattern: 'websocket' }) === 0 &&
      value(samples, 'bistro_open_connections', { pattern: 'graphql-ws' }) === 0 &&
      value(samples, 'bistro_open_connections', { pattern: 'sse' }) === 0 &&
      value(samples, 'bistro_active_subscriptions', { pattern: 'websocket' }) === 0 &&
      value(samples, 'bistro_active_subscriptions', { pattern: 'graphql-ws' }) === 0
    );
  });
  const samples = await scrape(node);
  assert.ok(value(samples, 'bistro_operations_total', { pattern: 'long-poll', operation: 'events.list', outcome: 'ok' }) >= 1, 'the long poll counted as one');
  assert.ok(value(samples, 'bistro_http_request_duration_seconds_count', { pattern: 'long-poll' }) >= 1, 'and its HTTP time apart from plain REST');
});

test('a webhook delivery moves the queued, attempt and delivery counters; the backlog drains to nothing', async () => {
  const guest = await node.guest();
  const before = await scrape(node);
  const created = await node.request('/webhooks', { token: guest.token, json: { url: `${bell.url}/metrics`, types: ['order.placed'], description: 'metrics' } });
  assert.equal(created.status, 201, 'an endpoint');
  assert.equal((await node.request('/orders', { token: guest.token, json: { items: [fishAndChipsNoSaltTwoFish] } })).status, 201, 'an order to ring about');
  await waitFor(() => bell.rings.some(({ path }) => path === '/metrics'));
  const samples = await waitFor(async () => {
    const now = await scrape(node);
    return value(now, 'bistro_webhook_deliveries_total', { status: 'delivered' }) > value(before, 'bistro_webhook_deliveries_total', { status: 'delivered' }) && now;
  });
  const moved = (name: string, labels: Record<string, string> = {}) => value(samples, name, labels) - value(before, name, labels);
  assert.equal(moved('bistro_webhook_deliveries_queued_total'), 1, 'one delivery queued');
  assert.equal(moved('bistro_webhook_attempts_total', { outcome: 'ok' }), 1, 'one attempt, answered 2xx');
  assert.equal(moved('bistro_webhook_deliveries_total', { status: 'delivered' }), 1, 'one delivery done');
  assert.equal(value(samples, 'bistro_webhook_deliveries_pending'), 0, 'nothing left pending');
  assert.equal(value(samples, 'bistro_webhook_delivery_lag_seconds'), 0, 'so no lag');
  assert.equal(value(samples, 'bistro_event_log_head_sequence'), node.core.feed.head(), "the log's head as the node knows it");
});

test('BISTRO_METRICS=off serves no /metrics', async () => {
  const quiet = await startTestNode({ BISTRO_METRICS: 'off' });
  try {
    assert.equal((await quiet.request('/metrics')).status, 404, 'no route');
    assert.equal((await quiet.request('/healthz')).status, 200, 'the node serves all the same');
  } finally {
    await quiet.close();
  }
});

test('a store read that fails or hangs is NaN in the scrape, and every other series still answers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-metrics-'));
  const store = await createSqliteStore({ file: join(dir, 'bistro.db') });
  const broken: Store = {
    ...store,
    // A database that never answers this query, and one that refuses that one.
    deliveries: { ...store.deliveries, backlog: () => new Promise(() => {}) },
    webhooks: {
      ...store.webhooks,
      countDisabled: async () => {
        throw new Error('database unreachable');
      },
    },
  };
  const node = await startTestNode({}, { store: broken });
  try {
    const samples = await scrape(node);
    assert.ok(Number.isNaN(value(samples, 'bistro_webhook_deliveries_pending')), 'the hanging read is NaN');
    assert.ok(Number.isNaN(value(samples, 'bistro_webhook_delivery_lag_seconds')), 'so is the lag read by the same query');
    assert.ok(Number.isNaN(value(samples, 'bistro_webhook_endpoints_disabled')), 'the failing read is NaN');
    assert.ok(value(samples, 'bistro_event_log_head_sequence') > 0, 'the log head is there all the same');
    assert.ok(samples.some(({ name }) => name === 'nodejs_eventloop_lag_seconds'), 'and the process metrics');
  } finally {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
