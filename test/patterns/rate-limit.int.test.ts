/**
 * Per-principal rate limits: one budget for every pattern. A guest who spends it over REST is
 * refused over JSON-RPC (HTTP and /ws) and GraphQL too, each in its own shape with Retry-After;
 * another guest, and the admin, are not touched.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { RpcSocket } from '../websocket/ws-client.ts';
import { connect, refusalCodes, watch } from '../graphql/subscriptions-steps.ts';

const limit = 5;
let node: TestNode;
before(async () => {
  node = await startTestNode({ BISTRO_RATE_LIMIT: String(limit), BISTRO_RATE_LIMIT_WINDOW_MS: '60000' });
});
after(() => node.close());

const rpcCall = (method: string, id: number | string) => ({ jsonrpc: '2.0', method, params: {}, id });

test('a guest who spends the budget over REST is refused on every pattern, with Retry-After and RateLimit fields', async () => {
  const ada = await node.guest(1, 'Ada');
  const bob = await node.guest(2, 'Bob');
  for (let call = 1; call <= limit; call++) {
    const answer = await node.request('/menu', { token: ada.token });
    assert.equal(answer.status, 200, `call ${call} of ${limit} is served`);
    assert.equal(answer.headers.get('ratelimit-policy'), `"default";q=${limit};w=60`, 'the policy is advertised (draft-ietf-httpapi-ratelimit-headers-10)');
    assert.match(answer.headers.get('ratelimit') ?? '', new RegExp(`^"default";r=${limit - call};t=\\d+$`), 'the remaining budget counts down');
  }

  const rest = await node.request('/menu', { token: ada.token });
  assert.equal(rest.status, 429, 'REST refuses past the budget');
  assert.equal(rest.headers.get('content-type'), 'application/problem+json; charset=utf-8', 'as problem+json');
  assert.equal(rest.body.code, 'rate_limited', 'with the catalogue code');
  const retryAfter = Number(rest.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After is within the window (${retryAfter})`);
  assert.equal(rest.body.retryAfter, retryAfter, 'the body says when to come back too');
  assert.equal(rest.headers.get('ratelimit'), `"default";r=0;t=${retryAfter}`, 'RateLimit names the same moment as Retry-After');

  const rpc = await node.request('/rpc', { token: ada.token, json: rpcCall('menu.list', 7) });
  assert.equal(rpc.status, 429, 'JSON-RPC over HTTP refuses with 429');
  assert.ok(rpc.headers.get('retry-after'), 'with Retry-After');
  assert.ok(rpc.headers.get('ratelimit-policy'), 'and RateLimit-Policy');
  assert.equal(rpc.body.error.code, -32029, 'in the JSON-RPC envelope, -32029');
  assert.equal(rpc.body.error.data.code, 'rate_limited', 'with the catalogue code in data');
  assert.equal(rpc.body.id, 7, 'answering the call by its id');

  const graphql = await node.request('/graphql', { token: ada.token, json: { query: '{ menu { id } }' }, headers: { accept: 'application/graphql-response+json' } });
  assert.equal(graphql.status, 429, 'GraphQL over HTTP refuses with 429');
  assert.ok(graphql.headers.get('retry-after'), 'with Retry-After');
  assert.equal(graphql.body.errors[0].extensions.code, 'rate_limited', 'the code in extensions');
  assert.ok(graphql.body.errors[0].extensions.retryAfter >= 1, 'and when to come back');

  const socket = await RpcSocket.open(node, { token: ada.token });
  const overSocket = await socket.call('menu.list', {});
  assert.equal(overSocket.error.code, -32029, '/ws answers the call -32029');
  assert.ok(overSocket.error.data.retryAfter >= 1, 'with data.retryAfter');
  await socket.close();

  const graphqlWs = connect(node, `Bearer ${ada.token}`);
  const subscription = watch(graphqlWs.client, '{ menu { id } }');
  assert.deepEqual(await refusalCodes(subscription), ['rate_limited'], 'an operation over the GraphQL WebSocket is refused too');
  subscription.dispose();
  await graphqlWs.client.dispose();

  const other = await node.request('/menu', { token: bob.token });
  assert.equal(other.status, 200, 'another guest keeps a budget of their own');
  assert.match(other.headers.get('ratelimit') ?? '', new RegExp(`^"default";r=${limit - 1};t=\\d+$`), 'and has spent one call of it');

  const admin = await node.request('/menu', { token: node.adminToken });
  assert.equal(admin.status, 200, 'the admin is not counted');
  assert.equal(admin.headers.get('ratelimit'), null, 'and gets no RateLimit field');
});

test('a JSON-RPC batch counts each of its calls, and a refused batch answers each call by its id', async () => {
  const cy = await node.guest(3, 'Cy');
  const batch = [rpcCall('menu.list', 1), rpcCall('menu.list', 2), rpcCall('menu.list', 3)];
  const first = await node.request('/rpc', { token: cy.token, json: batch });
  assert.equal(first.status, 200, 'three calls fit in a budget of five');
  assert.match(first.headers.get('ratelimit') ?? '', /r=2;/, 'and took three of it');
  const second = await node.request('/rpc', { token: cy.token, json: batch });
  assert.equal(second.status, 429, 'three more do not fit in the two left');
  assert.deepEqual(second.body.map((response: { id: number; error: { code: number } }) => [response.id, response.error.code]), [[1, -32029], [2, -32029], [3, -32029]], 'each call refused by its id');

  const socket = await RpcSocket.open(node, { token: cy.token });
  socket.send(JSON.stringify([rpcCall('menu.list', 'a'), { jsonrpc: '2.0', method: 'menu.list', params: {} }, rpcCall('menu.list', 'b')]));
  const reply = await socket.waitFor((frame) => Array.isArray(frame));
  assert.deepEqual(reply.map((response: { id: string }) => response.id), ['a', 'b'], 'each call answered by its id, the notification not at all');
  assert.ok(reply.every((response: { error: { code: number } }) => response.error.code === -32029), 'each refused with -32029');
  await socket.close();
});

test('anonymous callers are counted by address', async () => {
  // Registering the guests above was anonymous: the address has spent some of its budget already.
  let refused;
  for (let call = 0; call <= limit && !refused; call++) {
    const answer = await node.request('/menu');
    if (answer.status === 429) refused = answer;
    else assert.equal(answer.status, 200, 'served until the address has spent its budget');
  }
  assert.ok(refused, 'the address is refused within its budget plus one');
  assert.ok(refused.headers.get('retry-after'), 'with Retry-After');
  const named = await node.guest(4, 'Dee').catch((error: Error) => error);
  assert.ok(named instanceof Error && /429|rate_limited/.test(named.message), 'registering is an anonymous call too, refused the same');
});
