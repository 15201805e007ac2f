/** An order's items as a cook reads them: "2 × Fish and chips" then "no salt, 2 × fish". */
import type { Order, OrderItem } from 'bistro/client';

/** Each adjusted ingredient in words: 0 portions is "no salt", 1 is "1 × salt", more is "2 × fish". */
export function adjustmentsInWords(item: OrderItem): string[] {
  return Object.entries(item.adjustments)
    .filter((entry): entry is [string, number] => entry[1] !== undefined)
    .map(([ingredient, portions]) => (portions === 0 ? `no ${ingredient}` : `${portions} × ${ingredient}`));
}

export function itemHeadline(item: OrderItem): string {
  return `${item.quantity} × ${item.name}`;
}

/** "12:04" for today, so a cook sees at a glance which order waits longest. */
export function timePlaced(order: Order): string {
  return new Date(order.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Orders the floor still has to look after. */
export function isOpen(order: Order): boolean {
  return order.status !== 'served' && order.status !== 'cancelled';
}
