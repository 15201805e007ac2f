/** How an order reads to a person: shared by `order`, `status`, `follow` and `webhooks listen`. */
import type { Order, OrderStatus } from '../../client/node.ts';
import { money } from './output.ts';

const sentences: Record<OrderStatus, string> = {
  placed: 'Your order is waiting for the kitchen',
  accepted: 'The kitchen has your order',
  preparing: 'Your order is being prepared',
  ready: 'Your order is ready',
  served: 'Your order has been served',
  cancelled: 'Your order was cancelled',
};

/** "The kitchen has your order (accepted)". */
export function statusSentence(status: OrderStatus): string {
  return `${sentences[status] ?? 'Your order is somewhere new'} (${status})`;
}

/** `1 × Fish and chips (salt 0, fish 2), 2 × Lemonade`. */
export function itemsOf(order: Pick<Order, 'items'>): string {
  return order.items
    .map((item) => {
      const adjustments = Object.entries(item.adjustments).map(([ingredient, portions]) => `${ingredient} ${portions ?? 0}`);
      return `${item.quantity} × ${item.name}${adjustments.length === 0 ? '' : ` (${adjustments.join(', ')})`}`;
    })
    .join(', ');
}

/** `ready · 1 × Fish and chips (salt 0, fish 2) · 12.50 · table 4`. */
export function orderSummary(order: Order): string {
  return [order.status, itemsOf(order), money(order.totalCents), `table ${order.table}`].join(' · ');
}

/** An event's `data` that looks like an order (order.* events carry the order). */
export function isOrder(value: unknown): value is Order {
  return typeof value === 'object' && value !== null && 'status' in value && 'items' in value && Array.isArray((value as { items: unknown }).items);
}
