/** An order's chat messages, over Kysely for both databases; a sender's client id finds a message it already sent. */
import type { Message, MessageAuthor } from '../domain/message.ts';
import type { StoreSession } from '../core/store.ts';
import type { Database, Db } from './schema.ts';

const toMessage = (row: Database['messages']): Message => ({ id: row.id, orderId: row.order_id, from: row.from_role as MessageAuthor, text: row.text, at: row.at });

export function messageRepository(db: Db): StoreSession['messages'] {
  return {
    async list(orderId, afterId, limit) {
      let query = db.selectFrom('messages').selectAll().where('order_id', '=', orderId);
      if (afterId !== undefined) query = query.where('id', '>', afterId);
      const rows = await query.orderBy('id').limit(limit).execute();
      return rows.map(toMessage);
    },
    async insert(message, sender) {
      await db
        .insertInto('messages')
        .values({ id: message.id, order_id: message.orderId, from_role: message.from, text: message.text, at: message.at, sender_id: sender.senderId, client_id: sender.clientId ?? null })
        .execute();
    },
    async findByClientId(orderId, senderId, clientId) {
      const row = await db
        .selectFrom('messages')
        .selectAll()
        .where('order_id', '=', orderId)
        .where('sender_id', '=', senderId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return row && toMessage(row);
    },
  };
}
