/**
 * Error answers stay small whatever the input, in every pattern: at most 20 field errors listed once
 * (the rest counted in `errorCount`), a `detail` naming the first alone, echoed input clipped. Once
 * 21,000 empty items (63 KB) made a 2 MB answer listing every item twice.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode, type TestResponse } from '../helpers/node.ts';
import { assertProblem } from '../rest/steps.ts';

let node: TestNode;
let guest: { id: string; token: string };
before(async () => {
  node = await startTestNode();
  guest = await node.guest();
});
after(() => node.close());

/** Generous for 20 field errors, and far below what listing every one took. */
const maxAnswerBytes = 8 * 1024;

const emptyItems = (count: number) => Array.from({ length: count }, () => ({}));
/** `count` unknown members; short names, so even thousands fit in a URL or a small body. */
const unknownKeys = (count: number) => Array.from({ length: count }, (_, index) => `k${index.toString(36)}`);

function assertSmall(response: TestResponse, what: string): void {
  const bytes = Buffer.byteLength(response.text);
  assert.ok(bytes < maxAnswerBytes, `${what}: the answer is ${bytes} bytes`);
}

interface FieldErrors {
  errors: { pointer: string; detail: string }[];
  errorCount?: number;
  detail?: string;
}

/** The field errors as every pattern sends them: listed at most 20, each once, the count when more. */
function assertCapped(found: FieldErrors, total: number, what: string): void {
  assert.equal(found.errors.length, Math.min(total, 20), `${what}: at most 20 listed`);
  assert.equal(new Set(found.errors.map((error) => error.pointer)).size, found.errors.length, `${what}: each listed once`);
  if (total > 20) assert.equal(found.errorCount, total, `${what}: errorCount counts them all`);
  else assert.equal(found.errorCount, undefined, `${what}: no count when all are listed`);
}

test('REST: 21,000 empty items (63 KB) are refused on their number, in a small answer, and nothing is stored', async () => {
  const body = JSON.stringify({ items: emptyItems(21_000) });
  assert.ok(body.length > 60_000, 'the issue\'s 63 KB body');
  const response = await node.request('/orders', { method: 'POST', token: guest.token, headers: { 'content-type': 'application/json' }, body });
  assertProblem(response, 400, 'validation_failed', '/items');
  assertSmall(response, '21,000 items');
  assert.deepEqual(response.body.errors, [{ pointer: '/items', detail: 'must NOT have more than 50 items' }], 'the length alone, not each item');
  assert.deepEqual((await node.request('/orders', { token: guest.token })).body.items, [], 'nothing stored');
});

test('REST: within the limit every item is checked, and past 20 errors the rest are counted, not listed', async () => {
  const response = await node.request('/orders', { token: guest.token, json: { items: emptyItems(30), ...Object.fromEntries(unknownKeys(5).map((key) => [key, 1])) } });
  assertProblem(response, 400, 'validation_failed');
  assertCapped(response.body, 35, 'REST body');
  assert.equal(response.body.detail, '/k0 is not a known field (and 34 more field errors)', 'the detail names the first only');
  assert.ok(!response.body.detail.includes('/items/1/'), 'the detail does not repeat the list');
});

test('REST: 3,200 unknown query keys answer 20 of them and the count, without the URL', async () => {
  const keys = unknownKeys(3200);
  const response = await node.request(`/orders?${keys.join('&')}`, { token: guest.token });
  assertProblem(response, 400, 'validation_failed', '/k0');
  assertSmall(response, '3,200 query keys');
  assertCapped(response.body, 3200, 'REST query');
  assert.equal(response.body.instance, '/orders', 'the long URL is not repeated, its path is');
});

test('a 30,000-character unknown field name is named by its start', async () => {
  const key = 'k'.repeat(30_000);
  const response = await node.request('/orders', { token: guest.token, json: { items: [{ menuItemId: 'lemonade' }], [key]: 1 } });
  assertProblem(response, 400, 'validation_failed');
  assertSmall(response, 'a long name');
  assert.equal(response.body.errors[0].pointer, `/${'k'.repeat(64)}…`, 'the pointer clipped to 64 characters');
});

test('JSON-RPC: the same caps in data, with errorCount', async () => {
  const call = (params: unknown) => node.request('/rpc', { token: guest.token, json: { jsonrpc: '2.0', method: 'orders.place', params, id: 1 } });
  const many = await call({ items: emptyItems(21_000) });
  assert.equal(many.body.error?.data?.code, 'validation_failed', many.text.slice(0, 300));
  assertSmall(many, 'JSON-RPC 21,000 items');
  assert.deepEqual(many.body.error.data.errors, [{ pointer: '/items', detail: 'must NOT have more than 50 items' }], 'the length alone');

  const keys = await call({ items: [{ menuItemId: 'lemonade' }], ...Object.fromEntries(unknownKeys(3000).map((key) => [key, 1])) });
  assertSmall(keys, 'JSON-RPC 3,000 keys');
  assertCapped(keys.body.error.data, 3000, 'JSON-RPC');

  const method = await node.request('/rpc', { json: { jsonrpc: '2.0', method: 'x'.repeat(50_000), id: 1 } });
  assert.equal(method.body.error?.code, -32601, 'an unknown method is not found');
  assertSmall(method, 'JSON-RPC 50,000-character method name');
});

test('GraphQL: the same caps in extensions, with errorCount, for variables', async () => {
  const place = (input: unknown) =>
    node.request('/graphql', { token: guest.token, json: { query: 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', variables: { input } } });
  const many = await place({ items: emptyItems(5000) });
  assertSmall(many, 'GraphQL 5,000 items');
  const [error] = many.body.errors;
  assert.equal(error.extensions.code, 'validation_failed', many.text.slice(0, 300));
  assertCapped(error.extensions, 5000, 'GraphQL');
  assert.ok(error.message.endsWith('/items/0/menuItemId is required (and 4999 more field errors)'), `the message names the first only: ${error.message}`);
  assert.equal(many.body.errors.length, 1, 'one error for the field, not one per item');
});
