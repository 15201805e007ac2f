/** The core's public surface: what every pattern is handed, and all it may use. */
import type { CloudEvent } from '../domain/events.ts';
import { createAnswerCache, type AnswerCache } from './answer-cache.ts';
import { createAuthenticator, type Authenticator } from './auth.ts';
import { createCatalogue, type Catalogue } from './catalogue.ts';
import { createFeed, type Feed } from './feed.ts';
import { createInvoker, type Invoke } from './invoke.ts';
import type { AnyOperation } from './operation.ts';
import type { Store } from './store.ts';

export interface Core {
  catalogue: Catalogue;
  invoke: Invoke;
  authenticate: Authenticator['authenticate'];
  feed: Feed;
  /** Ready-made answers for shared reads, kept until the log grows; every pattern reads through it. */
  answers: AnswerCache;
  /** Throws when the node cannot serve (the database does not answer). */
  checkReady(): Promise<void>;
}

export interface CoreOptions {
  store: Store;
  operations: readonly AnyOperation[];
  adminToken: string;
  clock?: () => Date;
  /** Told of every commit on this node, after the feed; a bus publishes from here. */
  onCommit?: (events: readonly CloudEvent[]) => void;
}

export function createCore({ store, operations, adminToken, clock, onCommit }: CoreOptions): Core {
  const catalogue = createCatalogue(operations);
  const feed = createFeed();
  const invoke = createInvoker({
    store,
    catalogue,
    ...(clock ? { clock } : {}),
    onCommit(events) {
      const last = events.at(-1);
      if (last) feed.ring(Number(last.sequence));
      onCommit?.(events);
    },
  });
  const authenticator = createAuthenticator(store, adminToken);
  const answers = createAnswerCache(feed, catalogue, invoke);
  return { catalogue, invoke, authenticate: (authorization) => authenticator.authenticate(authorization), feed, answers, checkReady: () => store.ping() };
}
