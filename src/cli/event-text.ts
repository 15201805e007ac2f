/** One CloudEvent as one line for people: `#42  20:15:03  order.ready  orders/ord_…  ready · 1 × … · 12.50`. */
import type { CloudEvent } from '../../client/types.ts';
import { clock, money, type Colors } from './output.ts';
import { isOrder, orderSummary } from './order-text.ts';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A short account of what the event says, by its type; anything unknown shows its data, clipped. */
export function eventSummary(event: Pick<CloudEvent, 'type' | 'data'>): string {
  const { data } = event;
  if (isOrder(data)) return orderSummary(data);
  if (isRecord(data)) {
    if (event.type === 'order.message.posted') return `${String(data['from'])}: ${String(data['text'])}`;
    if (event.type.startsWith('menu.item.') && typeof data['priceCents'] === 'number') return `${String(data['name'])} · ${money(data['priceCents'])}${data['available'] === false ? ' · unavailable' : ''}`;
    if (typeof data['message'] === 'string') return data['message'];
    if (typeof data['reason'] === 'string') return data['reason'];
  }
  const text = JSON.stringify(data) ?? '';
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

export function eventLine(event: Pick<CloudEvent, 'sequence' | 'time' | 'type' | 'subject' | 'data'>, colors: Colors): string {
  return [colors.dim(`#${event.sequence}`), clock(event.time), colors.cyan(event.type), event.subject, eventSummary(event)].join('  ');
}
