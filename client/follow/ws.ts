/**
 * WebSocket: `events.subscribe {after, types}` on `/ws`, then each event as an `event`
 * notification. With no cursor the server starts at its head and answers it, which becomes the
 * position a reconnection resumes from.
 */
import type { Connection } from '../connection.ts';
import type { CloudEvent } from '../types.ts';
import { createEventQueue } from './event-queue.ts';
import type { SessionContext } from './resume.ts';
import { openRpcSocket, type RpcSocket } from './rpc-socket.ts';

/** Events received but not yet read before the socket is dropped (and resumed once they are read). */
export const maxQueuedEvents = 10_000;

/** What a caller on the same socket (chat) adds to a session. */
export interface WsSessionHooks {
  /** Runs on the new socket before it subscribes: a refusal here ends the session as a subscribe refusal would. */
  beforeSubscribe?(socket: RpcSocket): Promise<void>;
  /** The socket is subscribed, so calls on it are heard by this session's events. */
  subscribed?(socket: RpcSocket): void;
  /** The session's socket is closing. */
  closed?(socket: RpcSocket): void;
}

export async function* wsEvents(connection: Connection, context: SessionContext, hooks: WsSessionHooks = {}): AsyncGenerator<CloudEvent, void, undefined> {
  let close = () => undefined as void;
  const queue = createEventQueue<CloudEvent>(maxQueuedEvents, () => close());
  const socket = await openRpcSocket(connection, (method, params) => {
    if (method === 'event') queue.push(params as CloudEvent);
  }, context.signal);
  close = () => socket.close();
  const stop = () => queue.end();
  context.signal.addEventListener('abort', stop, { once: true });
  void socket.closed.then((error) => queue.fail(error));
  try {
    await hooks.beforeSubscribe?.(socket);
    const params: Record<string, unknown> = {};
    if (context.after !== undefined) params['after'] = context.after;
    if (context.types && context.types.length > 0) params['types'] = context.types;
    const answer = (await socket.call('events.subscribe', params)) as { cursor?: string };
    context.connected(answer.cursor);
    hooks.subscribed?.(socket);
    yield* queue.drain();
  } finally {
    context.signal.removeEventListener('abort', stop);
    hooks.closed?.(socket);
    socket.close();
  }
}
