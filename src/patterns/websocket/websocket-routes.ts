/**
 * The WebSocket at `/ws` (docs/protocols/websocket.md): authentication, the Origin check and the
 * per-principal connection limit happen at the upgrade, as plain HTTP refusals; then one
 * `SocketSession` per socket, pinged, closed when its key is revoked, and closed with 1001 and its
 * last sequence when the node shuts down.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import type { Config } from '../../config.ts';
import type { Core } from '../../core/core.ts';
import type { RpcEndpoint } from '../http/json-rpc.ts';
import { admitUpgrade, connectionCountOf, onUpgrade, startHeartbeat } from '../http/websocket-upgrade.ts';
import { requestIdHeader, requestIdOf } from '../http/request-id.ts';
import { closeCodes } from './close-codes.ts';
import { SocketSession } from './socket-session.ts';

export type WebSocketOptions = Pick<Config, 'wsHeartbeatMs' | 'wsMaxMessageBytes' | 'maxConnectionsPerPrincipal' | 'maxBufferedBytes' | 'wsAllowedOrigins'>;

/** How long a closing node waits for clients to answer its close frame before it drops their sockets. */
const shutdownGraceMs = 1000;

export function registerWebSocket(app: FastifyInstance, core: Core, options: WebSocketOptions, rpc: RpcEndpoint): void {
  // perMessageDeflate stays off (the ws default): compression state per socket costs memory that a
  // frame limit alone does not bound. The sessions are tracked here, so ws need not keep its own set.
  const server = new WebSocketServer({ noServer: true, maxPayload: options.wsMaxMessageBytes, clientTracking: false });
  const sessions = new Set<SocketSession>();
  // The 101 answer names the upgrade's request id, as every HTTP answer does.
  server.on('headers', (headers, request) => headers.push(`${requestIdHeader}: ${requestIdOf(request)}`));
  core.metrics.reportOpen('connections', 'websocket', () => sessions.size);
  core.metrics.reportOpen('subscriptions', 'websocket', () => {
    let total = 0;
    for (const session of sessions) total += session.subscriptionCount();
    return total;
  });
  const connections = connectionCountOf(app, options.maxConnectionsPerPrincipal);
  const logError = (error: unknown, where: string) => app.log.error({ err: error }, where);
  let closing = false;

  async function accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const admitted = await admitUpgrade(core, connections, request, socket, { allowedOrigins: options.wsAllowedOrigins, isClosing: () => closing, logError });
    if (!admitted) return;
    const { principal, key } = admitted;
    // The raw socket closes whatever happens next (a handshake ws refuses included): the count is given back once.
    socket.once('close', () => connections.release(key));
    server.handleUpgrade(request, socket, head, (ws) => {
      const session = new SocketSession(ws, principal, { core, rpc, maxBufferedBytes: options.maxBufferedBytes, address: request.socket.remoteAddress, requestId: requestIdOf(request), logError });
      sessions.add(session);
      void session.closed.then(() => sessions.delete(session));
      if (closing) session.close(closeCodes.goingAway);
    });
  }

  onUpgrade(app, '/ws', (request, socket, head) => void accept(request, socket, head));

  const stopHeartbeat = startHeartbeat(function* () {
    for (const session of sessions) yield session.socket;
  }, options.wsHeartbeatMs);

  const stopRevocations = core.onRevoke((principalId) => {
    for (const session of sessions) if (session.principal.id === principalId) session.close(closeCodes.revoked);
  });

  // After the composition root's preClose hook stopped the feed: every socket hears 1001 with its
  // last sequence, and one that does not answer in time is dropped, so `close()` never hangs on it.
  app.addHook('preClose', async () => {
    closing = true;
    stopHeartbeat();
    stopRevocations();
    const open = [...sessions];
    for (const session of open) session.close(closeCodes.goingAway);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, shutdownGraceMs)));
    await Promise.race([Promise.all(open.map((session) => session.closed)), grace]);
    clearTimeout(timer);
    for (const session of sessions) session.socket.terminate();
    server.close();
  });
}
