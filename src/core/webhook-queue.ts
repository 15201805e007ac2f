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
import type { Principal } from '../domain/roles.ts';
import { disableReason, nextAttemptDelay, type RetryPolicy, type StoredEndpoint, type WebhookEndpoint } from '../domain/webhook.ts';
import { eventJson } from './event-json.ts';
import { canSee } from './visibility.ts';
import type { Feed } from './feed.ts';
import { newId } from './ids.ts';
import type { ClaimedDelivery, NewDelivery, Store, StoreSession } from './store.ts';
import type { Metrics } from './metrics.ts';

/**
 * The queue's own writes (cursors with the deliveries they queue, leases, attempt records) are
 * redone if a power cut takes them: the log still holds every event, and a delivery whose record
 * is lost is sent again. So they skip the fsync (at synchronous=FULL one per commit, which had
 * capped deliveries at about 2,000/s). Anything that appends an event stays durable.
 */
const relaxed = { relaxed: true } as const;

/** Events read from the log per batch. */
const queuePage = 500;
/** Endpoints queued for per batch. */
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

/** An attempt that ended, waiting to be recorded. */
export interface FinishedAttempt {
  delivery: ClaimedDelivery;
  outcome: AttemptOutcome;
}

/** A transaction of the node's own whose events are appended and announced like an operation's. */
export type SystemWrite = <T>(work: (session: StoreSession, emit: (event: NewEvent) => void) => Promise<T>) => Promise<T>;

export interface WebhookQueue {
  /** Queues the events each enabled endpoint has not had yet; answers how many deliveries it queued. */
  queueNew(): Promise<number>;
  /** Leases due deliveries of up to `endpoints` endpoints, at most `room(endpointId)` each. */
  claim(owner: string, leaseMs: number, endpoints: number, room: (endpointId: string) => number): Promise<ClaimedDelivery[]>;
  /** Records the attempts and decides what comes next for each: delivered, retry later, failed, endpoint disabled. */
  settle(finished: readonly FinishedAttempt[], owner: string): Promise<void>;
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

/** Deliveries of logged events to one endpoint, due at once, each remembering the request that caused it. */
export function deliveriesOf(endpoint: StoredEndpoint, events: readonly CloudEvent[], now: Date, requestIdOf: (event: CloudEvent) => string | null): NewDelivery[] {
  return events.map((event) => ({
    requestId: requestIdOf(event),
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
  metrics: Pick<Metrics, 'webhookAttempted' | 'webhookSettled' | 'webhookQueued'>;
  random?: () => number;
}

export function createWebhookQueue({ store, feed, policy, clock, write, logError, metrics, random = Math.random }: WebhookQueueDeps): WebhookQueue {
  /** The head up to which every enabled endpoint's events are queued, as far as this node knows. */
  let queuedThrough = -1;

  /** Endpoints whose cursor fell below the kept log lose those events: say so, and go on from the floor. */
  async function skipPruned(endpoints: readonly StoredEndpoint[], floor: number): Promise<void> {
    for (const endpoint of endpoints.filter(({ cursor }) => cursor < floor)) {
      logError(new Error(`webhook endpoint ${endpoint.id} lost the events after ${endpoint.cursor} up to ${floor} to retention`), 'webhook queue');
      await store.webhooks.advance(endpoint.id, endpoint.cursor, floor);
    }
  }

  /**
   * One pass over up to `endpointsPerPass` endpoints behind the head: one read of the log from the
   * lowest of their cursors, each event matched in memory against each endpoint (its types, and
   * what its owner may see), one transaction for every endpoint's deliveries and cursor. So a
   * commit costs one read and one write however many endpoints there are.
   */
  async function queueBatch(head: number): Promise<{ queued: number; full: boolean }> {
    const endpoints = await store.webhooks.behind(head, endpointsPerPass);
    if (endpoints.length === 0) return { queued: 0, full: false };
    const from = Math.min(...endpoints.map(({ cursor }) => cursor));
    const logged = await store.events.read({ after: from, audiences: null, limit: queuePage });
    // Checked after the read, as every reader does: a prune in between cannot leave a silent hole.
    const floor = await store.events.floor();
    if (from < floor) {
      await skipPruned(endpoints, floor);
      return { queued: 0, full: true };
    }
    // A short page read everything there was, so cursors may pass events an endpoint does not take.
    const last = Number(logged.at(-1)?.event.sequence ?? from);
    const through = logged.length === queuePage ? last : Math.max(last, head);
    const now = clock();
    const queued = await store.transaction(async (session) => {
      let count = 0;
      // Most endpoints take none of a commit's events (a guest's bell and another guest's order):
      // their cursors move in one write, not one each, so idle endpoints cost a commit almost nothing.
      const idle: string[] = [];
      for (const endpoint of endpoints) {
        if (through <= endpoint.cursor) continue;
        const owner = endpointOwner(endpoint);
        const taken = logged.filter(({ event, audience }) => Number(event.sequence) > endpoint.cursor && endpoint.types.includes(event.type) && canSee(owner, audience));
        if (taken.length === 0) {
          idle.push(endpoint.id);
          continue;
        }
        const requestIds = new Map(taken.map(({ event, requestId }) => [event, requestId ?? null]));
        const events = taken.map(({ event }) => event);
        // Another worker moved this cursor first: the deliveries it queued stand, these are not written.
        if (!(await session.webhooks.advance(endpoint.id, endpoint.cursor, through))) continue;
        await session.deliveries.insert(deliveriesOf(endpoint, events, now, (event) => requestIds.get(event) ?? null));
        count += events.length;
      }
      await session.webhooks.advanceIdle(idle, through);
      return count;
    }, relaxed);
    return { queued, full: endpoints.length === endpointsPerPass || logged.length === queuePage };
  }

  /** The attempt as the log records it, and what it means for its delivery. */
  function recordOf({ delivery, outcome }: FinishedAttempt) {
    const attempt = delivery.attempts + 1;
    const record = {
      id: newId('wha', outcome.at.getTime()),
      eventId: delivery.eventId,
      attempt,
      responseStatus: outcome.status,
      latencyMs: Math.round(outcome.latencyMs),
      error: outcome.error,
      response: outcome.excerpt,
      at: outcome.at.toISOString(),
      requestId: delivery.requestId,
    };
    if (outcome.ok) return { id: delivery.id, attempt: record, settlement: { status: 'delivered' as const, dueAt: null } };
    const delay = nextAttemptDelay(policy, attempt, outcome.retryAfterMs, random);
    const settlement = delay === null ? { status: 'failed' as const, dueAt: null } : { status: 'pending' as const, dueAt: outcome.at.getTime() + delay };
    return { id: delivery.id, attempt: record, settlement };
  }

  /**
   * What one endpoint's settled attempts mean for it: a success ends its failing streak; a 410, or
   * failing for the whole period, means it must be disabled (answered with the reason).
   */
  async function judgeEndpoint(session: StoreSession, endpointId: string, attempts: readonly FinishedAttempt[]): Promise<{ reason: string; at: Date } | undefined> {
    const gone = attempts.find(({ outcome }) => outcome.gone);
    const failures = attempts.filter(({ outcome }) => !outcome.ok);
    if (!gone && failures.length < attempts.length) {
      await session.webhooks.setFailingSince(endpointId, null);
      return undefined;
    }
    const latest = (gone ?? failures.at(-1))?.outcome.at;
    const first = failures[0]?.outcome.at;
    if (latest === undefined || first === undefined) return undefined;
    await session.webhooks.setFailingSince(endpointId, first.toISOString());
    const endpoint = await session.webhooks.get(endpointId);
    if (!endpoint) return undefined;
    // Disabled while these attempts were out: their retries wait for the owner, like the rest.
    if (!endpoint.enabled) {
      await session.deliveries.park(endpointId);
      return undefined;
    }
    const reason = disableReason(policy, endpoint.failingSince, latest, gone !== undefined);
    return reason === null ? undefined : { reason, at: latest };
  }

  /** Disables the endpoint and says so in the log: a durable write, as every event's. */
  async function disable(endpointId: string, { reason, at }: { reason: string; at: Date }): Promise<void> {
    await write(async (session, emit) => {
      const endpoint = await session.webhooks.get(endpointId);
      if (!endpoint?.enabled) return;
      const when = at.toISOString();
      await session.webhooks.disable(endpointId, reason, when);
      await session.deliveries.park(endpointId);
      const data = { ...publicEndpoint(endpoint), enabled: false, disabledReason: reason, updatedAt: when };
      // Staff endpoints' news is for staff; a guest's for that guest alone.
      const audience = endpoint.ownerRole === 'guest' ? endpoint.ownerId : 'staff';
      emit({ type: 'webhook.endpoint.disabled', subject: `webhooks/${endpointId}`, data, audience });
    });
  }

  return {
    async queueNew() {
      const head = feed.head();
      // Every endpoint was queued up to this head already: nothing to read until the log grows.
      // (New and resumed endpoints start at the head; replay and test pings write their own deliveries.)
      if (head === queuedThrough) return 0;
      let total = 0;
      // A few batches a pass at most: a cursor another node keeps winning must not spin this one.
      for (let batch = 0; batch < 10; batch++) {
        const { queued, full } = await queueBatch(head);
        total += queued;
        metrics.webhookQueued(queued);
        if (!full) {
          queuedThrough = head;
          break;
        }
      }
      return total;
    },

    async claim(owner, leaseMs, endpoints, room) {
      const now = clock().getTime();
      // Asked outside a transaction: every commit wakes the worker, and most find nothing due, so
      // they must not pay a transaction for it. The claim itself is one atomic UPDATE per endpoint.
      const due = await store.deliveries.dueEndpoints(now, endpoints);
      if (due.length === 0) return [];
      return store.transaction(async (session) => {
        const claimed: ClaimedDelivery[] = [];
        for (const endpointId of due) {
          const limit = room(endpointId);
          if (limit > 0) claimed.push(...(await session.deliveries.claim({ endpointId, owner, leaseUntil: now + leaseMs, now, limit })));
        }
        return claimed;
      }, relaxed);
    },

    async settle(finished, owner) {
      if (finished.length === 0) return;
      const records = finished.map(recordOf);
      // One transaction for every attempt that ended since the last pass, relaxed: records lost to
      // a power cut mean those deliveries are sent again (at least once), nothing is lost.
      const { settled, toDisable } = await store.transaction(async (session) => {
        const settled = await session.deliveries.settle(owner, records);
        const byEndpoint = new Map<string, FinishedAttempt[]>();
        for (const attempt of finished.filter(({ delivery }) => settled.has(delivery.id))) {
          byEndpoint.set(attempt.delivery.endpointId, [...(byEndpoint.get(attempt.delivery.endpointId) ?? []), attempt]);
        }
        const toDisable: [string, { reason: string; at: Date }][] = [];
        for (const [endpointId, attempts] of byEndpoint) {
          const verdict = await judgeEndpoint(session, endpointId, attempts);
          if (verdict) toDisable.push([endpointId, verdict]);
        }
        return { settled, toDisable };
      }, relaxed);
      // Counted once committed, and only what this worker still held: a lapsed lease's attempt is its next holder's.
      for (const { id, settlement } of records) if (settled.has(id) && settlement.status !== 'pending') metrics.webhookSettled(settlement.status);
      for (const { delivery, outcome } of finished) if (settled.has(delivery.id)) metrics.webhookAttempted(outcome.ok ? 'ok' : outcome.status === null ? 'error' : 'rejected');
      for (const [endpointId, verdict] of toDisable) await disable(endpointId, verdict);
    },

    release: (ids, owner) => store.deliveries.release(ids, owner),
    nextDue: () => store.deliveries.nextDue(),
  };
}
