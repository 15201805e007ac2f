/**
 * What one TCP connection may cost the node: how long its request may take to arrive, how long
 * it may idle, and how many connections are open at once, overall and from one client address.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import { BistroError } from '../../core/core.ts';
import { endWith } from './client-errors.ts';
import { rawProblemResponse } from './problem.ts';

export interface TransportLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

/**
 * How often Node looks for requests past their timeouts. Its default (30 s) would let a
 * connection outlive the headers timeout by up to 30 s; the check walks only connections with a
 * request still arriving, so once a second is cheap.
 */
const timeoutCheckMs = 1000;

/** The Fastify options that carry the timeouts to Node's HTTP server. */
export function timeoutOptions(limits: TransportLimits) {
  return {
    // Node counts it only until the request has arrived whole: a long poll, an SSE stream or a
    // WebSocket held afterwards is not cut. Fastify sets it on the server after creating it.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: { requestTimeout: limits.requestTimeoutMs, headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: timeoutCheckMs },
  };
}

/** How long a refused client is told to wait: connections free up as requests end, not at once. */
const retryAfterSeconds = 5;

/**
 * Admits a new connection to the HTTP server only under both caps. One past a cap is answered
 * `503 overloaded` with `Retry-After` and closed, before any byte of it is parsed. Node's own
 * `server.maxConnections` would close it without a word: the client could not tell a busy node
 * from a broken one, nor when to come back. Returns how many admitted connections are open now.
 */
export function capConnections(server: Server, { maxConnections, maxConnectionsPerAddress }: TransportLimits): () => number {
  const perAddress = new Map<string, number>();
  let open = 0;
  // Node's HTTP server attaches its parser in its own `connection` listener: run it only for admitted sockets.
  const serve = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = addressKey(socket.remoteAddress ?? '');
    const fromAddress = perAddress.get(address) ?? 0;
    if (open >= maxConnections) return refuse(socket, `The node holds its limit of ${maxConnections} connections.`);
    if (fromAddress >= maxConnectionsPerAddress) return refuse(socket, `Your address holds its limit of ${maxConnectionsPerAddress} open connections; close one or retry later.`);
    open++;
    perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      open--;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left === 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
    for (const listener of serve) listener.call(server, socket);
  });
  return () => open;
}

function refuse(socket: Socket, detail: string): void {
  endWith(socket, rawProblemResponse(new BistroError('overloaded', detail), { 'retry-after': String(retryAfterSeconds) }));
}

/**
 * Whom a connection counts against: an IPv4 address, or an IPv6 /64, the block one subscriber is
 * usually given (counting single IPv6 addresses would let one client open the cap per address).
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  return parsed.kind() === 'ipv4' ? parsed.toString() : `${(parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}
