/**
 * The core's public surface: what every pattern is handed, and all it may import (lint enforces
 * it). Patterns see the domain through here too, so what they depend on is this one list.
 */
import { createAnswerCache, type AnswerCache } from './answer-cache.ts';
import { createAuthenticator, type Authenticator } from './auth.ts';
import { createCatalogue, type Catalogue } from './catalogue.ts';
import { createFeed, type Feed } from './feed.ts';
import { createInvoker, notifyCommit, toAppend, type CommitListener, type Invoke } from './invoke.ts';
import type { AnyOperation } from './operation.ts';
import type { Principal } from '../domain/roles.ts';
import { pruneAfterCommits } from './retention.ts';
import type { Store } from './store.ts';
import type { NewEvent } from '../domain/events.ts';
import { defaultRetryPolicy, type RetryPolicy } from '../domain/webhook.ts';
import { literalTargetProblem, targetUrlProblem } from '../domain/webhook-target.ts';
import { createWebhookQueue, type SystemWrite, type WebhookQueue } from './webhook-queue.ts';
import { noBus, type Bus } from './bus.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { reportCoreGauges } from './core-gauges.ts';
import { noRateLimit, type RateLimit } from './rate-limit.ts';

// What patterns may use, from the core and the domain.
export type { AnswerCache, AnswerSlot } from './answer-cache.ts';
export type { Catalogue, CatalogueEntry } from './catalogue.ts';
export { changesSince } from './change-tag.ts';
export { eventJson, perEvent } from './event-json.ts';
export type { Feed, FeedFilter, FeedListener, FeedPage, Following, FollowHandlers, Parked, WaitEnd, WaitOptions } from './feed.ts';
export { formatCursor, nowCursor, parseCursor, startCursor } from './cursor.ts';
export type { CommitListener, Invoke, InvokeOptions, InvokeResult } from './invoke.ts';
export { mustSend, plainSchema, type JsonObject } from './json-schema.ts';
export { tokenOfParameter } from './auth.ts';
export { compileValidator, type Validator } from './validation.ts';
export type { AnyOperation, GraphqlBinding, HttpMethod, RestBinding } from './operation.ts';
export { BistroError, clipped, errorCatalogue, fieldErrorSummary, invalid, pointerToken, wireFieldErrors, type ErrorCode, type FieldError, type WireFieldError } from '../domain/errors.ts';
export type { CloudEvent, EventType } from '../domain/events.ts';
export type { AttemptOutcome, FinishedAttempt, WebhookQueue } from './webhook-queue.ts';
export type { ClaimedDelivery } from './store.ts';
export type { CallPattern, Metrics, OpenKind } from './metrics.ts';
export type { RateLimit, RatePolicy, RateState } from './rate-limit.ts';
export { signingSecrets } from '../domain/webhook.ts';
export { addressProblem, literalAddress, literalTargetProblem, privateTargetMessage, targetUrlProblem } from '../domain/webhook-target.ts';
export type { MenuItem } from '../domain/menu.ts';
export type { Order, OrderItem } from '../domain/order.ts';
export { anonymous, type Principal } from '../domain/roles.ts';

/** The core itself, when it follows the feed for its own bookkeeping. */
const system: Principal = { id: 'system', role: 'admin', name: 'system' };

export interface Core {
  catalogue: Catalogue;
  invoke: Invoke;
  authenticateHeader: Authenticator['authenticateHeader'];
  authenticateToken: Authenticator['authenticateToken'];
  feed: Feed;
  /** Adds a listener told of every commit on this node (after the feed); returns how to remove it. */
  onCommit(listener: CommitListener): () => void;
  /** Reads where the log is; call once before serving. */
  start(): Promise<void>;
  /** Ready-made answers for shared reads, kept until the log grows; every pattern reads through it. */
  answers: AnswerCache;
  /** Tells `listener` the id of every principal whose key is revoked (on any node): its open connections must close. */
  onRevoke(listener: (principalId: string) => void): () => void;
  /** Shutting down: parked requests are answered and follows end at once (the feed closes). */
  stop(): void;
  /** Throws when the node cannot serve (the database does not answer). */
  checkReady(): Promise<void>;
  /** The node's clock: every invocation reads it once. */
  clock: () => Date;
  /** The webhook delivery queue a worker drains. */
  webhooks: WebhookQueue;
  /** This node's metrics (`GET /metrics`): patterns report what they hold open through it. */
  metrics: Metrics;
  /** Per-principal call budgets every pattern takes from before it runs an operation. */
  rateLimit: RateLimit;
}

export interface CoreOptions {
  store: Store;
  operations: readonly AnyOperation[];
  adminToken: string;
  /** @default the wall clock; tests pass a fixed or stepping one. */
  clock?: () => Date;
  /** Where failures that must not fail a request go (a commit listener that threw). @default console.error */
  logError?: (error: unknown, where: string) => void;
  /** Events the log keeps; older ones are pruned and their cursors answered `resync_required`. @default 0 — keep everything */
  keepEvents?: number;
  /** How webhook deliveries are retried and when a failing endpoint is disabled. @default DESIGN.md §7's schedule, 1 h Retry-After cap, 5 days */
  retryPolicy?: RetryPolicy;
  /** Why a webhook URL may not be called. @default refuses non-HTTP URLs and private address literals (no DNS) */
  targetProblem?: (url: string) => Promise<string | undefined>;
  /** The doorbell to the other nodes sharing the store. @default none: one node alone */
  bus?: Bus;
  /**
   * How often the log's head is read anyway, so a lost bell (or a bus that is away) delays an
   * event at most this long. Only where other nodes write the same log. @default 0 — off: one node alone
   */
  catchUpMs?: number;
  /** Calls per principal per window, across patterns (and nodes, with a shared store). @default none: unlimited */
  rateLimit?: RateLimit;
}

/** Checks what can be checked without DNS; the node passes a resolving check (patterns/webhooks). */
async function withoutDns(url: string): Promise<string | undefined> {
  return targetUrlProblem(url) ?? literalTargetProblem(new URL(url));
}

export function createCore({
  store,
  operations,
  adminToken,
  clock = () => new Date(),
  logError = (error, where) => console.error(where, error),
  keepEvents = 0,
  retryPolicy = defaultRetryPolicy,
  targetProblem = withoutDns,
  bus = noBus,
  catchUpMs = 0,
  rateLimit = noRateLimit,
}: CoreOptions): Core {
  const catalogue = createCatalogue(operations);
  const metrics = createMetrics();
  const feed = createFeed({ store, logError });
  // The feed listens first, so every other listener can rely on the feed already knowing the commit.
  const commitListeners: CommitListener[] = [(events) => feed.publish(events)];
  if (keepEvents > 0) commitListeners.push(pruneAfterCommits(store, keepEvents, logError));
  // Other nodes hear of this node's commits by the bell, and this node of theirs.
  commitListeners.push((events) => {
    const last = events.at(-1);
    if (last) bus.announce(Number(last.event.sequence));
  });
  bus.onRing((sequence) => feed.ring(sequence));
  let catchUp: NodeJS.Timeout | undefined;
  let stopped = false;
  const invoke = createInvoker({ store, catalogue, commitListeners, logError, clock, targetProblem, metrics });
  // The node's own transactions (disabling a failing endpoint): events appended and announced like an operation's.
  const write: SystemWrite = async (work) => {
    const time = clock().toISOString();
    const { output, appended } = await store.transaction(async (session) => {
      const events: NewEvent[] = [];
      const output = await work(session, (event) => events.push(event));
      return { output, appended: await session.events.append(events.map((event) => toAppend(event, time))) };
    });
    notifyCommit(commitListeners, appended, logError);
    return output;
  };
  const authenticator = createAuthenticator(store, adminToken);
  const answers = createAnswerCache(feed, catalogue, invoke);
  // Revocations travel as events, so every node hears of them the way it hears of any change.
  const revokeListeners = new Set<(principalId: string) => void>();
  feed.subscribe({ principal: system, types: ['key.revoked'] }, (event) => {
    const { id } = event.data as { id: string };
    authenticator.forget(id);
    for (const listener of revokeListeners) listener(id);
  });
  reportCoreGauges(metrics, { store, feed, clock });
  return {
    catalogue,
    invoke,
    authenticateHeader: (authorization) => authenticator.authenticateHeader(authorization),
    authenticateToken: (token) => authenticator.authenticateToken(token),
    feed,
    answers,
    onCommit(listener) {
      commitListeners.push(listener);
      return () => {
        const index = commitListeners.indexOf(listener);
        if (index > 0) commitListeners.splice(index, 1);
      };
    },
    onRevoke(listener) {
      revokeListeners.add(listener);
      return () => revokeListeners.delete(listener);
    },
    async start() {
      await feed.start();
      if (catchUpMs > 0) {
        catchUp = setInterval(() => {
          store.events.lastSequence().then(
            (sequence) => feed.ring(sequence),
            // A read still out when the node stopped (and closed its store) is no news.
            (error: unknown) => stopped || logError(error, 'catching up with the log'),
          );
        }, catchUpMs).unref();
      }
    },
    stop() {
      stopped = true;
      clearInterval(catchUp);
      feed.close();
    },
    checkReady: () => store.ping(),
    clock,
    webhooks: createWebhookQueue({ store, feed, policy: retryPolicy, clock, write, logError, metrics }),
    metrics,
    rateLimit,
  };
}
