/** Staff moving an order through the lifecycle. */
import { Type } from '@sinclair/typebox';
import { statusEventType } from '../domain/events.ts';
import { transition } from '../domain/order.ts';
import { defineOperation, staff } from '../core/operation.ts';
import { checkVersion, loadVisibleOrder, saveOrder } from './guards.ts';
import { orderEvent } from './orders.ts';
import { ExpectedVersion, Id, Order, OrderStatus, Strict } from './schemas.ts';

export const setOrderStatus = defineOperation({
  name: 'orders.setStatus',
  summary: 'Move an order to its next status',
  kind: 'command',
  input: Strict({ id: Id, status: OrderStatus, expectedVersion: Type.Optional(ExpectedVersion) }),
  output: Order,
  roles: staff,
  rest: { method: 'PUT', path: '/orders/{id}/status', ifMatch: 'optional' },
  async handler(context, { id, status, expectedVersion }) {
    const current = await loadVisibleOrder(context, id);
    checkVersion(current, expectedVersion);
    const order = transition(current, status, context.principal.role, context.now);
    await saveOrder(context, order);
    context.emit(orderEvent(statusEventType(status), order));
    return order;
  },
});
