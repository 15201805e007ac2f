/**
 * The durable delivery queue behind the bell (DESIGN.md §7). The event log is the outbox: each
 * endpoint keeps a cursor, and queuing its events moves the cursor in the same transaction that
 * writes their deliveries, so a crash anywhere between a commit and a delivery loses nothing and
 * queues nothing twice. Writes stay as cheap as before (no per-endpoint work in the command's
 * transaction), and a replay is the same read from an older cursor.
 *
 * Workers claim due deliveries under a lease, send them, and settle them here, where the retry
 * policy decides what an attempt means for the delivery and for its endpoint.
 */
import type { CloudEvent, NewEvent } from '../domain/events.ts';
import { BistroError } from '../domain/errors.ts';
import type { Principal } from '../domain/roles.ts';
import { disableReason, nextAttemptDelay, type RetryPolicy, type StoredEndpoint, type WebhookEndpoint } from '../domain/webhook.ts';
import { eventJson } from './event-json.ts';
import type { Feed } from './feed.ts';
import { newId } from './ids.ts';
import type { ClaimedDelivery, NewDelivery, Store, StoreSession } from './store.ts';

/** How much of the log one endpoint queues per transaction. */
const queuePage = 500;
/** Endpoints looked at per pass; the next pass takes the rest. */
const endpointsPerPass = 200;

/** What one attempt to ring the bell came to (the sender's outcome, as the queue needs it). */
export interface AttemptOutcome {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error: string | null;
  excerpt: string;
  retryAfterMs: number | null;
  /** 410 Gone: the receiver says the endpoint is no more. */
  gone: boolean;
  /** When the attempt was made. */
  at: Date;
}

/** A transaction whose events are appended and announced like an operation's (core.write). */
export type SystemWrite = <T>(work: (session: StoreSession, emit: (event: NewEvent) => void) => Promise<T>) => Promise<T>;

export interface WebhookQueue {
  /** Queues the events each enabled endpoint has not had yet; answers how many deliveries it queued. */
  queueNew(): Promise<number>;
  /** Leases due deliveries of up to `endpoints` endpoints, at most `room(endpointId)` each. */
  claim(owner: string, leaseMs: number, endpoints: number, room: (endpointId: string) => number): Promise<ClaimedDelivery[]>;
  /** Records the attempt and decides what comes next: delivered, retry later, failed, endpoint disabled. */
  settle(delivery: ClaimedDelivery, owner: string, outcome: AttemptOutcome): Promise<void>;
  /** Gives unsent deliveries back (a worker stopping). */
  release(ids: readonly string[], owner: string): Promise<void>;
  /** When the next pending delivery is due (ms since the epoch), or null. */
  nextDue(): Promise<number | null>;
}

export function endpointOwner(endpoint: Pick<StoredEndpoint, 'ownerId' | 'ownerRole'>): Principal {
  return { id: endpoint.ownerId, role: endpoint.ownerRole, name: endpoint.ownerId };
}

/** The endpoint as its owner sees it: never the secrets, the cursor or the failure bookkeeping. */
export function publicEndpoint(endpoint: StoredEndpoint): WebhookEndpoint {
  const { id, url, types, description, enabled, disabledReason, ownerId, createdAt, updatedAt } = endpoint;
  return { id, url, types, description, enabled, disabledReason, ownerId, createdAt, updatedAt };
}

/** Deliveries of logged events to one endpoint, due at once. */
export function deliveriesOf(endpoint: StoredEndpoint, events: readonly CloudEvent[], now: Date): NewDelivery[] {
  return events.map((event) => ({
    id: newId('whd', now.getTime()),
    endpointId: endpoint.id,
    eventId: event.id,
    type: event.type,
    sequence: Number(event.sequence),
    payload: eventJson(event),
    createdAt: now.toISOString(),
    dueAt: now.getTime(),
  }));
}

export interface WebhookQueueDeps {
  store: Store;
  feed: Feed;
  policy: RetryPolicy;
  clock: () => Date;
  write: SystemWrite;
  logError: (error: unknown, where: string) => void;
  random?: () => number;
}

export function createWebhookQueue({ store, feed, policy, clock, write, logError, random = Math.random }: WebhookQueueDeps): WebhookQueue {
  async function queueFor(endpoint: StoredEndpoint, head: number): Promise<number> {
    let page;
    try {
      page = await feed.read(endpoint.cursor, { principal: endpointOwner(endpoint), types: endpoint.types }, queuePage);
    } catch (error) {
      if (!(error instanceof BistroError && error.code === 'resync_required')) throw error;
      // Retention pruned events this endpoint never had: say so, and go on from what is kept.
      const floor = await store.events.floor();
      logError(new Error(`webhook endpoint ${endpoint.id} lost the events after ${endpoint.cursor} up to ${floor} to retention`), 'webhook queue');
      await store.webhooks.advance(endpoint.id, endpoint.cursor, floor);
      return 0;
    }
    const last = Number(page.nextCursor);
    // A short page read everything there was, so the cursor may pass events the endpoint does not take.
    const through = page.items.length === queuePage ? last : Math.max(last, head);
    if (through === endpoint.cursor) return 0;
    const now = clock();
    return store.transaction(async (session) => {
      // Another worker moved the cursor first: the deliveries it queued stand, these are not written.
      if (!(await session.webhooks.advance(endpoint.id, endpoint.cursor, through))) return 0;
      await session.deliveries.insert(deliveriesOf(endpoint, page.items, now));
      return page.items.length;
    });
  }

  return {
    async queueNew() {
      const head = feed.head();
      const endpoints = await store.webhooks.behind(head, endpointsPerPass);
      // One transaction each, started together: SQLite's group commit pays one COMMIT for all of them.
      const counts = await Promise.all(endpoints.map((endpoint) => queueFor(endpoint, head)));
      return counts.reduce((sum, count) => sum + count, 0);
    },

    async claim(owner, leaseMs, endpoints, room) {
      const now = clock().getTime();
      return store.transaction(async (session) => {
        const claimed: ClaimedDelivery[] = [];
        for (const endpointId of await session.deliveries.dueEndpoints(now, endpoints)) {
          const limit = room(endpointId);
          if (limit > 0) claimed.push(...(await session.deliveries.claim({ endpointId, owner, leaseUntil: now + leaseMs, now, limit })));
        }
        return claimed;
      });
    },

    async settle(delivery, owner, outcome) {
      const attempt = delivery.attempts + 1;
      const at = outcome.at.toISOString();
      const record = {
        id: newId('wha', outcome.at.getTime()),
        eventId: delivery.eventId,
        attempt,
        responseStatus: outcome.status,
        latencyMs: Math.round(outcome.latencyMs),
        error: outcome.error,
        response: outcome.excerpt,
        at,
      };
      if (outcome.ok) {
        await store.transaction(async (session) => {
          if (await session.deliveries.settle(delivery.id, owner, record, { status: 'delivered', dueAt: null })) {
            await session.webhooks.setFailingSince(delivery.endpointId, null);
          }
        });
        return;
      }
      const delay = nextAttemptDelay(policy, attempt, outcome.retryAfterMs, random);
      const settlement = delay === null ? { status: 'failed' as const, dueAt: null } : { status: 'pending' as const, dueAt: outcome.at.getTime() + delay };
      await write(async (session, emit) => {
        if (!(await session.deliveries.settle(delivery.id, owner, record, settlement))) return;
        await session.webhooks.setFailingSince(delivery.endpointId, at);
        const endpoint = await session.webhooks.get(delivery.endpointId);
        if (!endpoint?.enabled) return;
        const reason = disableReason(policy, endpoint.failingSince, outcome.at, outcome.gone);
        if (reason === null) return;
        await session.webhooks.disable(endpoint.id, reason, at);
        const disabled = { ...publicEndpoint(endpoint), enabled: false, disabledReason: reason, updatedAt: at };
        // Staff endpoints' news is for staff; a guest's for that guest alone.
        const audience = endpoint.ownerRole === 'guest' ? endpoint.ownerId : 'staff';
        emit({ type: 'webhook.endpoint.disabled', subject: `webhooks/${endpoint.id}`, data: disabled, audience });
      });
    },

    release: (ids, owner) => store.deliveries.release(ids, owner),
    nextDue: () => store.deliveries.nextDue(),
  };
}
