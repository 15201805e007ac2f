/** POST /rpc at the HTTP edge: media type, body size, method, default batch limit, and idempotency shared with REST. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from '../helpers/node.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

const call = (method: string, params: object, id: number | string) => ({ jsonrpc: '2.0', method, params, id });
const rpcText = (body: string, headers: Record<string, string>) => node.request('/rpc', { method: 'POST', body, headers });

test('a body that is not application/json is 415, answered as a JSON-RPC error', async () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json-rpc']) {
    const response = await rpcText(JSON.stringify(call('menu.list', {}, 1)), { 'content-type': type });
    assert.equal(response.status, 415, type);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(response.body.error.code, -32015);
    assert.equal(response.body.error.data.code, 'unsupported_media_type');
    assert.equal(response.body.id, null);
  }
  const bare = await fetch(`${node.url}/rpc`, { method: 'POST' });
  assert.equal(bare.status, 415, 'no body and no content type');
});

test('application/json with a charset parameter is accepted', async () => {
  const response = await rpcText(JSON.stringify(call('menu.get', { id: 'lemonade' }, 1)), { 'content-type': 'application/json; charset=utf-8' });
  assert.equal(response.status, 200);
  assert.equal(response.body.result.id, 'lemonade');
});

test('a body over the app-wide limit is 413 with a JSON-RPC error, and the node carries on', async () => {
  const huge = JSON.stringify(call('menu.list', { padding: 'x'.repeat(70_000) }, 1));
  const response = await rpcText(huge, { 'content-type': 'application/json' });
  assert.equal(response.status, 413);
  assert.deepEqual(response.body, {
    jsonrpc: '2.0',
    error: { code: -32013, message: 'The body is larger than allowed.', data: { code: 'payload_too_large', detail: 'The body is larger than allowed.' } },
    id: null,
  });
  const next = await node.request('/rpc', { json: call('menu.get', { id: 'lemonade' }, 2) });
  assert.equal(next.body.result.id, 'lemonade');
});

test('GET /rpc is 405 with Allow: POST', async () => {
  const response = await node.request('/rpc');
  assert.equal(response.status, 405);
  assert.equal(response.headers.get('allow'), 'POST');
  assert.equal(response.body.error.data.code, 'method_not_allowed');
});

test('the RPC parser stays inside its scope: REST still answers bad JSON with problem+json', async () => {
  const guest = await node.guest();
  const response = await node.request('/orders', { method: 'POST', token: guest.token, body: '{"items": [', headers: { 'content-type': 'application/json' } });
  assert.equal(response.status, 400);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(response.body.code, 'malformed_json');
});

test('BISTRO_RPC_MAX_BATCH defaults to 50 calls and refuses nonsense', () => {
  assert.equal(loadConfig([], {}).rpcMaxBatch, 50);
  assert.equal(loadConfig([], { BISTRO_RPC_MAX_BATCH: '7' }).rpcMaxBatch, 7);
  assert.throws(() => loadConfig([], { BISTRO_RPC_MAX_BATCH: '0' }), ConfigError);
  assert.throws(() => loadConfig([], { BISTRO_RPC_MAX_BATCH: 'lots' }), ConfigError);
});

test('by default a batch of 50 is answered in full and a batch of 51 is refused whole', async () => {
  const fifty = Array.from({ length: 50 }, (_, index) => call('menu.get', { id: 'lemonade' }, index));
  const answered = await node.request('/rpc', { json: fifty });
  assert.equal(answered.status, 200);
  assert.equal(answered.body.length, 50);
  assert.deepEqual(
    answered.body.map((response: { id: number }) => response.id),
    fifty.map((request) => request.id),
  );
  assert.ok(answered.body.every((response: { result?: { id: string } }) => response.result?.id === 'lemonade'));

  const guest = await node.guest();
  const fiftyOne = Array.from({ length: 51 }, (_, index) => call('orders.place', { items: [fishAndChipsNoSaltTwoFish] }, index));
  const refused = await node.request('/rpc', { token: guest.token, json: fiftyOne });
  assert.equal(refused.status, 200);
  assert.equal(refused.body.error.code, -32600);
  assert.equal(refused.body.id, null);
  const orders = await node.request('/rpc', { token: guest.token, json: call('orders.list', {}, 1) });
  assert.deepEqual(orders.body.result.items, [], 'no call of a refused batch ran');
});

test('deeply nested arrays are one invalid request, not a crash', async () => {
  const depth = 20_000;
  const response = await rpcText('['.repeat(depth) + ']'.repeat(depth), { 'content-type': 'application/json' });
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, [{ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request', data: { detail: 'A request is a JSON object.' } }, id: null }]);
});

test('idempotency is one store for every pattern: a key used over REST replays over JSON-RPC', async () => {
  const guest = await node.guest();
  const body = { items: [fishAndChipsNoSaltTwoFish] };
  const rest = await node.request('/orders', { token: guest.token, json: body, headers: { 'idempotency-key': 'parity-1' } });
  assert.equal(rest.status, 201);

  const rpc = await node.request('/rpc', { token: guest.token, json: call('orders.place', { ...body, idempotencyKey: 'parity-1' }, 1) });
  assert.deepEqual(rpc.body.result, rest.body, 'the same order, not a second one');

  const changed = await node.request('/rpc', { token: guest.token, json: call('orders.place', { items: [{ menuItemId: 'lemonade' }], idempotencyKey: 'parity-1' }, 2) });
  assert.equal(changed.body.error.code, -32022);
  assert.equal(changed.body.error.data.code, 'idempotency_key_reused');

  const restChanged = await node.request('/orders', { token: guest.token, json: { items: [{ menuItemId: 'lemonade' }] }, headers: { 'idempotency-key': 'parity-1' } });
  assert.equal(restChanged.status, 422);
  assert.equal(restChanged.body.code, 'idempotency_key_reused', 'REST refuses it with the same catalogue code');

  const list = await node.request('/rpc', { token: guest.token, json: call('orders.list', {}, 3) });
  assert.deepEqual(
    list.body.result.items.map((order: { id: string }) => order.id),
    [rest.body.id],
  );
});

test('an invalid token is answered per call inside HTTP 200, not as an HTTP 401', async () => {
  const response = await node.request('/rpc', { token: 'forged', json: [call('menu.list', {}, 1), call('orders.list', {}, 2)] });
  assert.equal(response.status, 200);
  assert.deepEqual(
    response.body.map((answer: { id: number; error: { code: number; data: { code: string } } }) => [answer.id, answer.error.code, answer.error.data.code]),
    [
      [1, -32001, 'unauthorized'],
      [2, -32001, 'unauthorized'],
    ],
  );
});
