/** Event types and the CloudEvents 1.0 envelope (with the `sequence` extension) of DESIGN.md §4. */
import type { OrderStatus } from './order.ts';

export const eventTypes = [
  'menu.item.created',
  'menu.item.updated',
  'menu.item.deleted',
  'order.placed',
  'order.updated',
  'order.accepted',
  'order.preparing',
  'order.ready',
  'order.served',
  'order.cancelled',
  'order.message.posted',
  'webhook.endpoint.disabled',
  'key.revoked',
] as const;
export type EventType = (typeof eventTypes)[number];

/**
 * Who may see an event: `public` (everyone), `staff`, or one guest's id.
 * Stored beside the event so the feed can filter in the query.
 */
export type Audience = 'public' | 'staff' | (string & {});

/** What an operation emits; the log adds id, time and sequence when it appends. */
export interface NewEvent {
  type: EventType;
  subject: string;
  data: unknown;
  audience: Audience;
}

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: EventType;
  subject: string;
  time: string;
  /** Decimal string of the log position: the one cursor every pattern accepts. */
  sequence: string;
  datacontenttype: 'application/json';
  data: unknown;
}

/** An event as the log keeps it: the CloudEvent, and who may see it (never sent on the wire). */
export interface LoggedEvent {
  event: CloudEvent;
  audience: Audience;
  /** The request that caused it (its `x-request-id`), when one did. */
  requestId?: string | null;
}

/**
 * Whether an event of this type changes the state of its subject. A message posted on an order
 * names the order as its subject but leaves the order as it was, so it must not make the order's
 * ETag change or wake a client waiting for the order to change.
 */
export function changesSubject(type: EventType): boolean {
  return type !== 'order.message.posted';
}

export function statusEventType(status: OrderStatus): EventType {
  return `order.${status}`;
}
