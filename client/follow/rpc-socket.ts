/**
 * JSON-RPC 2.0 over `/ws` (docs/protocols/websocket.md): calls matched to answers by id, and the
 * server's notifications handed to one listener. The token goes as the `token` query parameter,
 * the one way a browser's WebSocket can carry it.
 */
import { BistroClientError, fromProblem, fromRpcError } from '../errors.ts';
import { webSocketBase, type Connection } from '../connection.ts';
import type { WebSocketLike } from '../types.ts';
import { closeError, upgradeError } from './socket-errors.ts';

export interface RpcSocket {
  /** Rejects with the call's BistroClientError, or a network_error when the socket closes first. */
  call(method: string, params: Record<string, unknown>): Promise<unknown>;
  /** Resolves with why the socket closed, as an error (a network_error for a plain drop). */
  readonly closed: Promise<BistroClientError>;
  close(): void;
}

export type NotificationListener = (method: string, params: unknown) => void;

function textOf(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return new TextDecoder().decode(data as ArrayBuffer);
  return String(data);
}

function socketUrl(connection: Connection): string {
  const query = connection.token === undefined ? '' : `?token=${encodeURIComponent(connection.token)}`;
  return `${webSocketBase(connection.url)}/ws${query}`;
}

/**
 * A browser tells nothing of why an upgrade failed, so a refused token would look like a network
 * failure and be retried for ever. A plain GET with the same token says whether it is refused
 * (401 even for the menu), which is then thrown at once as it is in Node.js.
 */
async function refusalOf(connection: Connection, failure: BistroClientError): Promise<BistroClientError> {
  if (failure.code !== 'network_error' || connection.token === undefined) return failure;
  try {
    const response = await connection.fetch(`${connection.url}/menu`, { headers: { accept: 'application/json', ...connection.authHeaders() } });
    if (response.status !== 401) return failure;
    return fromProblem(response.status, await response.json().catch(() => undefined), response.headers);
  } catch {
    return failure;
  }
}

interface Answer {
  id?: unknown;
  method?: unknown;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

/** Opens the socket; rejects as `upgradeError` says when it cannot, or quietly closes when `signal` aborts first. */
export async function openRpcSocket(connection: Connection, onNotification: NotificationListener, signal?: AbortSignal): Promise<RpcSocket> {
  if (!connection.WebSocket) throw new BistroClientError('network_error', 'no WebSocket: pass one to createClient (on Node.js 20, `ws`, as bistro/client/node does)', { status: 0 });
  const socket: WebSocketLike = new connection.WebSocket(socketUrl(connection));
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  let nextId = 1;
  let resolveClosed!: (error: BistroClientError) => void;
  const closed = new Promise<BistroClientError>((resolve) => (resolveClosed = resolve));
  let opened = false;
  let closedWith: BistroClientError | undefined;
  let failure: BistroClientError | undefined;

  socket.addEventListener('message', (event) => {
    let message: Answer;
    try {
      message = JSON.parse(textOf(event.data)) as Answer;
    } catch {
      return;
    }
    if (typeof message.method === 'string') {
      onNotification(message.method, message.params);
      return;
    }
    if (typeof message.id !== 'number') return;
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) call?.reject(fromRpcError(message.error));
    else call?.resolve(message.result);
  });
  socket.addEventListener('error', (event) => {
    if (!opened) failure ??= upgradeError(event);
  });
  socket.addEventListener('close', ({ code, reason }) => {
    const error = failure ?? closeError(code, reason);
    for (const call of pending.values()) call.reject(error);
    pending.clear();
    closedWith = error;
    resolveClosed(error);
  });
  const onAbort = () => socket.close(1000);
  signal?.addEventListener('abort', onAbort, { once: true });
  void closed.then(() => signal?.removeEventListener('abort', onAbort));

  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => {
      opened = true;
      resolve();
    });
    void closed.then(async (error) => reject(signal?.aborted ? error : await refusalOf(connection, error)));
  });

  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (closedWith) return reject(closedWith);
        pending.set(id, { resolve, reject });
        try {
          socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
        } catch (error) {
          pending.delete(id);
          reject(new BistroClientError('network_error', `the socket could not send: ${String(error)}`, { status: 0, cause: error }));
        }
      });
    },
    closed,
    close: () => socket.close(1000),
  };
}
