/**
 * The store's repositories written once over Kysely, so SQLite and PostgreSQL share every query.
 * A backend supplies the connection, its transaction and how it serialises event appends.
 * Each area lives in its own module; a session is those repositories over one connection or transaction.
 */
import type { StoreSession } from '../core/store.ts';
import type { Db } from './schema.ts';
import { eventRepository, type EventLogOptions } from './event-repository.ts';
import { idempotencyRepository } from './idempotency-repository.ts';
import { menuRepository } from './menu-repository.ts';
import { messageRepository } from './message-repository.ts';
import { metaRepository } from './meta-repository.ts';
import { orderRepository } from './order-repository.ts';
import { principalRepository } from './principal-repository.ts';
import { deliveryRepository, webhookRepository } from './webhook-repositories.ts';

export type { Db } from './schema.ts';

export interface SessionOptions extends EventLogOptions {
  /** Rows are locked where order matters; claims skip rows another worker holds (PostgreSQL). */
  rowLocks: boolean;
}

export function createSession(db: Db, options: SessionOptions): StoreSession {
  return {
    webhooks: webhookRepository(db, options),
    deliveries: deliveryRepository(db, options),
    menu: menuRepository(db),
    orders: orderRepository(db),
    messages: messageRepository(db),
    principals: principalRepository(db),
    idempotency: idempotencyRepository(db),
    meta: metaRepository(db),
    events: eventRepository(db, options),
  };
}
