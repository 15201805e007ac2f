/**
 * SSE (DESIGN.md §6): GET /events/stream?after=&types= follows the feed as text/event-stream. The
 * token comes in the Authorization header or the `token` query parameter (an EventSource cannot
 * set headers); a reconnecting EventSource's Last-Event-ID wins over `after`. Anything refused is
 * refused as problem+json before the stream starts; once it has started it can only end, and the
 * client resumes from its last event.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BistroError, type Core, type EventType, invalid, startCursor, type Principal } from '../../core/core.ts';
import { sendProblem } from '../http/problem.ts';
import { connectionCountOf, connectionKey } from '../http/websocket-upgrade.ts';
import { EventStream } from './event-stream.ts';
import { pumpFeed } from './feed-pump.ts';

export interface SseOptions {
  /** How often every open stream gets a comment line. */
  sseHeartbeatMs: number;
  /** Streams, sockets and subscriptions one principal may hold open together (anonymous: per address). */
  maxConnectionsPerPrincipal: number;
  /** Unsent bytes a stream may hold; past them it takes no more events until the client has read them, within one heartbeat interval or it is dropped. */
  maxBufferedBytes: number;
}

export const streamPath = '/events/stream';

/** How long an EventSource waits before it reconnects after the stream ends. */
const retryMs = 2000;

const parameters = ['after', 'types', 'token'];

/**
 * Who is asking: the Authorization header (`Bearer …`), else the bare token of `?token=` (an
 * EventSource cannot set headers; never logged: see the request serializer in http-app.ts).
 */
function authenticateStream(core: Core, request: FastifyRequest): Promise<Principal> {
  if (request.headers.authorization !== undefined) return core.authenticateHeader(request.headers.authorization);
  const token = (request.query as Record<string, unknown>)['token'];
  if (token !== undefined && typeof token !== 'string') throw invalid('/token', 'give the token once');
  return core.authenticateToken(token);
}

interface StreamRequest {
  after: number;
  types: EventType[] | undefined;
}

/** The cursor and types, checked by the same schema as GET /events, so both refuse the same input. */
function streamRequest(validate: (input: unknown) => void, request: FastifyRequest, head: () => number): StreamRequest {
  const query = request.query as Record<string, unknown>;
  for (const name of Object.keys(query)) {
    if (!parameters.includes(name)) throw invalid(`/${name}`, `is not a parameter of the stream (${parameters.join(', ')})`);
  }
  const lastEventId = request.headers['last-event-id'];
  const resuming = typeof lastEventId === 'string' && lastEventId !== '';
  const input: Record<string, unknown> = {};
  const after = resuming ? lastEventId : query['after'];
  if (after !== undefined) input['after'] = after;
  if (query['types'] !== undefined) input['types'] = [query['types']].flat().flatMap((value) => (typeof value === 'string' ? value.split(',') : [])).filter((value) => value !== '');
  validate(input);
  return { after: startCursor(input['after'] as string | undefined, head, resuming ? '/Last-Event-ID' : '/after'), types: input['types'] as EventType[] | undefined };
}

/** A problem answer before the stream starts; `instance` is the path alone, so a token in the URL is not echoed. */
function refuse(reply: FastifyReply, error: unknown): void {
  if (!(error instanceof BistroError)) throw error;
  void sendProblem(reply, error, streamPath);
}

export function registerSse(app: FastifyInstance, core: Core, { sseHeartbeatMs, maxBufferedBytes, maxConnectionsPerPrincipal }: SseOptions): void {
  const validate = core.catalogue.get('events.list')?.validate;
  if (!validate) throw new Error('SSE reads events as events.list does, and the catalogue has no events.list');
  const streams = new Map<EventStream, Principal>();
  const connections = connectionCountOf(app, maxConnectionsPerPrincipal);
  core.metrics.reportOpen('connections', 'sse', () => streams.size);

  // One timer for every stream, not one each.
  const heartbeat = setInterval(() => {
    for (const stream of streams.keys()) stream.heartbeat();
  }, sseHeartbeatMs);
  heartbeat.unref();
  const stopRevoking = core.onRevoke((principalId) => {
    for (const [stream, principal] of streams) if (principal.id === principalId) stream.end();
  });
  // Streams follow the feed, which ends them as the core stops; this also ends those catching up from the log.
  app.addHook('preClose', (done) => {
    clearInterval(heartbeat);
    stopRevoking();
    for (const stream of streams.keys()) stream.end();
    done();
  });

  // No HEAD twin: a HEAD answer has no body, so a stream there would be held open with nothing to say.
  app.get(streamPath, { exposeHeadRoute: false }, async (request, reply) => {
    let principal: Principal;
    let wanted: StreamRequest;
    try {
      principal = await authenticateStream(core, request);
      wanted = streamRequest(validate, request, () => core.feed.head());
    } catch (error) {
      return refuse(reply, error);
    }
    const key = connectionKey(principal, request.raw);
    if (!connections.take(key)) {
      return refuse(reply, new BistroError('rate_limited', `At most ${maxConnectionsPerPrincipal} streams and sockets may be open per principal; close one first.`));
    }
    reply.raw.once('close', () => connections.release(key));
    const stream = new EventStream(reply.raw, maxBufferedBytes);
    // Started once the first read succeeded: a cursor the feed refuses is refused before any byte is sent.
    const begin = () => {
      if (stream.started) return;
      reply.hijack();
      stream.start(retryMs);
      streams.set(stream, principal);
      stream.onClose(() => streams.delete(stream));
    };
    try {
      await pumpFeed(core, stream, { principal, types: wanted.types }, wanted.after, { begin, drainTimeoutMs: sseHeartbeatMs });
    } catch (error) {
      if (!stream.started) return refuse(reply, error);
      if (!(error instanceof BistroError)) request.log.error({ err: error }, 'SSE stream');
      stream.end();
    }
  });
}
