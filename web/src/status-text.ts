/** Words a person understands for each order status; the raw status stays one click away for developers. */
import type { OrderStatus } from 'bistro/client';

/** The kitchen's columns, in the order a meal moves through them. */
export const boardStatuses = ['placed', 'accepted', 'preparing', 'ready', 'served', 'cancelled'] as const satisfies readonly OrderStatus[];

export const guestText: Record<OrderStatus, string> = {
  placed: 'Your order is in. The kitchen will take it in a moment.',
  accepted: 'The kitchen has your order.',
  preparing: 'Your meal is being cooked.',
  ready: 'Your meal is ready and on its way to your table.',
  served: 'Served. Enjoy your meal!',
  cancelled: 'This order was cancelled.',
};

export const columnTitle: Record<OrderStatus, string> = {
  placed: 'New',
  accepted: 'Accepted',
  preparing: 'Cooking',
  ready: 'Ready to serve',
  served: 'Served',
  cancelled: 'Cancelled',
};

/** The button that moves an order on to `status`. */
export const moveText: Record<OrderStatus, string> = {
  placed: 'Back to new',
  accepted: 'Accept',
  preparing: 'Start cooking',
  ready: 'Mark ready',
  served: 'Serve',
  cancelled: 'Cancel',
};

/** The next step of the usual path, if any: the one button a busy kitchen needs. */
export function nextOnPath(status: OrderStatus): OrderStatus | undefined {
  const path: OrderStatus[] = ['placed', 'accepted', 'preparing', 'ready', 'served'];
  const at = path.indexOf(status);
  return at >= 0 ? path[at + 1] : undefined;
}

export function euros(cents: number): string {
  return new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}
