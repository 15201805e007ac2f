/** What happens before and around the upgrade: the token, the Origin, the connection limit per principal, and revocation closing a staff socket. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { RpcSocket, refusedUpgrade } from './ws-client.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode({ BISTRO_WS_MAX_CONNECTIONS_PER_PRINCIPAL: '2', BISTRO_WS_ORIGINS: 'https://bistro.example' });
});
after(() => node.close());

test('a bad token is refused 401 with a problem document before the upgrade, in the header or the query', async () => {
  const inHeader = await refusedUpgrade(node, { headers: { authorization: 'Bearer not-a-token' } });
  assert.equal(inHeader.status, 401, 'refused as HTTP');
  assert.equal(inHeader.body.code, 'unauthorized', 'the catalogue code');
  assert.equal(inHeader.headers['www-authenticate'], 'Bearer realm="bistro"', 'says how to authenticate');
  const inQuery = await refusedUpgrade(node, { query: '?token=not-a-token' });
  assert.equal(inQuery.status, 401, 'a query token is checked the same way');
});

test('a good token in the query authenticates the socket', async () => {
  const guest = await node.guest();
  const socket = await RpcSocket.open(node, { token: guest.token, inQuery: true });
  const orders = await socket.call('orders.list', {});
  assert.deepEqual(orders.result.items, [], 'the guest is signed in (anonymous would be refused)');
  await socket.close();
});

test('an Origin off the allow-list is refused 403; a listed one and none at all are let in', async () => {
  const refused = await refusedUpgrade(node, { headers: { origin: 'https://evil.example' } });
  assert.equal(refused.status, 403, 'another site may not open a socket');
  assert.equal(refused.body.code, 'forbidden', 'the catalogue code');
  const listed = await RpcSocket.open(node, { headers: { origin: 'https://bistro.example' } });
  await listed.close();
  const none = await RpcSocket.open(node);
  await none.close();
});

test('past the per-principal limit the upgrade is refused 429, and a closed socket frees its place', async () => {
  const waiter = await node.staffKey('waiter');
  const first = await RpcSocket.open(node, { token: waiter });
  const second = await RpcSocket.open(node, { token: waiter });
  const third = await refusedUpgrade(node, { headers: { authorization: `Bearer ${waiter}` } });
  assert.equal(third.status, 429, 'the third socket of the same principal is refused');
  assert.equal(third.body.code, 'rate_limited', 'the catalogue code');
  const guest = await node.guest();
  const other = await RpcSocket.open(node, { token: guest.token });
  await other.close();
  await first.close();
  // The server gives the place back when its side of the TCP socket closes, a moment after the client hears the close.
  const again = await waitFor(() => RpcSocket.open(node, { token: waiter }).catch(() => undefined));
  await again.close();
  await second.close();
});

test('anonymous sockets are counted per address', async () => {
  const first = await RpcSocket.open(node);
  const second = await RpcSocket.open(node);
  const third = await refusedUpgrade(node);
  assert.equal(third.status, 429, 'a third anonymous socket from the same address is refused');
  await Promise.all([first.close(), second.close()]);
  const again = await waitFor(() => RpcSocket.open(node).catch(() => undefined));
  await again.close();
});

test('revoking a staff key closes its sockets with 4401, and its token is then refused 401 at the upgrade', async () => {
  const created = await node.request('/keys', { token: node.adminToken, json: { role: 'waiter', name: 'leaving' } });
  const { id, token } = created.body;
  const socket = await RpcSocket.open(node, { token });
  const subscribed = await socket.call('events.subscribe', {});
  assert.ok(subscribed.result.subscription, 'subscribed');
  const bystander = await RpcSocket.open(node, { token: await node.staffKey('waiter') });
  const revoked = await node.request(`/keys/${id}`, { method: 'DELETE', token: node.adminToken });
  assert.equal(revoked.status, 204, revoked.text);
  const closed = await socket.closed;
  assert.equal(closed.code, 4401, '4000 + 401');
  assert.match(JSON.parse(closed.reason).lastSequence, /^\d+$/, 'the reason says where the stream stopped');
  const refused = await refusedUpgrade(node, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(refused.status, 401, 'the revoked token opens no socket');
  const stillOpen = await bystander.call('menu.get', { id: 'fish-and-chips' });
  assert.equal(stillOpen.result.id, 'fish-and-chips', 'other staff sockets stay open');
  await bystander.close();
});
