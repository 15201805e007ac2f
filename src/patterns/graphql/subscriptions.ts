/**
 * GraphQL over WebSocket at `/graphql`: the `graphql-transport-ws` protocol, spoken by the
 * graphql-ws library's server (docs/protocols/graphql-subscriptions.md). Here is only what the
 * protocol leaves to us: who connects (Origin, token, connections per principal), the same limits
 * as over HTTP, errors with catalogue codes, slow consumers, revocation and shutdown.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { BistroError, type Core, type Principal, tokenOfParameter } from '../../core/core.ts';
import { admitUpgrade, connectionCountOf, connectionKey, onUpgrade, startHeartbeat } from '../http/websocket-upgrade.ts';
import { requestIdHeader, requestIdOf } from '../http/request-id.ts';
import type { Executor } from './executor.ts';
import { formatErrors, type FormatOptions } from './format-errors.ts';
import { createContext } from './graphql-context.ts';
import type { LiveConnection, LiveContext } from './subscription-fields.ts';

export interface SubscriptionOptions {
  graphqlSuggestions: boolean;
  wsHeartbeatMs: number;
  wsMaxMessageBytes: number;
  maxConnectionsPerPrincipal: number;
  maxBufferedBytes: number;
  wsAllowedOrigins: string[];
}

/** Close codes beyond graphql-ws's own (4400, 4401, 4403, 4406, 4408, 4409, 4429, 4500): 4000 + the HTTP status where one fits. */
export const closeCodes = {
  /** The node is shutting down: reconnect (to another node) and resume with your cursor. */
  goingAway: 1001,
  /** A bad token in `connectionParams.authorization`, or the key was revoked while connected. */
  unauthorized: 4401,
  /** More open WebSockets than `BISTRO_MAX_CONNECTIONS_PER_PRINCIPAL` once the token named the principal. */
  tooManyConnections: 4429,
  /** The client stopped reading: more unsent than `BISTRO_MAX_BUFFERED_BYTES`. 4008 echoes 1008 (policy violation). */
  slowConsumer: 4008,
} as const;

/** How long a closing socket may take to answer the close frame before it is dropped (a slow consumer never reads it). */
const closeGraceMs = 1000;

/** Operations one connection may run at once: each subscription holds a follow of the feed. */
export const maxOperationsPerConnection = 100;

/** Roughly what one queued value (an event, an order) weighs, to turn the byte bound into a queue length. */
const assumedValueBytes = 1024;

interface Connection {
  id: string;
  socket: WebSocket;
  principal: Principal;
  /** Whom the connection is counted against: the principal, or the address while anonymous. */
  countKey: string;
  closing: boolean;
  /** The upgrade's request id, which every operation over the connection carries. */
  requestId: string;
  /** Operations running on the connection (graphql-ws keeps them), once it is acknowledged. */
  operations: () => number;
}


export function registerGraphqlSubscriptions(app: FastifyInstance, core: Core, schema: GraphQLSchema, executor: Executor, options: SubscriptionOptions): void {
  const server = new WebSocketServer({ noServer: true, maxPayload: options.wsMaxMessageBytes });
  const counts = connectionCountOf(app, options.maxConnectionsPerPrincipal);
  const connections = new Map<WebSocket, Connection>();
  const maxQueued = Math.max(16, Math.floor(options.maxBufferedBytes / assumedValueBytes));
  let shuttingDown = false;
  server.on('headers', (headers, request) => headers.push(`${requestIdHeader}: ${requestIdOf(request)}`));
  core.metrics.reportOpen('connections', 'graphql-ws', () => connections.size);
  core.metrics.reportOpen('subscriptions', 'graphql-ws', () => {
    let total = 0;
    for (const connection of connections.values()) total += connection.operations();
    return total;
  });
  /** `invoke` as the connection's principal, named as graphql-ws calls with the connection's request id. */
  const invokeFor = (connection: Connection): Core['invoke'] => (name, input, who, given) => core.invoke(name, input, who, { ...given, via: 'graphql-ws', requestId: connection.requestId });

  function close(connection: Connection, code: number, reason: string): void {
    if (connection.closing) return;
    connection.closing = true;
    connection.socket.close(code, reason);
    // A peer that does not answer the close frame (it stopped reading) must not hold its follows or the shutdown.
    setTimeout(() => connection.socket.terminate(), closeGraceMs).unref();
  }

  function format(connection: Connection | undefined): FormatOptions {
    return {
      suggestions: options.graphqlSuggestions,
      internal(error) {
        app.log.error({ err: error, connection: connection?.id }, 'graphql subscription failed');
        return `Something went wrong on our side (connection ${connection?.id ?? 'unknown'}).`;
      },
    };
  }

  function live(connection: Connection): LiveConnection {
    return {
      feed: core.feed,
      invoke: (operation, input) => invokeFor(connection)(operation, input, connection.principal),
      maxQueued,
      backedUp: () => connection.socket.bufferedAmount > options.maxBufferedBytes,
      overflow() {
        if (!connection.closing) app.log.warn({ connection: connection.id, role: connection.principal.role }, 'graphql subscription: slow consumer cut off');
        close(connection, closeCodes.slowConsumer, 'Slow consumer: resume from your last cursor');
      },
      closing: () => close(connection, closeCodes.goingAway, 'Server shutting down'),
    };
  }

  const connectionOf = (socket: WebSocket) => connections.get(socket);

  useServer<Record<string, unknown>>(
    {
      schema,
      async onConnect(ctx) {
        const connection = connectionOf(ctx.extra.socket);
        if (!connection) return false;
        connection.operations = () => Object.keys(ctx.subscriptions).length;
        const given = ctx.connectionParams?.['authorization'];
        if (given === undefined || given === null) return true;
        let principal: Principal;
        try {
          if (typeof given !== 'string') throw new BistroError('unauthorized');
          principal = await core.authenticateToken(tokenOfParameter(given));
        } catch {
          // Closed here rather than by returning false (4403): a bad token is 401 everywhere else.
          close(connection, closeCodes.unauthorized, 'Unauthorized');
          return false;
        }
        const countKey = connectionKey(principal, ctx.extra.request);
        if (countKey !== connection.countKey) {
          if (!counts.take(countKey)) {
            close(connection, closeCodes.tooManyConnections, 'Too many connections');
            return false;
          }
          counts.release(connection.countKey);
          connection.countKey = countKey;
        }
        connection.principal = principal;
        return true;
      },
      async onSubscribe(ctx, _id, payload) {
        const connection = connectionOf(ctx.extra.socket);
        // Every socket is registered before graphql-ws sees it; this only keeps the types honest.
        if (!connection) return [new GraphQLError('The connection is closing.', { extensions: { code: 'unavailable' } })];
        // graphql-ws has already registered this operation, so it counts itself.
        if (Object.keys(ctx.subscriptions).length > maxOperationsPerConnection) {
          return [new GraphQLError(`At most ${maxOperationsPerConnection} operations may run at once on one connection.`, { extensions: { code: 'rate_limited' } })];
        }
        // Each operation started here is a call like one over HTTP (a query or mutation can travel here too).
        try {
          await core.rateLimit.take(connection.principal, ctx.extra.request.socket.remoteAddress, 1);
        } catch (error) {
          if (!(error instanceof BistroError)) throw error;
          return [new GraphQLError(error.message, { extensions: { ...error.details, code: error.code } })];
        }
        const preparation = executor.prepare(payload.query, payload.operationName ?? undefined);
        if (!preparation.ok) return preparation.errors;
        const variables = payload.variables ?? undefined;
        const tooCostly = executor.tooCostly(preparation.prepared, variables);
        if (tooCostly) return [tooCostly];
        const contextValue: LiveContext = Object.assign(createContext(invokeFor(connection), connection.principal), { live: live(connection) });
        return { schema, document: preparation.prepared.document, operationName: payload.operationName ?? undefined, variableValues: variables, contextValue };
      },
      onNext(ctx, _id, _payload, _args, result: ExecutionResult) {
        if (!result.errors) return undefined;
        const ran = 'data' in result;
        return { ...(ran ? { data: result.data } : {}), errors: formatErrors(result.errors, !ran, format(connectionOf(ctx.extra.socket))) };
      },
      onError: (ctx, _id, _payload, errors) => formatErrors(errors, true, format(connectionOf(ctx.extra.socket))),
      // Never put an internal error's message in a close reason, whatever NODE_ENV says.
      isProd: true,
    },
    server,
    // Our own heartbeat below, shared with /ws, replaces the library's.
    0,
  );

  onUpgrade(app, '/graphql', (request, socket, head) => {
    void (async () => {
      const admitted = await admitUpgrade(core, counts, request, socket, { allowedOrigins: options.wsAllowedOrigins, isClosing: () => shuttingDown, logError: (error, where) => app.log.error({ err: error }, where) });
      if (!admitted) return;
      const { principal, key: countKey } = admitted;
      let upgraded = false;
      // ws answers a broken handshake itself and never calls back: the slot is given back here then.
      socket.once('close', () => upgraded || counts.release(countKey));
      server.handleUpgrade(request, socket, head, (ws) => {
        upgraded = true;
        const connection: Connection = { id: randomUUID(), socket: ws, principal, countKey, closing: false, requestId: requestIdOf(request), operations: () => 0 };
        connections.set(ws, connection);
        ws.once('close', () => {
          connections.delete(ws);
          counts.release(connection.countKey);
        });
        server.emit('connection', ws, request);
      });
    })().catch((error: unknown) => {
      app.log.error({ err: error }, 'graphql websocket upgrade failed');
      socket.destroy();
    });
  });

  const stopHeartbeat = startHeartbeat(() => server.clients, options.wsHeartbeatMs);
  const stopRevoking = core.onRevoke((principalId) => {
    for (const connection of connections.values()) if (connection.principal.id === principalId) close(connection, closeCodes.unauthorized, 'Key revoked');
  });

  // After the composition root's preClose stopped the feed (subscriptions already closed their sockets): the idle ones go too.
  app.addHook('preClose', async () => {
    shuttingDown = true;
    stopHeartbeat();
    stopRevoking();
    const open = [...connections.values()];
    const closed = open.map((connection) => new Promise((resolve) => (connection.socket.readyState === connection.socket.CLOSED ? resolve(undefined) : connection.socket.once('close', resolve))));
    for (const connection of open) close(connection, closeCodes.goingAway, 'Server shutting down');
    await Promise.all(closed);
    server.close();
  });
}
