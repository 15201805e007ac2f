/**
 * `follow`: the events the caller may see, as one async iterator whichever push pattern carries
 * them, with resume built in (resume.ts). Aborting `signal` ends it quietly; `return()` (a
 * `break` out of for-await) closes the socket or stream at once.
 */
import type { Connection } from '../connection.ts';
import type { CloudEvent, FollowOptions, PushVia } from '../types.ts';
import { currentEnd } from './events-page.ts';
import { graphqlEvents } from './graphql-ws.ts';
import { longPollEvents } from './long-poll.ts';
import { pollEvents } from './poll.ts';
import { resume, type Session } from './resume.ts';
import { sseEvents } from './sse.ts';
import { wsEvents } from './ws.ts';

function sessionFor(connection: Connection, options: FollowOptions): Session {
  const via: PushVia = options.via ?? 'sse';
  switch (via) {
    case 'poll':
      return (context) => pollEvents(connection, context, { intervalMs: options.intervalMs });
    case 'long-poll':
      return (context) => longPollEvents(connection, context, { waitSeconds: options.waitSeconds });
    case 'sse':
      return (context) => sseEvents(connection, context);
    case 'ws':
      return (context) => wsEvents(connection, context);
    case 'graphql-ws':
      return (context) => graphqlEvents(connection, context);
    default:
      throw new TypeError(`follow: unknown via "${String(via)}" (poll, long-poll, sse, ws, graphql-ws)`);
  }
}

/** An async generator whose `return()` also stops what is pending, not only what comes next. */
export function stoppable<T>(start: (signal: AbortSignal) => AsyncGenerator<T, void, undefined>, outer: AbortSignal | undefined): AsyncIterableIterator<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (outer?.aborted) controller.abort();
  else outer?.addEventListener('abort', stop, { once: true });
  const inner = start(controller.signal);
  const finish = () => outer?.removeEventListener('abort', stop);
  return {
    async next() {
      const step = await inner.next();
      if (step.done) finish();
      return step;
    },
    async return() {
      stop();
      finish();
      await inner.return();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      stop();
      finish();
      return inner.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export function follow(connection: Connection, options: FollowOptions = {}): AsyncIterableIterator<CloudEvent> {
  const session = sessionFor(connection, options);
  // /ws answers the head it starts from; the other patterns need it found first.
  const findsNow = options.via === 'ws';
  return stoppable(
    (signal) =>
      resume(session, {
        after: options.after,
        types: options.types,
        signal,
        retry: options.retry,
        onReconnect: options.onReconnect,
        currentEnd: findsNow ? undefined : (abort) => currentEnd(connection, options.types, abort),
      }),
    options.signal,
  );
}
