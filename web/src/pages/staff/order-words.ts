/** An order's items as a cook reads them: "2 × Fish and chips" then "no salt, 2 × fish". */
import type { Order, OrderItem } from 'bistro/client';
import { adjustmentWords, timeOf } from '../../words.ts';

/** Each adjusted ingredient in words: 0 portions is "no salt", 1 is "1 × salt", more is "2 × fish". */
export function adjustmentsInWords(item: OrderItem): string[] {
  return adjustmentWords(item.adjustments);
}

export function itemHeadline(item: OrderItem): string {
  return `${item.quantity} × ${item.name}`;
}

/** "12:04" for today, so a cook sees at a glance which order waits longest. */
export function timePlaced(order: Order): string {
  return timeOf(order.createdAt);
}

/** Orders the floor still has to look after. */
export function isOpen(order: Order): boolean {
  return order.status !== 'served' && order.status !== 'cancelled';
}
