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
import { BistroError, type Core, type Principal } from '../../core/core.ts';
import type { RpcEndpoint } from '../http/json-rpc.ts';
import { connectionCountOf, onUpgrade, originAllowed, refuseUpgrade, startHeartbeat, upgradeToken } from '../http/websocket-upgrade.ts';
import { closeCodes } from './close-codes.ts';
import { SocketSession } from './socket-session.ts';

export type WebSocketOptions = Pick<Config, 'wsHeartbeatMs' | 'wsMaxMessageBytes' | 'wsMaxConnectionsPerPrincipal' | 'maxBufferedBytes' | 'wsAllowedOrigins'>;

/** How long a closing node waits for clients to answer its close frame before it drops their sockets. */
const shutdownGraceMs = 1000;

/** Anonymous callers share one principal, so they are counted per address instead. */
const connectionKey = (principal: Principal, request: IncomingMessage) =>
  principal.role === 'anonymous' ? `address:${request.socket.remoteAddress ?? 'unknown'}` : principal.id;

export function registerWebSocket(app: FastifyInstance, core: Core, options: WebSocketOptions, rpc: RpcEndpoint): void {
  // perMessageDeflate stays off (the ws default): compression state per socket costs memory that a
  // frame limit alone does not bound. The sessions are tracked here, so ws need not keep its own set.
  const server = new WebSocketServer({ noServer: true, maxPayload: options.wsMaxMessageBytes, clientTracking: false });
  const sessions = new Set<SocketSession>();
  const connections = connectionCountOf(app, options.wsMaxConnectionsPerPrincipal);
  const logError = (error: unknown, where: string) => app.log.error({ err: error }, where);
  let closing = false;

  async function accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (closing) return refuseUpgrade(socket, new BistroError('unavailable', 'The node is shutting down; connect again.'), { 'retry-after': '1' });
    if (!originAllowed(request, options.wsAllowedOrigins)) {
      return refuseUpgrade(socket, new BistroError('forbidden', `Pages from ${request.headers.origin ?? 'that origin'} may not open a WebSocket here (BISTRO_WS_ORIGINS).`));
    }
    let principal: Principal;
    try {
      principal = await core.authenticate(upgradeToken(request));
    } catch (error) {
      if (!(error instanceof BistroError)) logError(error, 'authenticating a WebSocket upgrade');
      return refuseUpgrade(socket, error instanceof BistroError ? error : new BistroError('internal_error'));
    }
    if (socket.destroyed) return;
    const key = connectionKey(principal, request);
    if (!connections.take(key)) {
      return refuseUpgrade(socket, new BistroError('rate_limited', `At most ${options.wsMaxConnectionsPerPrincipal} WebSockets may be open per principal; close one first.`));
    }
    // The raw socket closes whatever happens next (a handshake ws refuses included): the count is given back once.
    socket.once('close', () => connections.release(key));
    server.handleUpgrade(request, socket, head, (ws) => {
      const session = new SocketSession(ws, principal, { core, rpc, maxBufferedBytes: options.maxBufferedBytes, logError });
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
