/** The event types an endpoint may subscribe to, written once: the client has the type but no runtime list. */
import type { WebhookEventType } from 'bistro/client';

export const webhookEventTypes = [
  'order.placed',
  'order.accepted',
  'order.preparing',
  'order.ready',
  'order.served',
  'order.cancelled',
  'order.updated',
  'order.message.posted',
  'menu.item.created',
  'menu.item.updated',
  'menu.item.deleted',
  'webhook.endpoint.disabled',
] as const satisfies readonly WebhookEventType[];

// Fails to compile when the catalogue gains a type this list lacks.
type Missing = Exclude<WebhookEventType, (typeof webhookEventTypes)[number]>;
const complete: Missing extends never ? true : never = true;
void complete;

/** What the demo bell listens for: every order event, so each move of a meal rings it. */
export const orderEventTypes = webhookEventTypes.filter((type) => type.startsWith('order.'));

export const deliveryText = {
  pending: 'Waiting to be sent or retried',
  delivered: 'Delivered',
  failed: 'Gave up after the last retry',
} as const;
