/** JSON-RPC over /ws: the same dispatcher as POST /rpc, batches, and frames that are not JSON-RPC answered without closing the socket. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from '../helpers/node.ts';
import { RpcSocket } from './ws-client.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode({ BISTRO_WS_MAX_MESSAGE_BYTES: '4096' });
});
after(() => node.close());

test('a call on the socket answers as POST /rpc does', async () => {
  const socket = await RpcSocket.open(node);
  const overSocket = await socket.call('menu.list', {});
  const overHttp = await node.request('/rpc', { json: { jsonrpc: '2.0', method: 'menu.list', params: {}, id: 1 } });
  assert.deepEqual(overSocket.result, overHttp.body.result, 'the same menu both ways');
  assert.ok(overSocket.result.items.some((item: { id: string }) => item.id === 'fish-and-chips'), 'the seeded menu is there');
  await socket.close();
});

test('a guest places an order on the socket, as the principal of the upgrade', async () => {
  const guest = await node.guest();
  const socket = await RpcSocket.open(node, { token: guest.token });
  const placed = await socket.call('orders.place', { items: [fishAndChipsNoSaltTwoFish] });
  assert.equal(placed.result.guestId, guest.id, 'the order is the socket principal\'s');
  assert.equal(placed.result.status, 'placed', 'a new order is placed');
  const read = await node.request(`/orders/${placed.result.id}`, { token: guest.token });
  assert.equal(read.status, 200, 'the order is readable over REST by the same guest');
  await socket.close();
});

test('an anonymous socket is refused what anonymous REST is refused, with the catalogue code', async () => {
  const socket = await RpcSocket.open(node);
  const answer = await socket.call('orders.place', { items: [fishAndChipsNoSaltTwoFish] });
  assert.equal(answer.error.code, -32001, 'unauthorized in the JSON-RPC range');
  assert.equal(answer.error.data.code, 'unauthorized', 'the catalogue code travels in data.code');
  await socket.close();
});

test('a batch answers every call in one frame, in order', async () => {
  const socket = await RpcSocket.open(node);
  socket.send(JSON.stringify([
    { jsonrpc: '2.0', method: 'menu.get', params: { id: 'fish-and-chips' }, id: 'a' },
    { jsonrpc: '2.0', method: 'no.such', id: 'b' },
    { jsonrpc: '2.0', method: 'menu.list', params: {} },
    { jsonrpc: '2.0', method: 'events.subscribe', params: {}, id: 'c' },
  ]));
  const batch = await socket.waitFor((frame) => Array.isArray(frame));
  assert.equal(batch.length, 3, 'the notification is not answered');
  assert.match(batch[2].result.subscription, /^sub_/, 'a socket-only method batches like any other');
  assert.equal(batch[0].id, 'a', 'first call first');
  assert.equal(batch[0].result.id, 'fish-and-chips', 'menu.get answered');
  assert.equal(batch[1].error.code, -32601, 'an unknown method is -32601');
  await socket.close();
});

test('bad JSON answers -32700 and a binary frame -32600, and the socket stays open for the next call', async () => {
  const socket = await RpcSocket.open(node);
  socket.send('{"jsonrpc": "2.0", "method": ');
  const parse = await socket.waitFor((frame) => frame.error?.code === -32700);
  assert.equal(parse.id, null, 'a parse error has id null');
  socket.send(Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'menu.list', id: 9 })), true);
  const binary = await socket.waitFor((frame) => frame.error?.code === -32600);
  assert.equal(binary.id, null, 'a binary frame is not read, so its id is unknown');
  assert.match(binary.error.data.detail, /text frames/, 'the detail says what to send instead');
  socket.send('{"jsonrpc":"1.0","method":"menu.list","id":3}');
  const invalid = await socket.waitFor((frame) => frame.id === 3);
  assert.equal(invalid.error.code, -32600, 'a request that is not JSON-RPC 2.0 is -32600');
  const after = await socket.call('menu.get', { id: 'fish-and-chips' });
  assert.equal(after.result.id, 'fish-and-chips', 'the socket still answers');
  await socket.close();
});

test('rpc.discover on the socket lists the socket-only methods; over HTTP it does not', async () => {
  const socket = await RpcSocket.open(node);
  const discovered = await socket.call('rpc.discover');
  const names = discovered.result.methods.map((method: { name: string }) => method.name);
  assert.ok(names.includes('events.subscribe') && names.includes('events.unsubscribe'), 'the socket methods are listed');
  assert.ok(names.includes('orders.place'), 'with the catalogue');
  const overHttp = await node.request('/rpc', { json: { jsonrpc: '2.0', method: 'rpc.discover', id: 1 } });
  assert.ok(!overHttp.body.result.methods.some((method: { name: string }) => method.name === 'events.subscribe'), 'POST /rpc has no subscriptions');
  const viaHttp = await node.request('/rpc', { json: { jsonrpc: '2.0', method: 'events.subscribe', params: {}, id: 2 } });
  assert.equal(viaHttp.body.error.code, -32601, 'events.subscribe is not a method over HTTP');
  await socket.close();
});

test('a frame over the message limit is closed by the server with 1009', async () => {
  const socket = await RpcSocket.open(node);
  socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'menu.list', params: { pad: 'x'.repeat(5000) }, id: 1 }));
  const closed = await socket.closed;
  assert.equal(closed.code, 1009, 'message too big');
});
