/**
 * What every WebSocket path shares: one `upgrade` listener routing by path, refusals written as
 * plain HTTP answers before the upgrade (401, 403, 503 …), the Origin allow-list, a per-principal
 * connection count, and ping/pong heartbeats that close peers which stopped answering.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { BistroError, type Core, type Principal } from '../../core/core.ts';
import { rawProblemResponse } from './problem.ts';
import { requestIdHeader, requestIdOf } from './request-id.ts';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

const routesByApp = new WeakMap<FastifyInstance, Map<string, UpgradeHandler>>();

/** Sends upgrades of `path` to `handler`; an upgrade of any other path is answered 404. */
export function onUpgrade(app: FastifyInstance, path: string, handler: UpgradeHandler): void {
  let routes = routesByApp.get(app);
  if (!routes) {
    const table = new Map<string, UpgradeHandler>();
    routes = table;
    routesByApp.set(app, table);
    app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const route = table.get(new URL(request.url ?? '/', 'http://bistro').pathname);
      if (route) route(request, socket, head);
      else refuseUpgrade(socket, new BistroError('not_found', `No WebSocket at ${request.url ?? '/'}.`));
    });
  }
  routes.set(path, handler);
}

/** Answers an upgrade request with a problem+json HTTP response and closes the socket: the upgrade never happens. */
export function refuseUpgrade(socket: Duplex, error: BistroError, headers: Record<string, string> = {}): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(rawProblemResponse(error, error.status === 401 ? { 'www-authenticate': 'Bearer realm="bistro"', ...headers } : headers));
}

/**
 * Browsers send `Origin`; other clients need not. With no allow-list only the page's own origin
 * (the same host as the request's `Host`) may open a socket, so another site cannot ride a
 * visitor's token in the URL.
 */
export function originAllowed(request: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowed.length > 0) return allowed.includes('*') || allowed.includes(origin);
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

type Authenticates = Pick<Core, 'authenticateHeader' | 'authenticateToken'>;

/**
 * Who is upgrading: the `Authorization` header (`Bearer …`), else the bare token of the `token`
 * query parameter (browsers cannot set headers on a WebSocket).
 */
export function authenticateUpgrade(core: Authenticates, request: IncomingMessage): Promise<Principal> {
  const header = request.headers.authorization;
  if (header !== undefined) return core.authenticateHeader(header);
  return core.authenticateToken(new URL(request.url ?? '/', 'http://bistro').searchParams.get('token') ?? undefined);
}

/** Whose connection it is for the count: the principal, or the address for anonymous callers, who all share one principal. */
export function connectionKey(principal: Principal, request: IncomingMessage): string {
  return principal.role === 'anonymous' ? `address:${request.socket.remoteAddress ?? 'unknown'}` : `principal:${principal.id}`;
}

/** Open connections per principal (or per address for anonymous ones), across every streaming path of the node: `/ws`, GraphQL subscriptions and SSE. */
export class ConnectionCount {
  readonly max: number;
  readonly #open = new Map<string, number>();

  constructor(max: number) {
    this.max = max;
  }

  /** False when `key` already holds the maximum; otherwise counts one more until `release`. */
  take(key: string): boolean {
    const open = this.#open.get(key) ?? 0;
    if (open >= this.max) return false;
    this.#open.set(key, open + 1);
    return true;
  }

  release(key: string): void {
    const open = (this.#open.get(key) ?? 1) - 1;
    if (open <= 0) this.#open.delete(key);
    else this.#open.set(key, open);
  }
}

export interface AdmitOptions {
  allowedOrigins: readonly string[];
  /** True once the node is shutting down: new sockets are refused 503 with Retry-After. */
  isClosing: () => boolean;
  logError: (error: unknown, where: string) => void;
}

/** Who was let in, and the key the connection is counted under until it is released. */
export interface Admission {
  principal: Principal;
  key: string;
}

/**
 * The checks every WebSocket path makes before it upgrades, in order: shutting down (503), Origin
 * (403), token (401), connections per principal (429). A refusal is answered on `socket` and
 * gives undefined; an admission has taken one place in `count`, which the caller releases.
 */
export async function admitUpgrade(core: Authenticates, count: ConnectionCount, request: IncomingMessage, socket: Duplex, options: AdmitOptions): Promise<Admission | undefined> {
  const refuse = (error: BistroError, headers?: Record<string, string>): undefined => void refuseUpgrade(socket, error, { ...headers, [requestIdHeader]: requestIdOf(request) });
  const refuseClosing = () => refuse(new BistroError('unavailable', 'The node is shutting down; connect again.'), { 'retry-after': '1' });
  if (options.isClosing()) return refuseClosing();
  if (!originAllowed(request, options.allowedOrigins)) {
    return refuse(new BistroError('forbidden', `Pages from ${request.headers.origin ?? 'that origin'} may not open a WebSocket here (BISTRO_WS_ORIGINS).`));
  }
  let principal: Principal;
  try {
    principal = await authenticateUpgrade(core, request);
  } catch (error) {
    if (!(error instanceof BistroError)) options.logError(error, 'authenticating a WebSocket upgrade');
    return refuse(error instanceof BistroError ? error : new BistroError('internal_error'));
  }
  // While the token was looked up the client may have left, or shutdown begun (and it would not see this socket).
  if (socket.destroyed) return undefined;
  if (options.isClosing()) return refuseClosing();
  const key = connectionKey(principal, request);
  if (!count.take(key)) {
    return refuse(new BistroError('rate_limited', `At most ${count.max} streams and sockets may be open per principal; close one first.`));
  }
  return { principal, key };
}

const connectionCounts = new WeakMap<FastifyInstance, ConnectionCount>();

/** The node's one count, shared by `/ws`, GraphQL subscriptions and SSE streams. */
export function connectionCountOf(app: FastifyInstance, max: number): ConnectionCount {
  let count = connectionCounts.get(app);
  if (!count) connectionCounts.set(app, (count = new ConnectionCount(max)));
  return count;
}

/**
 * Pings every socket each `intervalMs`; one that has not answered the previous ping is terminated
 * (a peer that vanished without a close frame). Returns how to stop the timer.
 */
export function startHeartbeat(sockets: () => Iterable<WebSocket>, intervalMs: number): () => void {
  const answered = new WeakSet<WebSocket>();
  const watched = new WeakSet<WebSocket>();
  const timer = setInterval(() => {
    for (const socket of sockets()) {
      if (!watched.has(socket)) {
        watched.add(socket);
        socket.on('pong', () => answered.add(socket));
      } else if (!answered.has(socket)) {
        socket.terminate();
        continue;
      }
      answered.delete(socket);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
