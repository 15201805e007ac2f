/**
 * GraphQL subscriptions over `/graphql` (protocol graphql-transport-ws) with the `graphql-ws`
 * client, its own retries off: the resume loop reconnects, from the last sequence handed out.
 * The token goes in `connectionParams.authorization`.
 */
import { createClient } from 'graphql-ws/client';
import { BistroClientError, fromGraphqlErrors } from '../errors.ts';
import { webSocketBase, type Connection } from '../connection.ts';
import type { CloudEvent } from '../types.ts';
import { createEventQueue } from './event-queue.ts';
import type { SessionContext } from './resume.ts';
import { closeError, upgradeError } from './socket-errors.ts';
import { maxQueuedEvents } from './ws.ts';

/** The whole CloudEvent but `datacontenttype` (always application/json), as GraphQL's `Event` serves it. */
export const eventsSubscription = 'subscription ($after: String, $types: [String!]) { events(after: $after, types: $types) { specversion id source type subject time sequence data } }';

/** What graphql-ws hands a sink's `error`: the operation's GraphQL errors, a close event, or a socket error. */
function subscriptionError(error: unknown): BistroClientError {
  if (Array.isArray(error)) return fromGraphqlErrors(error);
  const record = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; reason?: unknown };
  if (typeof record.code === 'number') return closeError(record.code, typeof record.reason === 'string' ? record.reason : '');
  return upgradeError(error);
}

export interface SubscriptionRequest<T> {
  query: string;
  variables: Record<string, unknown>;
  /** The value in one result's `data`. */
  pick: (data: Record<string, unknown>) => T;
  signal: AbortSignal;
  /** The server acknowledged the connection. */
  onConnected?: () => void;
}

/** One subscription as an iterator: it ends when the server completes it, throws on any failure. */
export async function* subscribe<T>(connection: Connection, request: SubscriptionRequest<T>): AsyncGenerator<T, void, undefined> {
  if (!connection.WebSocket) throw new BistroClientError('network_error', 'no WebSocket: pass one to createClient (on Node.js 20, `ws`, as bistro/client/node does)', { status: 0 });
  const client = createClient({
    url: `${webSocketBase(connection.url)}/graphql`,
    webSocketImpl: connection.WebSocket,
    connectionParams: connection.token === undefined ? {} : { authorization: `Bearer ${connection.token}` },
    retryAttempts: 0,
    lazy: true,
    on: { connected: () => request.onConnected?.() },
  });
  let stop = () => undefined as void;
  const queue = createEventQueue<T>(maxQueuedEvents, () => stop());
  stop = client.subscribe<Record<string, unknown>>(
    { query: request.query, variables: request.variables },
    {
      next: (result) => {
        if (result.errors) queue.fail(fromGraphqlErrors(result.errors));
        else if (result.data) queue.push(request.pick(result.data));
      },
      error: (error) => queue.fail(subscriptionError(error)),
      complete: () => queue.end(),
    },
  );
  const end = () => queue.end();
  request.signal.addEventListener('abort', end, { once: true });
  try {
    yield* queue.drain();
  } finally {
    request.signal.removeEventListener('abort', end);
    stop();
    void client.dispose();
  }
}

export function graphqlEvents(connection: Connection, context: SessionContext): AsyncGenerator<CloudEvent, void, undefined> {
  const variables: Record<string, unknown> = {};
  if (context.after !== undefined) variables['after'] = context.after;
  if (context.types && context.types.length > 0) variables['types'] = context.types;
  return subscribe(connection, {
    query: eventsSubscription,
    variables,
    pick: (data) => data['events'] as CloudEvent,
    signal: context.signal,
    onConnected: () => context.connected(),
  });
}
