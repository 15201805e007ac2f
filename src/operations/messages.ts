/** The conversation on an order: the guest and staff both read and write; staff may speak first. */
import { Type } from '@sinclair/typebox';
import { invalid } from '../domain/errors.ts';
import { authorOf, type Message as MessageModel } from '../domain/message.ts';
import { defineOperation, signedIn } from '../core/operation.ts';
import { checkIdCursor, keysetPage } from './keyset-page.ts';
import { loadVisibleOrder, orderSubject } from './order-access.ts';
import { Cursor, Id, Limit, Message, MessageText, Page, Strict } from './schemas.ts';

export const listMessages = defineOperation({
  name: 'messages.list',
  summary: 'Read the conversation on an order, oldest first',
  kind: 'query',
  input: Strict({ orderId: Id, limit: Limit, cursor: Type.Optional(Cursor) }),
  output: Page(Message, 'MessagePage'),
  roles: signedIn,
  rest: { method: 'GET', path: '/orders/{orderId}/messages' },
  graphql: { field: 'messages' },
  async handler(context, { orderId, limit, cursor }) {
    checkIdCursor(cursor, 'msg');
    await loadVisibleOrder(context, orderId);
    return keysetPage(await context.store.messages.list(orderId, cursor, limit + 1), limit);
  },
});

export const sendMessage = defineOperation({
  name: 'messages.send',
  summary: 'Post a message on an order',
  kind: 'command',
  input: Strict({
    orderId: Id,
    text: MessageText,
    clientMessageId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$', description: 'Your own id for this message: sending it again posts nothing new and answers the message already posted.' }),
    ),
  }),
  output: Message,
  roles: signedIn,
  rest: { method: 'POST', path: '/orders/{orderId}/messages', status: 201, location: (message: MessageModel) => `/orders/${message.orderId}/messages` },
  graphql: { field: 'sendMessage' },
  async handler(context, { orderId, text, clientMessageId }) {
    const order = await loadVisibleOrder(context, orderId);
    if (text.trim() === '') throw invalid('/text', 'a message needs some text');
    const senderId = context.principal.id;
    if (clientMessageId !== undefined) {
      const posted = await context.store.messages.findByClientId(orderId, senderId, clientMessageId);
      if (posted) return posted;
    }
    const message: MessageModel = { id: context.newId('msg'), orderId, from: authorOf(context.principal), text, at: context.now };
    await context.store.messages.insert(message, { senderId, clientId: clientMessageId });
    context.emit({ type: 'order.message.posted', subject: orderSubject(orderId), data: message, audience: order.guestId });
    return message;
  },
});
