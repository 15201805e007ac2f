/**
 * The store as core sees it: small repositories over one transaction. Backends live in
 * src/store/* and implement this; core never imports them.
 */
import type { Audience, CloudEvent, EventType, LoggedEvent } from '../domain/events.ts';
import type { MenuItem } from '../domain/menu.ts';
import type { Message } from '../domain/message.ts';
import type { Order, OrderStatus } from '../domain/order.ts';
import type { Role } from '../domain/roles.ts';
import type { DeliveryAttempt, DeliveryStatus, StoredEndpoint, WebhookDelivery } from '../domain/webhook.ts';

export interface StoredPrincipal {
  id: string;
  role: Exclude<Role, 'anonymous'>;
  name: string;
  table: number | null;
  tokenHash: string;
  createdAt: string;
}

export interface IdempotencyRecord {
  principalId: string;
  key: string;
  operation: string;
  requestHash: string;
  state: 'pending' | 'done';
  /** JSON of the stored output once done. */
  response: string | null;
  /** The change tag the first answer carried (REST's ETag), so a replay repeats it too. */
  responseTag: number | null;
  createdAt: string;
}

/** An event ready to append: everything but the sequence, which the log assigns. */
export interface EventToAppend extends Omit<CloudEvent, 'sequence'> {
  audience: Audience;
  /** The request that caused it, kept beside the event (never in the public CloudEvent). */
  requestId?: string | null;
}

export interface EventQuery {
  after: number;
  types?: readonly EventType[] | undefined;
  /** null: every audience (staff, and the feed, which sorts events out in memory). */
  audiences: readonly string[] | null;
  limit: number;
}

export interface OrderQuery {
  guestId?: string | undefined;
  status?: OrderStatus | undefined;
  /** Keyset cursor: only orders with an id below this (ids sort by creation time). */
  beforeId?: string | undefined;
  limit: number;
}

export interface EndpointQuery {
  /** Only this principal's endpoints; all of them when absent (an admin's list). */
  ownerId?: string | undefined;
  /** Keyset cursor: only endpoints with an id below this. */
  beforeId?: string | undefined;
  limit: number;
}

/** A delivery to queue: one event (or test ping) for one endpoint, its CloudEvent already serialised. */
export interface NewDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  type: string;
  sequence: number | null;
  payload: string;
  createdAt: string;
  /** Milliseconds since the epoch. */
  dueAt: number;
  /** The request that caused it: its event's, or the replay's or test ping's own. */
  requestId: string | null;
}

/** A delivery a worker holds under its lease, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  payload: string;
  /** Attempts made before this one. */
  attempts: number;
  url: string;
  secrets: StoredEndpoint['secrets'];
  requestId: string | null;
}

export interface DeliveryClaim {
  endpointId: string;
  /** Who claims (a worker's id) and until when (ms since the epoch); past it the claim lapses. */
  owner: string;
  leaseUntil: number;
  now: number;
  limit: number;
}

/** How an attempt ends a delivery's turn: delivered, failed for good, or due again at `dueAt`. */
export interface DeliverySettlement {
  status: DeliveryStatus;
  dueAt: number | null;
}

export interface StoreSession {
  menu: {
    list(): Promise<MenuItem[]>;
    get(id: string): Promise<MenuItem | undefined>;
    getMany(ids: readonly string[]): Promise<MenuItem[]>;
    /** False when an item with that id exists (also one a concurrent writer just inserted). */
    insert(item: MenuItem): Promise<boolean>;
    /** Writes `item` if the stored version is `item.version - 1`; false when it is not. */
    update(item: MenuItem): Promise<boolean>;
    delete(id: string): Promise<boolean>;
  };
  orders: {
    get(id: string): Promise<Order | undefined>;
    list(query: OrderQuery): Promise<Order[]>;
    insert(order: Order): Promise<void>;
    /** Writes `order` if the stored version is `order.version - 1`; false when it is not. */
    update(order: Order): Promise<boolean>;
  };
  messages: {
    list(orderId: string, afterId: string | undefined, limit: number): Promise<Message[]>;
    /** `senderId` is the principal who posted it; `clientId` the sender's own id for it, if any. */
    insert(message: Message, sender: { senderId: string; clientId?: string | undefined }): Promise<void>;
    findByClientId(orderId: string, senderId: string, clientId: string): Promise<Message | undefined>;
  };
  principals: {
    insert(principal: StoredPrincipal): Promise<void>;
    findByTokenHash(tokenHash: string): Promise<StoredPrincipal | undefined>;
    get(id: string): Promise<StoredPrincipal | undefined>;
    /** False when there was no such principal. */
    delete(id: string): Promise<boolean>;
  };
  idempotency: {
    find(principalId: string, key: string): Promise<IdempotencyRecord | undefined>;
    /** False when a record for the key exists already. */
    insert(record: IdempotencyRecord): Promise<boolean>;
    replacePending(record: IdempotencyRecord): Promise<void>;
    complete(principalId: string, key: string, response: string, responseTag: number | null): Promise<void>;
    /** Frees a pending claim; a completed key stays (its work committed, whatever the caller heard). */
    delete(principalId: string, key: string): Promise<void>;
  };
  webhooks: {
    insert(endpoint: StoredEndpoint): Promise<void>;
    /**
     * `lock`: hold the row until the transaction ends (PostgreSQL), so a change to the endpoint or
     * its deliveries cannot meet a delete half-way: one waits for the other.
     */
    get(id: string, options?: { lock?: boolean }): Promise<StoredEndpoint | undefined>;
    list(query: EndpointQuery): Promise<StoredEndpoint[]>;
    /** Writes the owner-editable fields, the secrets and the enabled state (and the cursor, when re-enabled). */
    update(endpoint: StoredEndpoint): Promise<void>;
    /** Deletes the endpoint with its deliveries and attempts; false when there was none. */
    delete(id: string): Promise<boolean>;
    deleteByOwner(ownerId: string): Promise<void>;
    /** Enabled endpoints whose events are queued only up to below `head`. */
    behind(head: number, limit: number): Promise<StoredEndpoint[]>;
    /** Moves the cursor from `from` to `to`; false when someone else moved it first (their deliveries stand). */
    advance(id: string, from: number, to: number): Promise<boolean>;
    /**
     * Moves the cursors of endpoints that take none of the events up to `to`, in one write; a
     * cursor already at or past `to` stays. Safe without a compare-and-set: there is nothing in
     * between for another worker to have queued.
     */
    advanceIdle(ids: readonly string[], to: number): Promise<void>;
    /** Success clears it (null); a failure sets it only if it was clear. */
    setFailingSince(id: string, since: string | null): Promise<void>;
    disable(id: string, reason: string, now: string): Promise<void>;
    countDisabled(): Promise<number>;
  };
  deliveries: {
    insert(deliveries: readonly NewDelivery[]): Promise<void>;
    /** Enabled endpoints with deliveries due at `now` that nobody holds (at most `limit`). */
    dueEndpoints(now: number, limit: number): Promise<string[]>;
    /** Leases up to `limit` of one endpoint's due, unheld deliveries (PostgreSQL: FOR UPDATE SKIP LOCKED). */
    claim(claim: DeliveryClaim): Promise<ClaimedDelivery[]>;
    /**
     * Settles deliveries and records their attempts, each only while `owner` still holds it;
     * answers the ids it settled (the others' leases lapsed: nothing is written for them).
     */
    settle(owner: string, settlements: readonly { id: string; attempt: DeliveryAttempt; settlement: DeliverySettlement }[]): Promise<Set<string>>;
    /** Gives deliveries back unsent (a worker stopping): due as they were, for anyone to claim. */
    release(ids: readonly string[], owner: string): Promise<void>;
    /** When the earliest pending delivery is due or its lease lapses; null when none is pending. */
    nextDue(): Promise<number | null>;
    /** A disabled endpoint's pending deliveries wait without a due time, so no worker looks at them. */
    park(endpointId: string): Promise<void>;
    /** Its owner resumed it: they are due at `dueAt`. */
    unpark(endpointId: string, dueAt: number): Promise<void>;
    /** Newest first, each with its attempts. */
    list(endpointId: string, beforeId: string | undefined, limit: number): Promise<WebhookDelivery[]>;
    /** Deliveries pending, and when the oldest one that is due at `now` and unheld fell due (ms since the epoch), for the metrics. */
    backlog(now: number): Promise<{ pending: number; oldestDueAt: number | null }>;
  };
  meta: {
    get(key: string): Promise<string | undefined>;
    set(key: string, value: string): Promise<void>;
  };
  events: {
    /** Appends in order; sequences strictly increase in commit order. */
    append(events: readonly EventToAppend[]): Promise<LoggedEvent[]>;
    read(query: EventQuery): Promise<LoggedEvent[]>;
    lastSequence(): Promise<number>;
    /**
     * The sequence of the last event that changed `subject` (see `changesSubject`), 0 if none:
     * the resource's change tag. A deleted and re-created resource gets a new one.
     */
    lastChangeOf(subject: string): Promise<number>;
    /** Events at or below this sequence were pruned (retention); 0 while the log is whole. */
    floor(): Promise<number>;
    /** Deletes the events at or below `through` and raises the floor to it. Run it in a transaction. */
    prune(through: number): Promise<void>;
  };
}

export interface TransactionOptions {
  /**
   * The commit may be lost on power failure (never torn, never reordered): it is not flushed to
   * disk before it returns, and a later durable commit flushes it with its own. Only for writes
   * that are redone if lost, such as the webhook queue's leases and records (at least once), never
   * for a write a client is told of, and never for one that appends events.
   */
  relaxed?: boolean;
}

export interface Store extends StoreSession {
  /**
   * Runs `work` in one transaction; everything it wrote commits together or not at all. A backend
   * may run `work` again when the database ended it for a conflict (PostgreSQL, a deadlock), so
   * `work` keeps what it builds inside itself, never in variables around the call.
   */
  transaction<T>(work: (session: StoreSession) => Promise<T>, options?: TransactionOptions): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
