/**
 * Long polling (DESIGN.md §6): `Prefer: wait=N` (RFC 7240 §4.3) or `?wait=N` holds GET /orders/{id}
 * until its ETag moves past If-None-Match, and GET /events until an event after the cursor exists,
 * or until the wait ends. A held request costs one feed listener and one timer, both gone when it
 * is answered, when its client leaves, or when the node shuts down.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isClosing } from '../http/http-app.ts';
import { preferredWait, wholeSeconds } from '../http/http-rules.ts';
import { type AnyOperation, changesSince, type Core, type EventType, type FeedPage, invalid, type InvokeOptions, type InvokeResult, nowCursor, type Principal, type WaitOptions } from '../../core/core.ts';

/** The GETs that may be held, and what they wait for. */
export const longPolled: Readonly<Record<string, 'resource' | 'events'>> = { 'orders.get': 'resource', 'events.list': 'events' };

export interface Wait {
  seconds: number;
  /** Asked with `Prefer`, so the answer says `Preference-Applied`. */
  preferred: boolean;
}

/**
 * `?wait=N` must be a whole number from 0 to the maximum (else 400 at `/wait`), and wins over the
 * header. `Prefer: wait=N` is a preference: one that is not a whole number is ignored (RFC 7240
 * §2), one above the maximum is shortened to it, and `Preference-Applied` says what was used.
 */
export function requestedWait(request: FastifyRequest, maxSeconds: number): Wait | undefined {
  const query = request.query as Record<string, unknown>;
  if ('wait' in query) {
    const raw = query['wait'];
    if (typeof raw !== 'string' || !wholeSeconds.test(raw) || Number(raw) > maxSeconds) {
      throw invalid('/wait', `a wait is a whole number of seconds from 0 to ${maxSeconds}, given once`);
    }
    return { seconds: Number(raw), preferred: false };
  }
  const preferred = preferredWait(request.headers.prefer);
  return preferred === undefined ? undefined : { seconds: Math.min(preferred, maxSeconds), preferred: true };
}

/**
 * Aborts when the client goes away before its answer is written. The response's `close` is the
 * one to watch: the request's `close` fires as soon as its (empty) body has been read.
 */
function clientGone(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  if (request.raw.socket.destroyed) {
    controller.abort();
  } else {
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
  }
  return controller.signal;
}

/**
 * Reads the resource; when the client's If-None-Match still names it as it is, holds until an
 * event changes it and reads it again. Parked before the first read, so a change committed between
 * the read and the wait is heard. A wait that ends unchanged returns the first read (the caller's
 * If-None-Match then answers 304).
 */
async function readWhenChanged(core: Core, operation: AnyOperation, input: Record<string, unknown>, principal: Principal, stillMatches: (tag: number) => boolean, options: WaitOptions, call: InvokeOptions): Promise<InvokeResult> {
  const subject = operation.subjectOf?.(input, undefined);
  if (subject === undefined || options.timeoutMs <= 0) return core.invoke(operation.name, input, principal, call);
  const parked = core.feed.park({ principal, subject }, options);
  try {
    const first = await core.invoke(operation.name, input, principal, call);
    const tag = first.tag;
    if (tag === undefined || !stillMatches(tag)) return first;
    const end = await parked.until((event) => changesSince(event, subject, tag));
    return end === 'event' ? await core.invoke(operation.name, input, principal, call) : first;
  } finally {
    parked.end();
  }
}

/**
 * Reads a page through the operation (so bad input, a forbidden caller or a cursor below the
 * retained log is refused: the wait ends with it); only an empty page waits on the feed.
 */
async function readWhenNew(core: Core, operation: AnyOperation, input: Record<string, unknown>, principal: Principal, options: WaitOptions, call: InvokeOptions): Promise<InvokeResult> {
  // "now" asks where the log ends, which is known at once: there is nothing to wait for.
  if (input['after'] === nowCursor) return core.invoke(operation.name, input, principal, call);
  // Types as asked: input the operation refuses never waits, so the filter need not be checked first.
  const types = Array.isArray(input['types']) ? (input['types'] as EventType[]) : undefined;
  const page = await core.feed.waitAfter(
    async () => {
      const first = await core.invoke(operation.name, input, principal, call);
      // The operation's validation filled in the default page size.
      return { page: first.output as FeedPage, limit: (input as { limit: number }).limit };
    },
    { principal, types },
    options,
  );
  return { output: page, replayed: false };
}

/** Answers a long poll: the operation's result, once it is worth sending or the wait is over. */
export async function holdRead(core: Core, operation: AnyOperation, input: Record<string, unknown>, principal: Principal, wait: Wait, request: FastifyRequest, reply: FastifyReply, stillMatches: (tag: number) => boolean): Promise<InvokeResult> {
  const options: WaitOptions = { signal: clientGone(request, reply), timeoutMs: wait.seconds * 1000 };
  const call: InvokeOptions = { via: 'long-poll', requestId: request.id };
  const result =
    longPolled[operation.name] === 'events'
      ? await readWhenNew(core, operation, input, principal, options, call)
      : await readWhenChanged(core, operation, input, principal, stillMatches, options, call);
  // Only on what the preference shaped: a refusal says nothing about it.
  if (wait.preferred) reply.header('preference-applied', `wait=${wait.seconds}`).header('vary', 'Prefer');
  if (isClosing(request.server)) reply.header('connection', 'close');
  return result;
}
