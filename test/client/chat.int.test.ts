/**
 * `openChat` against a real node: a guest and a waiter talk both ways on an order, the waiter can
 * speak first, a send retried with the same client message id posts once, a send made while the
 * socket is down goes out once it is back, and another guest's order is not_found.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openChat } from '../../client/chat.ts';
import { BistroClientError } from '../../client/errors.ts';
import type { Message } from '../../client/generated/catalogue.ts';
import { startFaultProxy } from '../helpers/fault-proxy.ts';
import { startTestNode, waitFor, type TestNode } from '../helpers/node.ts';
import { createClient } from '../../client/node.ts';
import { logEnd, placeOrder, readUntil } from './follow-steps.ts';

const connectionTo = (url: string, token?: string) => createClient({ url, token }).connection;

let node: TestNode;
let waiter: string;
before(async () => {
  node = await startTestNode();
  waiter = await node.staffKey('waiter');
});
after(() => node.close());

const quickRetry = { initialDelayMs: 20, maxDelayMs: 200 };
const said = (messages: readonly Message[]) => messages.map((message) => [message.from, message.text]);

async function messagesOn(orderId: string, token: string): Promise<Message[]> {
  const answer = await node.request(`/orders/${orderId}/messages`, { token });
  assert.equal(answer.status, 200, `GET messages: ${answer.text}`);
  return answer.body.items as Message[];
}

test('a guest and a waiter chat both ways on an order, each hearing both sides', { timeout: 15_000 }, async () => {
  const guest = await node.guest(1, 'Ada');
  const orderId = await placeOrder(node, guest.token);
  const from = await logEnd(node, node.adminToken);
  const hers = await openChat(connectionTo(node.url, guest.token), orderId, { after: from, retry: quickRetry });
  const his = await openChat(connectionTo(node.url, waiter), orderId, { after: from, retry: quickRetry });
  try {
    const question = await hers.send('Vinegar?');
    assert.equal(question.from, 'guest', 'the guest posts as the guest');
    const heard = await readUntil(his.messages[Symbol.asyncIterator](), (list) => list.length >= 1, 5_000, 'waiter');
    assert.deepEqual(said(heard), [['guest', 'Vinegar?']], 'the waiter hears the question');
    await his.send('On its way.');
    const both = await readUntil(hers.messages[Symbol.asyncIterator](), (list) => list.length >= 2, 5_000, 'guest');
    assert.deepEqual(said(both), [['guest', 'Vinegar?'], ['waiter', 'On its way.']], 'the guest hears her own question and the answer, in order');
    assert.deepEqual(said(await messagesOn(orderId, guest.token)), said(both), 'what the chat yields is the conversation the order keeps');
  } finally {
    hers.close();
    his.close();
  }
});

test('the waiter can start the conversation', { timeout: 15_000 }, async () => {
  const guest = await node.guest(2, 'Bo');
  const orderId = await placeOrder(node, guest.token);
  // No cursor: the chat hears what is posted once it is open (the promise resolves when it is).
  const hers = await openChat(connectionTo(node.url, guest.token), orderId, { retry: quickRetry });
  const his = await openChat(connectionTo(node.url, waiter), orderId, { retry: quickRetry });
  try {
    await his.send('Your table is ready when you are.');
    const heard = await readUntil(hers[Symbol.asyncIterator](), (list) => list.length >= 1, 5_000, 'guest');
    assert.deepEqual(said(heard), [['waiter', 'Your table is ready when you are.']], 'the guest hears the waiter speak first');
  } finally {
    hers.close();
    his.close();
  }
});

test('a send retried with the same clientMessageId posts once', { timeout: 15_000 }, async () => {
  const guest = await node.guest(3, 'Cy');
  const orderId = await placeOrder(node, guest.token);
  const from = await logEnd(node, node.adminToken);
  const chat = await openChat(connectionTo(node.url, guest.token), orderId, { after: from, retry: quickRetry });
  try {
    const first = await chat.send('No salt, please.', { clientMessageId: 'cy-1' });
    const again = await chat.send('No salt, please.', { clientMessageId: 'cy-1' });
    assert.deepEqual(again, first, 'the retry answers the message already posted');
    await chat.send('Thanks!');
    const heard = await readUntil(chat.messages[Symbol.asyncIterator](), (list) => list.length >= 2, 5_000, 'guest');
    assert.deepEqual(said(heard), [['guest', 'No salt, please.'], ['guest', 'Thanks!']], 'the chat yields the retried message once');
    assert.equal((await messagesOn(orderId, guest.token)).length, 2, 'the order keeps two messages, not three');
  } finally {
    chat.close();
  }
});

test('a send made while the socket is down goes out once the chat has reconnected, and is heard once', { timeout: 20_000 }, async (t) => {
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(node.url).port) });
  t.after(() => proxy.close());
  const guest = await node.guest(4, 'Di');
  const orderId = await placeOrder(node, guest.token);
  const from = await logEnd(node, node.adminToken);
  const reconnects: unknown[] = [];
  const chat = await openChat(connectionTo(proxy.urlFor(node.url).replace(/\/$/, ''), guest.token), orderId, { after: from, retry: quickRetry, onReconnect: (info) => reconnects.push(info.error) });
  try {
    await chat.send('Before the drop.');
    proxy.setMode({ kind: 'reset' });
    await waitFor(() => reconnects.length >= 1 && proxy.openConnections() === 0, 5_000);
    const sending = chat.send('During the drop.');
    proxy.setMode({ kind: 'pass' });
    const posted = await sending;
    assert.equal(posted.text, 'During the drop.', 'the send made while the socket was down is answered');
    const heard = await readUntil(chat.messages[Symbol.asyncIterator](), (list) => list.length >= 2, 5_000, 'guest');
    assert.deepEqual(said(heard), [['guest', 'Before the drop.'], ['guest', 'During the drop.']], 'each message once, in order, across the reconnection');
    assert.equal((await messagesOn(orderId, guest.token)).length, 2, 'the order keeps exactly the two messages');
  } finally {
    chat.close();
  }
});

test("a guest cannot chat on another guest's order: opening it is not_found", { timeout: 15_000 }, async () => {
  const ada = await node.guest(5, 'Ada');
  const bo = await node.guest(6, 'Bo');
  const hers = await placeOrder(node, ada.token);
  await assert.rejects(openChat(connectionTo(node.url, bo.token), hers, { retry: quickRetry }), (error: unknown) => error instanceof BistroClientError && error.code === 'not_found', "Bo opening a chat on Ada's order is not_found");
  assert.equal((await messagesOn(hers, ada.token)).length, 0, "nothing was posted on Ada's order");
});
