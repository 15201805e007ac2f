/** Messages over /ws: staff start the conversation and the guest's socket hears it without subscribing; the guest answers on the same socket, once even when retried. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish, startTestNode, type TestNode } from '../helpers/node.ts';
import { RpcSocket } from './ws-client.ts';

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

test('the waiter starts the conversation, the guest\'s socket gets it at once, and the guest replies on the same socket', async () => {
  const guest = await node.guest(4, 'Grace');
  const guestSocket = await RpcSocket.open(node, { token: guest.token });
  const waiterSocket = await RpcSocket.open(node, { token: await node.staffKey('waiter') });
  const order = (await guestSocket.call('orders.place', { items: [fishAndChipsNoSaltTwoFish] })).result;

  const opening = await waiterSocket.call('messages.send', { orderId: order.id, text: 'Would you like vinegar with that?' });
  assert.equal(opening.result.from, 'waiter', opening.error ? JSON.stringify(opening.error) : 'posted by the waiter');
  const heard = await guestSocket.waitFor((frame) => frame.method === 'message');
  assert.equal(heard.jsonrpc, '2.0', 'a JSON-RPC notification');
  assert.equal(heard.id, undefined, 'with no id');
  assert.deepEqual(heard.params, opening.result, 'the message as posted');

  const from = waiterSocket.frames.length;
  const reply = await guestSocket.call('messages.send', { orderId: order.id, text: 'Yes please', clientMessageId: 'grace-1' });
  assert.equal(reply.result.from, 'guest', 'posted as the socket\'s guest');
  const retried = await guestSocket.call('messages.send', { orderId: order.id, text: 'Yes please', clientMessageId: 'grace-1' });
  assert.deepEqual(retried.result, reply.result, 'a retry answers the message already posted');
  const back = await waiterSocket.waitFor((frame) => frame.method === 'message' && frame.params.id === reply.result.id, { from });
  assert.equal(back.params.text, 'Yes please', 'the waiter hears the reply');

  const list = await guestSocket.call('messages.list', { orderId: order.id });
  assert.deepEqual(list.result.items.map((message: { text: string }) => message.text), ['Would you like vinegar with that?', 'Yes please'], 'the reply is posted once');
  const pushes = waiterSocket.messages().filter((message) => message.id === reply.result.id);
  assert.equal(pushes.length, 1, 'and pushed once');
  await guestSocket.close();
  await waiterSocket.close();
});

test('an anonymous socket hears no messages', async () => {
  const guest = await node.guest();
  const anonymousSocket = await RpcSocket.open(node);
  await anonymousSocket.call('events.subscribe', {});
  const guestSocket = await RpcSocket.open(node, { token: guest.token });
  const order = (await guestSocket.call('orders.place', { items: [fishAndChipsNoSaltTwoFish] })).result;
  await guestSocket.call('messages.send', { orderId: order.id, text: 'Is the fish fresh?' });
  // A menu change after the message: once the anonymous socket has its event, the message would have come before it.
  const admin = await RpcSocket.open(node, { token: node.adminToken });
  const created = await admin.call('menu.create', { id: 'mushy-peas', name: 'Mushy peas', category: 'starters', priceCents: 300, ingredients: [] });
  assert.ok(created.result, JSON.stringify(created.error));
  await anonymousSocket.waitFor((frame) => frame.method === 'event' && frame.params.type === 'menu.item.created');
  assert.deepEqual(anonymousSocket.messages(), [], 'no message');
  assert.ok(anonymousSocket.events().every((event) => event.subject.startsWith('menu/')), 'only public events');
  await Promise.all([anonymousSocket.close(), guestSocket.close(), admin.close()]);
});
