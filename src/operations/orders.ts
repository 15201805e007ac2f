/** Guest-facing order operations: place, read, list, change items, cancel. */
import { Type } from '@sinclair/typebox';
import type { MenuItem } from '../domain/menu.ts';
import { changeItems, priceItems, type Order as OrderModel, type OrderItemRequest } from '../domain/order.ts';
import { defineOperation, signedIn, type OperationContext } from '../core/operation.ts';
import { checkIdCursor, keysetPage } from './keyset-page.ts';
import { checkVersion } from './check-version.ts';
import { loadVisibleOrder, moveOrder, orderEvent, orderSubject, saveOrder } from './order-access.ts';
import { Cursor, ExpectedVersion, Id, Limit, Order, OrderItemRequests, OrderStatus, Page, Strict } from './schemas.ts';

async function price(context: OperationContext, requested: OrderItemRequest[]) {
  const menuItems = await context.store.menu.getMany([...new Set(requested.map((item) => item.menuItemId))]);
  return priceItems(requested, new Map(menuItems.map((item): [string, MenuItem] => [item.id, item])));
}

export const placeOrder = defineOperation({
  name: 'orders.place',
  summary: 'Place an order',
  kind: 'command',
  input: Strict({
    items: OrderItemRequests,
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Send the same key again to get the same order, never a second one.' })),
  }),
  output: Order,
  roles: ['guest'],
  errors: ['menu_item_unavailable'],
  idempotent: true,
  rest: {
    method: 'POST',
    path: '/orders',
    status: 201,
    location: (order: OrderModel) => `/orders/${order.id}`,
    headers: { 'idempotency-key': 'idempotencyKey' },
  },
  graphql: { field: 'placeOrder', input: { type: 'PlaceOrderInput' } },
  subjectOf: (_input, order) => order && orderSubject(order.id),
  async handler(context, { items }) {
    const { principal } = context;
    const order: OrderModel = {
      id: context.newId('ord'),
      guestId: principal.id,
      table: principal.table ?? 0,
      status: 'placed',
      ...(await price(context, items)),
      version: 1,
      createdAt: context.now,
      updatedAt: context.now,
    };
    await context.store.orders.insert(order);
    context.emit(orderEvent('order.placed', order));
    return order;
  },
});

export const getOrder = defineOperation({
  name: 'orders.get',
  summary: 'Read one order',
  kind: 'query',
  input: Strict({ id: Id }),
  output: Order,
  roles: signedIn,
  rest: { method: 'GET', path: '/orders/{id}' },
  graphql: { field: 'order' },
  subjectOf: ({ id }) => orderSubject(id),
  handler: (context, { id }) => loadVisibleOrder(context, id),
});

export const listOrders = defineOperation({
  name: 'orders.list',
  summary: 'List orders: a guest sees their own, staff see all, newest first',
  kind: 'query',
  input: Strict({ status: Type.Optional(OrderStatus), limit: Limit, cursor: Type.Optional(Cursor) }),
  output: Page(Order, 'OrderPage'),
  roles: signedIn,
  rest: { method: 'GET', path: '/orders' },
  graphql: { field: 'orders' },
  async handler({ store, principal }, { status, limit, cursor }) {
    checkIdCursor(cursor, 'ord');
    const guestId = principal.role === 'guest' ? principal.id : undefined;
    return keysetPage(await store.orders.list({ guestId, status, beforeId: cursor, limit: limit + 1 }), limit);
  },
});

export const updateOrder = defineOperation({
  name: 'orders.update',
  summary: 'Change the items of an order that is still placed',
  kind: 'command',
  input: Strict({ id: Id, items: OrderItemRequests, expectedVersion: Type.Optional(ExpectedVersion) }),
  output: Order,
  roles: signedIn,
  errors: ['invalid_transition', 'menu_item_unavailable'],
  rest: { method: 'PATCH', path: '/orders/{id}', ifMatch: 'required' },
  graphql: { field: 'updateOrder' },
  subjectOf: ({ id }) => orderSubject(id),
  async handler(context, { id, items, expectedVersion }) {
    const current = await loadVisibleOrder(context, id);
    checkVersion(current, expectedVersion);
    const order = changeItems(current, await price(context, items), context.now);
    await saveOrder(context, order);
    context.emit(orderEvent('order.updated', order));
    return order;
  },
});

export const cancelOrder = defineOperation({
  name: 'orders.cancel',
  summary: 'Cancel an order (a guest until it is being prepared, staff until it is ready)',
  kind: 'command',
  input: Strict({ id: Id, expectedVersion: Type.Optional(ExpectedVersion) }),
  output: Order,
  roles: signedIn,
  errors: ['invalid_transition'],
  rest: { method: 'DELETE', path: '/orders/{id}', ifMatch: 'optional' },
  graphql: { field: 'cancelOrder' },
  subjectOf: ({ id }) => orderSubject(id),
  handler: (context, { id, expectedVersion }) => moveOrder(context, id, 'cancelled', expectedVersion),
});
