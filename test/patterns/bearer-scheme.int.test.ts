/**
 * The Authorization header must use the Bearer scheme, named in any case (RFC 9110 §11.1), on every
 * pattern; a bare token is taken only where no header can be set (`?token=`) and in GraphQL's
 * `connectionParams.authorization`, which documents both forms.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { RpcSocket, refusedUpgrade } from '../websocket/ws-client.ts';
import { connect } from '../graphql/subscriptions-steps.ts';

let node: TestNode;
let guest: { id: string; token: string };
before(async () => {
  node = await startTestNode();
  guest = await node.guest();
});
after(() => node.close());

const schemes = ['bearer', 'BEARER', 'bEaReR'];

/** GET /orders as the header `authorization`: 200 only if the guest was recognised. */
const listOrders = (authorization: string) => node.request('/orders', { headers: { authorization } });

test('REST takes the Bearer scheme in any case, and any spaces after it', async () => {
  for (const scheme of [...schemes, 'Bearer']) {
    const response = await listOrders(`${scheme} ${guest.token}`);
    assert.equal(response.status, 200, `${scheme}: ${response.text}`);
  }
  assert.equal((await listOrders(`Bearer   ${guest.token}`)).status, 200, 'several spaces');
});

test('REST refuses a header with no scheme 401, with WWW-Authenticate, even when the token is good', async () => {
  for (const authorization of [guest.token, node.adminToken, `Token ${guest.token}`, `Bearer${guest.token}`, `Bearer ${guest.token} extra`]) {
    const response = await listOrders(authorization);
    assert.equal(response.status, 401, `${authorization.slice(0, 12)}…: ${response.text}`);
    assert.equal(response.body.code, 'unauthorized', 'the catalogue code');
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /, 'says which scheme to use');
  }
});

test('JSON-RPC and GraphQL over HTTP read the header the same way', async () => {
  const rpc = (authorization: string) =>
    node.request('/rpc', { headers: { authorization }, json: { jsonrpc: '2.0', method: 'orders.list', params: {}, id: 1 } });
  const lower = await rpc(`bearer ${guest.token}`);
  assert.deepEqual(lower.body.result?.items, [], `lower-case scheme accepted: ${lower.text}`);
  const bare = await rpc(guest.token);
  assert.equal(bare.body.error?.data?.code, 'unauthorized', `a bare token refused: ${bare.text}`);

  const graphql = (authorization: string) => node.request('/graphql', { headers: { authorization }, json: { query: '{ orders { items { id } } }' } });
  const upper = await graphql(`BEARER ${guest.token}`);
  assert.deepEqual(upper.body.data?.orders?.items, [], `upper-case scheme accepted: ${upper.text}`);
  const bareGraphql = await graphql(guest.token);
  assert.equal(bareGraphql.status, 401, `a bare token refused: ${bareGraphql.text}`);
  assert.equal(bareGraphql.body.errors?.[0]?.extensions?.code, 'unauthorized', 'the catalogue code');
});

test('SSE: the header needs the scheme, ?token= is the bare token', async () => {
  const stream = async (init: { query?: string; authorization?: string }) => {
    const controller = new AbortController();
    const response = await fetch(`${node.url}/events/stream${init.query ?? ''}`, {
      signal: controller.signal,
      headers: init.authorization === undefined ? {} : { authorization: init.authorization },
    });
    const status = response.status;
    controller.abort();
    await response.body?.cancel().catch(() => {});
    return status;
  };
  assert.equal(await stream({ authorization: `bearer ${guest.token}` }), 200, 'lower-case scheme in the header');
  assert.equal(await stream({ authorization: guest.token }), 401, 'a bare token in the header');
  assert.equal(await stream({ query: `?token=${encodeURIComponent(guest.token)}` }), 200, 'the bare token in the query');
});

test('a WebSocket upgrade: the header needs the scheme, ?token= is the bare token', async () => {
  const lower = await RpcSocket.open(node, { headers: { authorization: `bearer ${guest.token}` } });
  assert.deepEqual((await lower.call('orders.list', {})).result.items, [], 'lower-case scheme: the guest is signed in');
  await lower.close();

  const bare = await refusedUpgrade(node, { headers: { authorization: guest.token } });
  assert.equal(bare.status, 401, 'a bare token in the header is refused before the upgrade');
  assert.equal(bare.body.code, 'unauthorized', 'the catalogue code');

  const query = await RpcSocket.open(node, { token: guest.token, inQuery: true });
  assert.deepEqual((await query.call('orders.list', {})).result.items, [], 'the bare token in the query still works');
  await query.close();
});

test('GraphQL connectionParams.authorization takes `Bearer <token>` in any case, or the bare token', async () => {
  for (const authorization of [`bearer ${guest.token}`, `Bearer ${guest.token}`, guest.token]) {
    const { client } = connect(node, authorization);
    // A guest reads its own orders; an anonymous socket could not, so an answer shows who is connected.
    const orders = await new Promise<unknown>((resolve, reject) => {
      let result: unknown;
      client.subscribe({ query: '{ orders { items { id } } }' }, { next: (value) => void (result = value), error: reject, complete: () => resolve(result) });
    });
    assert.deepEqual(orders, { data: { orders: { items: [] } } }, `${authorization.slice(0, 8)}…: signed in as the guest`);
    await client.dispose();
  }
  const bad = connect(node, 'bearer not-a-token', { lazy: false });
  await waitFor(() => bad.closes.length > 0);
  assert.deepEqual(bad.closes, [4401], 'a bad token with the scheme is refused 4401');
  await bad.client.dispose();
});
