/** Orders, over Kysely for both databases; an update succeeds only against the version it read. */
import type { Order, OrderItem, OrderStatus } from '../domain/order.ts';
import type { StoreSession } from '../core/store.ts';
import type { Database, Db } from './schema.ts';

type OrderRow = Database['orders'];

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

export function orderRepository(db: Db): StoreSession['orders'] {
  return {
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
  };
}
