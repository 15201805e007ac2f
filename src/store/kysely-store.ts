/**
 * The store's repositories written once over Kysely, so SQLite and PostgreSQL share every query.
 * A backend supplies the connection, its transaction and how it serialises event appends.
 */
import type { Kysely, Transaction } from 'kysely';
import { changesSubject, eventTypes, type EventType, type LoggedEvent } from '../domain/events.ts';
import type { Category, Ingredient, MenuItem } from '../domain/menu.ts';
import type { Message, MessageAuthor } from '../domain/message.ts';
import type { Order, OrderItem, OrderStatus } from '../domain/order.ts';
import type { EventToAppend, IdempotencyRecord, StoreSession, StoredPrincipal } from '../core/store.ts';
import type { Database } from './schema.ts';
import { deliveryRepository, webhookRepository } from './webhook-repositories.ts';

type Db = Kysely<Database> | Transaction<Database>;
type MenuRow = Database['menu_items'];
type OrderRow = Database['orders'];

const toMenuItem = (row: MenuRow): MenuItem => ({
  id: row.id,
  name: row.name,
  description: row.description,
  category: row.category as Category,
  priceCents: Number(row.price_cents),
  available: Number(row.available) === 1,
  ingredients: JSON.parse(row.ingredients) as Ingredient[],
  version: Number(row.version),
  updatedAt: row.updated_at,
});

const fromMenuItem = (item: MenuItem): MenuRow => ({
  id: item.id,
  name: item.name,
  description: item.description,
  category: item.category,
  price_cents: item.priceCents,
  available: item.available ? 1 : 0,
  ingredients: JSON.stringify(item.ingredients),
  version: item.version,
  updated_at: item.updatedAt,
});

const toOrder = (row: OrderRow): Order => ({
  id: row.id,
  guestId: row.guest_id,
  table: Number(row.table_no),
  status: row.status as OrderStatus,
  items: JSON.parse(row.items) as OrderItem[],
  totalCents: Number(row.total_cents),
  version: Number(row.version),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const fromOrder = (order: Order): OrderRow => ({
  id: order.id,
  guest_id: order.guestId,
  table_no: order.table,
  status: order.status,
  items: JSON.stringify(order.items),
  total_cents: order.totalCents,
  version: order.version,
  created_at: order.createdAt,
  updated_at: order.updatedAt,
});

const toEvent = (row: Database['events']): LoggedEvent => ({
  event: {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type as EventType,
    subject: row.subject,
    time: row.time,
    sequence: String(row.seq),
    datacontenttype: 'application/json',
    data: JSON.parse(row.data) as unknown,
  },
  audience: row.audience,
});

/** The event types that change their subject, as a list the query can use. */
const changeTypes = eventTypes.filter(changesSubject);
/** Where the log's floor is kept: events at or below it were pruned. */
const floorKey = 'events.floor';

export interface SessionOptions {
  /** Called first in every append: serialises appenders so sequences follow commit order. */
  lockEventLog(db: Db): Promise<void>;
  /** Claims lock the delivery rows they take, skipping rows another worker holds (PostgreSQL). */
  skipLocked: boolean;
}

const toMessage = (row: Database['messages']): Message => ({ id: row.id, orderId: row.order_id, from: row.from_role as MessageAuthor, text: row.text, at: row.at });

function toStoredPrincipal(row: Database['principals']): StoredPrincipal {
  return {
    id: row.id,
    role: row.role as StoredPrincipal['role'],
    name: row.name,
    table: row.table_no === null ? null : Number(row.table_no),
    tokenHash: row.token_hash,
    createdAt: row.created_at,
  };
}

export function createSession(db: Db, options: SessionOptions): StoreSession {
  const readFloor = async () => Number((await db.selectFrom('meta').select('value').where('key', '=', floorKey).executeTakeFirst())?.value ?? 0);
  return {
    webhooks: webhookRepository(db),
    deliveries: deliveryRepository(db, options),
    menu: {
      async list() {
        return (await db.selectFrom('menu_items').selectAll().orderBy('category').orderBy('id').execute()).map(toMenuItem);
      },
      async get(id) {
        const row = await db.selectFrom('menu_items').selectAll().where('id', '=', id).executeTakeFirst();
        return row && toMenuItem(row);
      },
      async getMany(ids) {
        if (ids.length === 0) return [];
        return (await db.selectFrom('menu_items').selectAll().where('id', 'in', ids).execute()).map(toMenuItem);
      },
      async insert(item) {
        // The database decides, not a read before the write: two creators at once cannot both win.
        const result = await db
          .insertInto('menu_items')
          .values(fromMenuItem(item))
          .onConflict((conflict) => conflict.column('id').doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
      },
      async update(item) {
        const result = await db
          .updateTable('menu_items')
          .set(fromMenuItem(item))
          .where('id', '=', item.id)
          .where('version', '=', item.version - 1)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      },
      async delete(id) {
        const result = await db.deleteFrom('menu_items').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      },
    },

    orders: {
      async get(id) {
        const row = await db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
        return row && toOrder(row);
      },
      async list({ guestId, status, beforeId, limit }) {
        let query = db.selectFrom('orders').selectAll();
        if (guestId !== undefined) query = query.where('guest_id', '=', guestId);
        if (status !== undefined) query = query.where('status', '=', status);
        if (beforeId !== undefined) query = query.where('id', '<', beforeId);
        return (await query.orderBy('id', 'desc').limit(limit).execute()).map(toOrder);
      },
      async insert(order) {
        await db.insertInto('orders').values(fromOrder(order)).execute();
      },
      async update(order) {
        const result = await db
          .updateTable('orders')
          .set(fromOrder(order))
          .where('id', '=', order.id)
          .where('version', '=', order.version - 1)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      },
    },

    messages: {
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
    },

    principals: {
      async insert(principal) {
        await db
          .insertInto('principals')
          .values({
            id: principal.id,
            role: principal.role,
            name: principal.name,
            table_no: principal.table,
            token_hash: principal.tokenHash,
            created_at: principal.createdAt,
          })
          .execute();
      },
      async findByTokenHash(tokenHash) {
        const row = await db.selectFrom('principals').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
        return row && toStoredPrincipal(row);
      },
      async get(id) {
        const row = await db.selectFrom('principals').selectAll().where('id', '=', id).executeTakeFirst();
        return row && toStoredPrincipal(row);
      },
      async delete(id) {
        const result = await db.deleteFrom('principals').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      },
    },

    idempotency: {
      async find(principalId, key) {
        const row = await db
          .selectFrom('idempotency_keys')
          .selectAll()
          .where('principal_id', '=', principalId)
          .where('key', '=', key)
          .executeTakeFirst();
        if (!row) return undefined;
        return {
          principalId: row.principal_id,
          key: row.key,
          operation: row.operation,
          requestHash: row.request_hash,
          state: row.state as IdempotencyRecord['state'],
          response: row.response,
          responseTag: row.response_tag === null ? null : Number(row.response_tag),
          createdAt: row.created_at,
        };
      },
      async insert(record) {
        const result = await db
          .insertInto('idempotency_keys')
          .values({
            principal_id: record.principalId,
            key: record.key,
            operation: record.operation,
            request_hash: record.requestHash,
            state: record.state,
            response: record.response,
            response_tag: record.responseTag,
            created_at: record.createdAt,
          })
          .onConflict((conflict) => conflict.columns(['principal_id', 'key']).doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
      },
      async replacePending(record) {
        await db
          .updateTable('idempotency_keys')
          .set({ state: 'pending', created_at: record.createdAt, response: null, response_tag: null })
          .where('principal_id', '=', record.principalId)
          .where('key', '=', record.key)
          .execute();
      },
      async complete(principalId, key, response, responseTag) {
        await db
          .updateTable('idempotency_keys')
          .set({ state: 'done', response, response_tag: responseTag })
          .where('principal_id', '=', principalId)
          .where('key', '=', key)
          .execute();
      },
      async delete(principalId, key) {
        await db.deleteFrom('idempotency_keys').where('principal_id', '=', principalId).where('key', '=', key).execute();
      },
    },

    meta: {
      async get(key) {
        return (await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst())?.value;
      },
      async set(key, value) {
        await db
          .insertInto('meta')
          .values({ key, value })
          .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
          .execute();
      },
    },

    events: {
      async append(events: readonly EventToAppend[]) {
        if (events.length === 0) return [];
        await options.lockEventLog(db);
        const last = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('last')).executeTakeFirst();
        let seq = Number(last?.last ?? 0);
        const rows = events.map((event) => ({
          seq: ++seq,
          id: event.id,
          type: event.type,
          source: event.source,
          subject: event.subject,
          time: event.time,
          audience: event.audience,
          data: JSON.stringify(event.data),
        }));
        await db.insertInto('events').values(rows).execute();
        return rows.map(toEvent);
      },
      async read({ after, types, audiences, limit }) {
        let query = db.selectFrom('events').selectAll().where('seq', '>', after);
        if (types !== undefined && types.length > 0) query = query.where('type', 'in', types);
        if (audiences !== null) query = query.where('audience', 'in', audiences);
        return (await query.orderBy('seq').limit(limit).execute()).map(toEvent);
      },
      async lastChangeOf(subject) {
        const last = await db
          .selectFrom('events')
          .select('seq')
          .where('subject', '=', subject)
          .where('type', 'in', changeTypes)
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        // Its last change was pruned: the floor is a tag no other state of it can have had since.
        return last ? Number(last.seq) : await readFloor();
      },
      floor: readFloor,
      async prune(through) {
        await db.deleteFrom('events').where('seq', '<=', through).execute();
        await db
          .insertInto('meta')
          .values({ key: floorKey, value: String(through) })
          .onConflict((conflict) => conflict.column('key').doUpdateSet({ value: String(through) }))
          .execute();
      },
      async lastSequence() {
        const last = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('last')).executeTakeFirst();
        return Number(last?.last ?? 0);
      },
    },
  };
}
