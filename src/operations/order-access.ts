/** Reading, saving and moving one order as the caller: who may see it, optimistic concurrency, its events. */
import { statusEventType, type EventType } from '../domain/events.ts';
import { BistroError } from '../domain/errors.ts';
import { transition, type Order, type OrderStatus } from '../domain/order.ts';
import type { OperationContext } from '../core/operation.ts';
import { checkVersion } from './check-version.ts';

/** A guest asking for someone else's order is told it does not exist: nothing leaks, not even existence. */
export async function loadVisibleOrder({ store, principal }: OperationContext, id: string): Promise<Order> {
  const order = await store.orders.get(id);
  if (!order || (principal.role === 'guest' && order.guestId !== principal.id)) {
    throw new BistroError('not_found', `No order "${id}".`);
  }
  return order;
}

/** Saves a changed order; a concurrent writer that got there first makes this a version mismatch. */
export async function saveOrder({ store }: OperationContext, order: Order): Promise<void> {
  if (!(await store.orders.update(order))) throw new BistroError('version_mismatch');
}

export function orderSubject(id: string): string {
  return `orders/${id}`;
}

export function orderEvent(type: EventType, order: Order) {
  return { type, subject: orderSubject(order.id), data: order, audience: order.guestId };
}

/** Moves an order one step of the lifecycle as the caller, if it is still at the version they read. */
export async function moveOrder(context: OperationContext, id: string, status: OrderStatus, expectedVersion: number | undefined): Promise<Order> {
  const current = await loadVisibleOrder(context, id);
  checkVersion(current, expectedVersion);
  const order = transition(current, status, context.principal.role, context.now);
  await saveOrder(context, order);
  context.emit(orderEvent(statusEventType(status), order));
  return order;
}
