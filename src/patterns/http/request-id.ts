/**
 * Request ids: a client's own `x-request-id` is kept when it is short and plain (so it can sit in
 * a log line or a header as it is), anything else is replaced by a fresh UUID. Every HTTP answer
 * echoes it, log lines carry it (Fastify's `reqId`), and the events a request causes remember it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const requestIdHeader = 'x-request-id';

/** Letters, digits and `._:/+=@-` (UUIDs, ULIDs, base64, trace ids), at most 128 characters. */
const acceptable = /^[\w.:/+=@-]{1,128}$/;

/** The id of this request: the client's, when acceptable, else a new one. Fastify's `genReqId`. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers[requestIdHeader];
  return typeof given === 'string' && acceptable.test(given) ? given : randomUUID();
}

const upgradeIds = new WeakMap<IncomingMessage, string>();

/** A WebSocket upgrade's id (it never passes Fastify's routing): the same for every look at one request. */
export function upgradeRequestId(request: IncomingMessage): string {
  let id = upgradeIds.get(request);
  if (id === undefined) upgradeIds.set(request, (id = requestIdFor(request)));
  return id;
}
