/**
 * Request ids: a client's own `x-request-id` is kept when it is short and plain (so it can sit in
 * a log line or a header as it is), anything else is replaced by a fresh UUID. Every HTTP answer
 * echoes it, log lines carry it (Fastify's `reqId`), and the events a request causes remember it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export const requestIdHeader = 'x-request-id';

/** Letters, digits and `._:/+=@-` (UUIDs, ULIDs, base64, trace ids), at most 128 characters. */
const acceptable = /^[\w.:/+=@-]{1,128}$/;

/** The id of this request: the client's, when acceptable, else a new one. Fastify's `genReqId`. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers[requestIdHeader];
  return typeof given === 'string' && acceptable.test(given) ? given : randomUUID();
}

const idOf = Symbol('bistro request id');
type Identified = IncomingMessage & { [idOf]?: string };

/** This request's id, made on the first look (Fastify's `genReqId`, an upgrade, the raw answer): the same for every look. */
export function requestIdOf(request: IncomingMessage): string {
  return ((request as Identified)[idOf] ??= requestIdFor(request));
}

/**
 * Every answer carries the id, set on the raw response before Fastify sees the request: errors,
 * 404s, refusals and hijacked replies that write their own head (an SSE stream) included. A raw
 * listener rather than an onRequest hook, which would cost each answer a hook run (bench rest.menu-item).
 */
export function echoRequestIds(server: Server): void {
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => response.setHeader(requestIdHeader, requestIdOf(request)));
}
