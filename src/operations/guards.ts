/** Checks several operations share: optimistic concurrency and who may see an order. */
import { BistroError } from '../domain/errors.ts';
import type { Order } from '../domain/order.ts';
import type { OperationContext } from '../core/operation.ts';

export function checkVersion(current: { version: number }, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new BistroError('version_mismatch', `The resource is at version ${current.version}, not ${expectedVersion}.`);
  }
}

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
