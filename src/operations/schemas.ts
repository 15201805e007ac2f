/** Wire schemas of the domain (TypeBox, so they are JSON Schema for validation, OpenAPI and RPC alike). */
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import { categories } from '../domain/menu.ts';
import { maxMessageLength, messageAuthors } from '../domain/message.ts';
import { maxItemsPerOrder, maxQuantity, orderStatuses } from '../domain/order.ts';
import { eventTypes } from '../domain/events.ts';
import { signedInRoles, staffRoles } from '../domain/roles.ts';
import { deliveryStatuses, webhookEventTypes } from '../domain/webhook.ts';

/** Objects refuse unknown fields: nothing a client sends is stored unless it is declared. */
export const Strict = <T extends TProperties>(properties: T, options: { title?: string; description?: string } = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

const Slug = Type.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', minLength: 1, maxLength: 64, description: 'Lower-case words joined by dashes.' });
export const Id = Type.String({ minLength: 1, maxLength: 64 });
const Timestamp = Type.String({ format: 'date-time' });
const Cents = Type.Integer({ minimum: 0, maximum: 10_000_000 });
const Portions = Type.Integer({ minimum: 0, maximum: 20 });

/** A string enum as plain JSON Schema `enum`: one clear error ("must be one of …"), not one per literal. */
const StringEnum = <T extends readonly string[]>(values: T, title: string) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], title });

export const Category = StringEnum(categories, 'Category');
export const OrderStatus = StringEnum(orderStatuses, 'OrderStatus');
export const EventType = StringEnum(eventTypes, 'EventType');
export const StaffRole = StringEnum(staffRoles, 'StaffRole');
export const Role = StringEnum(signedInRoles, 'Role');
export const MessageAuthor = StringEnum(messageAuthors, 'MessageAuthor');

export const Ingredient = Strict(
  {
    name: Type.String({ minLength: 1, maxLength: 40 }),
    portions: Type.Integer({ minimum: 0, maximum: 20, description: 'Portions served unless the guest adjusts them.' }),
    min: Portions,
    max: Portions,
  },
  { title: 'Ingredient' },
);

export const menuItemFields = {
  name: Type.String({ minLength: 1, maxLength: 80 }),
  description: Type.String({ maxLength: 500, default: '' }),
  category: Category,
  priceCents: Cents,
  available: Type.Boolean({ default: true }),
  ingredients: Type.Array(Ingredient, { maxItems: 30, default: [] }),
};

export const MenuItem = Strict(
  { id: Slug, ...menuItemFields, version: Type.Integer(), updatedAt: Timestamp },
  { title: 'MenuItem' },
);
export const MenuItemId = Slug;

/**
 * How a map travels where the wire has no maps (GraphQL): as a list of `{ <key>: name, <value>: value }`
 * entries of type `title`. An annotation only: JSON Schema validators and OpenAPI ignore `x-` keywords.
 */
export interface MapEntry {
  title: string;
  key: string;
  value: string;
}

export const Adjustments = Type.Record(Type.String({ minLength: 1, maxLength: 40 }), Portions, {
  maxProperties: 30,
  description: 'Portions per ingredient, e.g. { "salt": 0, "fish": 2 }.',
  'x-entry': { title: 'Adjustment', key: 'ingredient', value: 'portions' } satisfies MapEntry,
});

export const OrderItemRequest = Strict(
  {
    menuItemId: Slug,
    quantity: Type.Integer({ minimum: 1, maximum: maxQuantity, default: 1 }),
    adjustments: Type.Optional(Adjustments),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { title: 'OrderItemRequest' },
);
export const OrderItemRequests = Type.Array(OrderItemRequest, { minItems: 1, maxItems: maxItemsPerOrder });

export const OrderItem = Strict(
  {
    menuItemId: Slug,
    name: Type.String(),
    quantity: Type.Integer(),
    adjustments: Adjustments,
    note: Type.String(),
    // A line is quantity × price, so it may exceed what one menu price may be.
    priceCents: Type.Integer({ minimum: 0 }),
  },
  { title: 'OrderItem' },
);

export const Order = Strict(
  {
    id: Id,
    guestId: Id,
    table: Type.Integer(),
    status: OrderStatus,
    items: Type.Array(OrderItem),
    totalCents: Type.Integer(),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Order' },
);

export const MessageText = Type.String({ minLength: 1, maxLength: maxMessageLength });
export const Message = Strict(
  {
    id: Id,
    orderId: Id,
    from: MessageAuthor,
    text: Type.String(),
    at: Timestamp,
  },
  { title: 'Message' },
);

export const CloudEvent = Strict(
  {
    specversion: Type.Literal('1.0'),
    id: Type.String(),
    source: Type.String(),
    type: EventType,
    subject: Type.String(),
    time: Timestamp,
    sequence: Type.String({ description: 'Log position; a cursor valid in every pattern.' }),
    datacontenttype: Type.Literal('application/json'),
    data: Type.Unknown(),
  },
  { title: 'CloudEvent' },
);

export const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 20 });
export const Cursor = Type.String({ maxLength: 100, description: 'Opaque position from a previous page.' });
export const ExpectedVersion = Type.Integer({ minimum: 1, description: 'Refuse the change if the resource is no longer at this version (REST: If-Match).' });

export const Page = <T extends TSchema>(item: T, title: string) =>
  Strict({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) }, { title });

export const WebhookUrl = Type.String({ minLength: 1, maxLength: 2048, description: 'An http(s) URL Bistro can reach: public addresses only unless BISTRO_WEBHOOK_ALLOW_PRIVATE=1.' });
export const WebhookEventTypes = Type.Array(StringEnum(webhookEventTypes, 'WebhookEventType'), { minItems: 1, maxItems: webhookEventTypes.length, description: 'The event types to ring for.' });

export const WebhookEndpoint = Strict(
  {
    id: Id,
    url: Type.String(),
    types: Type.Array(EventType),
    description: Type.String(),
    enabled: Type.Boolean(),
    disabledReason: Type.Union([Type.String(), Type.Null()], { description: 'Why it is disabled: paused by its owner, 410 Gone, or failing too long.' }),
    ownerId: Id,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'WebhookEndpoint' },
);

const RequestId = Type.Union([Type.String(), Type.Null()], {
  description: 'The x-request-id of the request that caused the delivery (the one whose event it carries, or the replay or test ping); null when none did (the auto kitchen).',
});

const DeliveryAttempt = Strict(
  {
    id: Id,
    eventId: Type.String(),
    attempt: Type.Integer({ minimum: 1 }),
    responseStatus: Type.Union([Type.Integer(), Type.Null()], { description: 'null when no answer came (refused, timed out).' }),
    latencyMs: Type.Integer(),
    error: Type.Union([Type.String(), Type.Null()]),
    response: Type.String({ description: 'The start of what the receiver answered (at most 1 KiB).' }),
    at: Timestamp,
    requestId: RequestId,
  },
  { title: 'WebhookDeliveryAttempt' },
);

export const WebhookDelivery = Strict(
  {
    id: Id,
    endpointId: Id,
    eventId: Type.String({ description: 'The webhook-id header of every attempt.' }),
    type: Type.String(),
    sequence: Type.Union([Type.String(), Type.Null()], { description: 'The event\'s cursor; null for a test ping.' }),
    status: StringEnum(deliveryStatuses, 'WebhookDeliveryStatus'),
    nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    requestId: RequestId,
    attempts: Type.Array(DeliveryAttempt),
  },
  { title: 'WebhookDelivery' },
);
