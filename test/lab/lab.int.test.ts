/**
 * The Pattern Lab on a small workload: every pattern's numbers are there and plausible against
 * each other, and the bytes it reports are the bytes a counter on the wire saw, exactly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLabOptions } from '../../src/lab/lab-options.ts';
import { labPatterns, type LabPattern, type LabResult, type PatternSummary } from '../../src/lab/lab-result.ts';
import { runLab } from '../../src/lab/run-lab.ts';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

const guests = 4;
let node: TestNode;
let proxy: CountingProxy;
let result: LabResult;

function pattern(name: LabPattern): PatternSummary {
  const found = result.patterns.find((summary) => summary.pattern === name);
  assert.ok(found, `the result has ${name}`);
  return found;
}

before(async () => {
  // The kitchen takes 3 × 400 ms to make an order ready: long enough for a 1 s poll to ask more than once.
  node = await startTestNode({ BISTRO_KITCHEN: 'auto', BISTRO_KITCHEN_PACE_MS: '400', BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' });
  proxy = await startCountingProxy(Number(new URL(node.url).port));
  result = await runLab(checkLabOptions({ url: proxy.urlFor(node.url), guests, paceMs: 400, durationS: 1, rounds: 1, requestSamples: 2, seed: 3 }));
  await proxy.idle();
});

after(async () => {
  await proxy?.close();
  await node?.close();
});

test('every pattern is measured, each guest hears its order is ready, and no round missed one', () => {
  assert.deepEqual(
    result.patterns.map((summary) => summary.pattern),
    [...labPatterns],
    'all seven patterns, in the lab order',
  );
  for (const summary of result.patterns) {
    const [round] = summary.rounds;
    assert.ok(round, `${summary.pattern} has its round`);
    assert.equal(round.updates, guests, `${summary.pattern}: every guest learnt the order was ready`);
    assert.equal(round.missed, 0, `${summary.pattern}: no guest missed it`);
    for (const value of [round.latencyMs.p50, round.latencyMs.p95, round.latencyMs.p99]) assert.ok(Number.isFinite(value) && value >= 0, `${summary.pattern}: a latency is a number of milliseconds, not ${value}`);
    assert.ok(round.latencyMs.p50 <= round.latencyMs.p95 && round.latencyMs.p95 <= round.latencyMs.p99, `${summary.pattern}: p50 ≤ p95 ≤ p99`);
    assert.ok(summary.bytesFromServerPerUpdate.median > 0 && summary.bytesToServerPerUpdate.median > 0, `${summary.pattern}: bytes went both ways`);
    assert.ok(round.peakConnections >= 1, `${summary.pattern}: at least one connection was open`);
    assert.equal(summary.serverCpuMs, null, `${summary.pattern}: a --url node's CPU is not the lab's to read`);
  }
});

test('the numbers tell the patterns apart the way the article says they should', () => {
  const requests = (name: LabPattern) => pattern(name).requestsPerUpdate.median;
  assert.ok(requests('poll-1s') > requests('long-poll'), `short polling every 1 s asks more (${requests('poll-1s')}) than long polling (${requests('long-poll')}) for the same updates`);
  assert.equal(requests('sse'), 1, 'SSE: one request per guest, the stream');
  assert.equal(requests('websocket'), 2, 'WebSocket: the upgrade and one subscribe message');
  assert.ok(requests('graphql-ws') >= 3, 'GraphQL over WebSocket: the upgrade, connection_init and subscribe at least');
  const webhook = pattern('webhook').rounds[0];
  assert.equal(webhook?.pushes, guests, 'one delivery per guest, started by the server');
  assert.equal(webhook?.requests, guests, 'the guests sent one request each: handing over the bell');
  assert.ok((webhook?.bytesFromServer ?? 0) > (webhook?.bytesToServer ?? 0), 'the deliveries Bistro sent outweigh the bells handed over and the receiver’s empty answers');
  for (const name of ['poll-1s', 'poll-5s', 'long-poll', 'sse', 'websocket', 'graphql-ws'] as const) assert.equal(pattern(name).rounds[0]?.pushes, 0, `${name}: the server starts no request`);
  assert.ok(pattern('poll-5s').latencyMs.p99.median > pattern('sse').latencyMs.p99.median, 'polling every 5 s learns later than a stream');
});

test('the request-response side asks three questions through three patterns', () => {
  assert.equal(result.requestResponse.length, 9, 'three questions × REST, JSON-RPC, GraphQL');
  const trips = (question: string, via: string) => result.requestResponse.find((summary) => summary.question === question && summary.via === via)?.roundTrips;
  assert.ok((trips('order-with-ingredients', 'rest') ?? 0) > 1, 'REST under-fetches: the order, then each dish');
  assert.equal(trips('order-with-ingredients', 'graphql'), 1, 'GraphQL asks it in one');
});

test('the bytes the lab reports are the bytes on the wire: a counter in front of the node saw the same', () => {
  assert.equal(result.totals.bytesToServer, proxy.bytesToServer(), 'bytes sent to the node');
  assert.equal(result.totals.bytesFromServer, proxy.bytesFromServer(), 'bytes the node sent');
  assert.equal(result.totals.connections, proxy.connections(), 'connections opened');
  const measured = result.patterns.reduce((sum, summary) => sum + (summary.rounds[0]?.bytesFromServer ?? 0), 0);
  assert.ok(measured < result.totals.bytesFromServer, 'the patterns’ bytes are a part of all bytes (set-up and the request side are the rest)');
});
