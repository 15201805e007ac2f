/**
 * The lab's request-response side against a real node, through a counting TCP proxy: the round
 * trips show under-fetching, the bytes show over-fetching, every placement made one order, and the
 * bytes the lab reports are the bytes on the wire, exactly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { measureRequestResponse, type MeasuredReading } from '../../src/lab/request-response.ts';
import type { LabQuestion, QuestionSummary, RequestVia } from '../../src/lab/lab-result.ts';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

const samples = 3;
const rounds = 2;

let node: TestNode;
let proxy: CountingProxy;
let summaries: QuestionSummary[];
const readings: MeasuredReading[] = [];
const steps: string[] = [];
let ordersBefore: number;

/** Every order on the node, as staff see them. */
async function orderCount(): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const response = await node.request(`/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: node.adminToken });
    assert.equal(response.status, 200, `listing orders answers 200: ${response.text}`);
    count += (response.body.items as unknown[]).length;
    cursor = response.body.nextCursor as string | null;
  } while (cursor);
  return count;
}

function summary(question: LabQuestion, via: RequestVia): QuestionSummary {
  const found = summaries.find((candidate) => candidate.question === question && candidate.via === via);
  assert.ok(found, `there is a summary of ${question} via ${via}`);
  return found;
}

before(async () => {
  node = await startTestNode();
  const port = Number(new URL(node.url).port);
  proxy = await startCountingProxy(port);
  ordersBefore = await orderCount();
  // The set-up goes to the node directly, so the proxy sees only what the lab measures.
  summaries = await measureRequestResponse(
    { url: proxy.urlFor(node.url), setupUrl: node.url },
    { samples, rounds, seed: 7, onReading: (reading) => readings.push(reading) },
    (step) => steps.push(step),
  );
  await proxy.idle();
});

after(async () => {
  await proxy?.close();
  await node?.close();
});

test('each of the three questions is answered through each of the three patterns, every round', () => {
  assert.equal(summaries.length, 9, 'three questions × three patterns');
  assert.equal(new Set(summaries.map((entry) => `${entry.question} ${entry.via}`)).size, 9, 'no pair twice');
  for (const entry of summaries) {
    assert.equal(entry.rounds.length, rounds, `${entry.question} via ${entry.via} has every round`);
    for (const round of entry.rounds) assert.equal(round.samples, samples, `${entry.question} via ${entry.via} took every sample`);
    assert.ok(entry.latencyMs.p50.min > 0 && entry.latencyMs.p50.min <= entry.latencyMs.p50.max, `${entry.question} via ${entry.via} has a latency spread`);
  }
  assert.equal(steps.length, 9 * rounds, 'a step is told per measurement');
});

test('the order of the patterns turns round by round', () => {
  const firstOf = (round: number) => readings.find((reading) => reading.round === round && reading.question === 'status')?.via;
  assert.notEqual(firstOf(1), firstOf(2), 'another pattern goes first in the next round');
});

test('round trips show under-fetching: REST asks once per dish, JSON-RPC batches them, GraphQL follows the link', async () => {
  const dishes = (await node.request('/menu')).body.items.filter((dish: { available: boolean; ingredients: unknown[] }) => dish.available && dish.ingredients.length > 0).slice(0, 3).length;
  assert.ok(dishes >= 2, 'the set-up order has two or more dishes');
  assert.equal(summary('order-with-ingredients', 'rest').roundTrips, 1 + dishes, 'REST: the order, then each dish');
  assert.equal(summary('order-with-ingredients', 'rpc').roundTrips, 2, 'JSON-RPC: the order, then one batch');
  assert.equal(summary('order-with-ingredients', 'graphql').roundTrips, 1, 'GraphQL: one query');
  for (const via of ['rest', 'rpc', 'graphql'] as const) {
    assert.equal(summary('status', via).roundTrips, 1, `status via ${via} is one request`);
    assert.equal(summary('place-order', via).roundTrips, 1, `placing via ${via} is one request`);
  }
});

test('bytes show over-fetching: the whole order for a status, against just the field', () => {
  assert.ok(summary('status', 'graphql').bytesFromServer.median < summary('status', 'rest').bytesFromServer.median, 'GraphQL answers the status in fewer bytes than REST');
  assert.equal(summary('status', 'graphql').unaskedBodyBytes, 0, 'GraphQL answers only what was asked');
  assert.equal(summary('order-with-ingredients', 'graphql').unaskedBodyBytes, 0, 'GraphQL answers only the asked order and ingredients');
  for (const via of ['rest', 'rpc'] as const) {
    assert.ok((summary('status', via).unaskedBodyBytes ?? 0) > 0, `${via} answers more than the status`);
    assert.ok((summary('order-with-ingredients', via).unaskedBodyBytes ?? 0) > 0, `${via} answers more than the order and ingredients`);
    assert.equal(summary('place-order', via).unaskedBodyBytes, null, `placing via ${via} has no unasked bytes`);
  }
});

test('every placement made exactly one order', async () => {
  // The set-up's order, and one per placement: a fresh idempotency key each time, never a duplicate.
  assert.equal(await orderCount(), ordersBefore + 1 + samples * rounds * 3, 'one order per placement, through each pattern');
});

test('the bytes the lab counts are the bytes on the wire', () => {
  const sum = (pick: (reading: MeasuredReading) => number) => readings.reduce((total, reading) => total + pick(reading), 0);
  assert.equal(readings.length, 9 * rounds, 'a reading per measurement');
  assert.equal(sum((reading) => reading.bytesToServer), proxy.bytesToServer(), 'bytes to the server, as the proxy saw them');
  assert.equal(sum((reading) => reading.bytesFromServer), proxy.bytesFromServer(), 'bytes from the server, as the proxy saw them');
  assert.equal(sum((reading) => reading.connections), proxy.connections(), 'connections, as the proxy saw them');
  const perAnswer = (pick: (round: QuestionSummary['rounds'][number]) => number) =>
    summaries.reduce((total, entry) => total + entry.rounds.reduce((inner, round) => inner + Math.round(pick(round) * round.samples), 0), 0);
  assert.equal(perAnswer((round) => round.bytesToServer), proxy.bytesToServer(), 'bytes per answer × samples add up to the wire');
  assert.equal(perAnswer((round) => round.bytesFromServer), proxy.bytesFromServer(), 'bytes per answer × samples add up to the wire');
});
