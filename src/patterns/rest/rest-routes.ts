/**
 * REST: every catalogue operation with a REST binding becomes a route. The adapter only moves
 * HTTP into an operation input (path, query or body, and bound headers) and the output back out,
 * with ETags, conditional requests and Location.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TObject } from '@sinclair/typebox';
import { anonymous, type AnswerSlot, type AnyOperation, BistroError, type Core, type HttpMethod, invalid, type RestBinding } from '../../core/core.ts';
import { methodNotAllowed } from '../http/http-rules.ts';
import { sendProblem } from '../http/problem.ts';
import { takeCalls } from '../http/rate-limit-headers.ts';
import { anyTagMatches, etagFor, ifMatchTags } from './etag.ts';
import { holdRead, longPolled, requestedWait } from './long-poll.ts';

export function toFastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
}

/** Query strings are text: turn them into the types the operation's schema declares. */
function coerceQuery(schema: TObject, query: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    const type = (schema.properties[name] as { type?: string } | undefined)?.type;
    if (type === 'array') {
      result[name] = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => String(value).split(',')).filter((value) => value !== '');
    } else if (Array.isArray(raw)) {
      throw invalid(`/${name}`, 'give this parameter once');
    } else if ((type === 'integer' || type === 'number') && typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw)) {
      result[name] = Number(raw);
    } else if (type === 'boolean' && (raw === 'true' || raw === 'false')) {
      result[name] = raw === 'true';
    } else {
      result[name] = raw;
    }
  }
  return result;
}

/** If-Match as the change tags core checks, any of which may match; `*` (any current representation) and no header check nothing. */
function ifMatchTagsOf(rest: RestBinding, request: FastifyRequest): readonly number[] | undefined {
  if (rest.ifMatch === undefined) return undefined;
  const ifMatch = request.headers['if-match'];
  if (ifMatch === undefined && rest.ifMatch === 'required') throw new BistroError('precondition_required');
  if (ifMatch === undefined) return undefined;
  const tags = ifMatchTags(ifMatch);
  if (tags === 'any') return undefined;
  if (tags.length === 0) throw new BistroError('version_mismatch', 'If-Match names no current representation of this resource.');
  return tags;
}

function inputFrom(operation: AnyOperation, rest: RestBinding, request: FastifyRequest): Record<string, unknown> {
  const params = request.params as Record<string, string>;
  const fromHeaders: Record<string, unknown> = {};
  for (const [header, field] of Object.entries(rest.headers ?? {})) {
    const value = request.headers[header];
    if (typeof value === 'string') fromHeaders[field] = value;
  }

  let fromMessage: Record<string, unknown>;
  if (rest.method === 'GET') {
    const query = { ...(request.query as Record<string, unknown>) };
    // `wait` asks to hold the request (long-poll.ts); it is no field of the operation.
    if (longPolled[operation.name]) delete query['wait'];
    fromMessage = coerceQuery(operation.input as TObject, query);
  } else {
    const body: unknown = request.body === undefined ? {} : request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('', 'the body must be a JSON object');
    fromMessage = body as Record<string, unknown>;
  }
  if (rest.method === 'PUT') fromMessage = withoutEchoedFields(operation, params, fromMessage);
  // Path and header fields are not taken from the body: one place for each value.
  for (const field of [...Object.keys(params), ...Object.values(rest.headers ?? {}), ...(rest.ifMatch ? ['expectedVersion'] : [])]) {
    if (field in fromMessage) throw invalid(`/${field}`, 'is not a known field here (it travels in the path or a header)');
  }
  return { ...fromMessage, ...params, ...fromHeaders };
}

/**
 * A client may PUT back the representation it read or sent: a path field repeated in the body
 * with the same value, and the read-only fields the server answers with (in the output, not the
 * input: `version`, `updatedAt`), are dropped. A different id is still an error; unknown fields still are.
 */
function withoutEchoedFields(operation: AnyOperation, params: Record<string, string>, body: Record<string, unknown>): Record<string, unknown> {
  const inputFields = (operation.input as TObject).properties;
  const outputFields = (operation.output as Partial<TObject>).properties ?? {};
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (field in params) {
      if (value !== params[field]) throw invalid(`/${field}`, `must be the same as in the path ("${params[field]}"), or left out`);
    } else if (!(field in inputFields) && field in outputFields) {
      continue;
    } else {
      kept[field] = value;
    }
  }
  return kept;
}

/** A ready-made REST answer: the body bytes and their ETag. */
interface CachedAnswer {
  body: string;
  etag: string;
}

function sendJson(request: FastifyRequest, reply: FastifyReply, rest: RestBinding, { body, etag }: CachedAnswer) {
  reply.header('etag', etag);
  if (rest.method === 'GET' && anyTagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply
    .code(rest.status ?? 200)
    .header('content-type', 'application/json; charset=utf-8')
    .send(body);
}

type Slot = AnswerSlot<CachedAnswer>;

/**
 * Not async: a kept answer to an anonymous caller is sent before this returns. Nothing here
 * resolves with `reply` either: a Reply is a thenable, and a promise adopting it waits for the
 * response to finish through end-of-stream listeners added and removed on every request.
 */
function answer(core: Core, maxWaitSeconds: number, cache: Slot, operation: AnyOperation, rest: RestBinding, request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
  // With rate limits on, even a kept answer is counted, which takes the longer way.
  if (request.headers.authorization === undefined && core.rateLimit.policy === undefined && core.answers.isShared(operation.name)) {
    const cached = cache.get(request.url);
    if (cached) {
      sendJson(request, reply, rest, cached);
      return undefined;
    }
  }
  return answerFully(core, maxWaitSeconds, cache, operation, rest, request, reply);
}

async function answerFully(core: Core, maxWaitSeconds: number, cache: Slot, operation: AnyOperation, rest: RestBinding, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // Before any ready-made answer: a bad token is refused even for the menu.
  const authorization = request.headers.authorization;
  const principal = authorization === undefined ? anonymous : await core.authenticateHeader(authorization);
  await takeCalls(core, request, reply, principal);
  const shared = core.answers.isShared(operation.name);
  const readAt = core.answers.head();
  if (shared) {
    const cached = cache.get(request.url);
    if (cached) {
      sendJson(request, reply, rest, cached);
      return;
    }
  }
  const wait = longPolled[operation.name] ? requestedWait(request, maxWaitSeconds) : undefined;
  const input = inputFrom(operation, rest, request);
  const { output, replayed, tag } = wait
    ? await holdRead(core, operation, input, principal, wait, request, reply, (held) => anyTagMatches(request.headers['if-none-match'], etagFor(held, '')))
    : shared
      ? await core.answers.read(operation.name, input, principal, { via: 'rest', requestId: request.id })
      : await core.invoke(operation.name, input, principal, { ifMatch: ifMatchTagsOf(rest, request), via: 'rest', requestId: request.id });
  if (replayed) reply.header('idempotent-replayed', 'true');
  if (rest.status === 204) {
    reply.code(204).send();
    return;
  }

  const body = JSON.stringify(output);
  const etag = etagFor(tag, body);
  if (shared) cache.set(request.url, { body, etag }, readAt);
  if (rest.location) reply.header('location', (rest.location as (out: unknown) => string)(output));
  sendJson(request, reply, rest, { body, etag });
}

const methods: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface RestOptions {
  /** Longest a long poll is held (`Prefer: wait=N`, `?wait=N`). */
  maxWaitSeconds: number;
}

export function registerRestRoutes(app: FastifyInstance, core: Core, { maxWaitSeconds }: RestOptions): void {
  const allowed = new Map<string, HttpMethod[]>();
  // Keyed by URL, so a repeat read skips even turning the request into an input.
  const cache = core.answers.slot<CachedAnswer>();
  for (const operation of core.catalogue.list()) {
    const rest = operation.rest;
    if (!rest) continue;
    allowed.set(rest.path, [...(allowed.get(rest.path) ?? []), rest.method]);
    app.route({
      method: rest.method,
      url: toFastifyPath(rest.path),
      handler: (request, reply) => answer(core, maxWaitSeconds, cache, operation, rest, request, reply),
    });
  }
  // A known resource asked with a method it lacks is a 405 naming what it has (RFC 9110 §15.5.6), not a 404.
  for (const [path, has] of allowed) {
    const lacking = methods.filter((method) => !has.includes(method));
    if (lacking.length === 0) continue;
    const allow = [...has, ...(has.includes('GET') ? ['HEAD'] : [])];
    app.route({
      method: lacking,
      url: toFastifyPath(path),
      handler: (request, reply) =>
        sendProblem(reply, methodNotAllowed(reply, allow, `${request.method} is not allowed here; use ${allow.join(', ')}.`)),
    });
  }
}
