/**
 * `bistro/client`: one typed client for every pattern. Request-response goes through REST,
 * JSON-RPC or GraphQL with the same call (`via`); the types are generated from the catalogue
 * (client/generated/catalogue.ts), so a call the server would not understand does not compile.
 *
 *   const client = createClient({ url: 'http://localhost:3000', token });
 *   const order = await client.orders.place({ items: [...] }, { via: 'graphql', idempotencyKey });
 */
import type { Connection } from './connection.ts';
import { BistroClientError } from './errors.ts';
import { operationTable, type InputOf, type OperationName, type OutputOf } from './generated/catalogue.ts';
import { callGraphql } from './request/graphql.ts';
import { callRest } from './request/rest.ts';
import { callRpc } from './request/rpc.ts';
import type { CallOptions, ClientOptions, CloudEvent, FollowOptions, RequestVia } from './types.ts';
import { follow } from './follow/index.ts';
import { watchOrder, type WatchOrderOptions } from './watch-order.ts';
import { openChat, type Chat, type ChatOptions } from './chat.ts';
import type { Order } from './generated/catalogue.ts';

export { BistroClientError, type ClientErrorCode, type FieldError } from './errors.ts';
export { verifyWebhook, WebhookVerificationError, type HeaderBag, type VerifyOptions } from './verify-webhook.ts';
export type { Chat, ChatOptions } from './chat.ts';
export type { WatchOrderOptions } from './watch-order.ts';
export type { ErrorCode, InputOf, OperationName, Operations, OutputOf } from './generated/catalogue.ts';
export type * from './generated/catalogue.ts';
export type { CallOptions, ClientOptions, CloudEvent, FollowOptions, PushVia, RequestVia, RetryOptions, WebSocketConstructor, WebSocketLike } from './types.ts';

type NamespaceOf<N> = N extends `${infer Namespace}.${string}` ? Namespace : never;

/** Inputs with no required field may be left out: `client.menu.list()`. */
type Call<N extends OperationName> = Partial<InputOf<N>> extends InputOf<N>
  ? (input?: InputOf<N>, options?: CallOptions) => Promise<OutputOf<N>>
  : (input: InputOf<N>, options?: CallOptions) => Promise<OutputOf<N>>;

/** `client.orders.place`, `client.menu.list`, …: one method per catalogue operation. */
export type Namespaces = {
  [Namespace in NamespaceOf<OperationName>]: { [N in OperationName as N extends `${Namespace}.${infer Method}` ? Method : never]: Call<N> };
};

export type BistroClient = Namespaces & {
  /** Any operation by its catalogue name. */
  call<N extends OperationName>(name: N, input?: InputOf<N>, options?: CallOptions): Promise<OutputOf<N>>;
  /** The same client acting as someone else (or anonymous, with undefined). */
  withToken(token: string | undefined): BistroClient;
  readonly connection: Connection;
  /** Events through a push pattern (`via`, default sse), resumed after a dropped connection with no gap and no repeat. */
  follow(options?: FollowOptions): AsyncIterableIterator<CloudEvent>;
  /** The order each time it changes (a newer version). */
  watchOrder(id: string, options?: WatchOrderOptions): AsyncIterableIterator<Order>;
  /** Send and receive an order's messages over the WebSocket; resolves once it listens. */
  chat(orderId: string, options?: ChatOptions): Promise<Chat>;
};

const transports: Record<RequestVia, (connection: Connection, name: OperationName, input: Record<string, unknown>, signal: AbortSignal | undefined) => Promise<unknown>> = {
  rest: callRest,
  rpc: callRpc,
  graphql: callGraphql,
};

export function createClient(options: ClientOptions): BistroClient {
  const url = options.url.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  // Browsers and Node.js 22+ have one; on Node.js 20 `bistro/client/node` passes `ws`'s.
  const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: ClientOptions['WebSocket'] }).WebSocket;
  const defaultVia = options.via ?? 'rest';

  async function call(name: OperationName, input: Record<string, unknown> = {}, callOptions: CallOptions = {}): Promise<unknown> {
    const via = callOptions.via ?? defaultVia;
    const transport = transports[via];
    if (!(name in operationTable)) throw new BistroClientError('not_found', `no operation "${name}" in the catalogue`);
    if (transport === undefined) throw new BistroClientError('validation_failed', `via must be rest, rpc or graphql, not "${String(via)}"`);
    const withKey = callOptions.idempotencyKey === undefined ? input : { ...input, idempotencyKey: callOptions.idempotencyKey };
    return transport(connection, name, withKey, callOptions.signal);
  }

  const connection: Connection = {
    url,
    token: options.token,
    fetch: fetchImpl,
    WebSocket: WebSocketImpl,
    authHeaders: (): Record<string, string> => (options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    call: (name, input, callOptions) => call(name as OperationName, input, callOptions),
  };

  const namespaces: Record<string, Record<string, unknown>> = {};
  for (const name of Object.keys(operationTable) as OperationName[]) {
    const [namespace = '', method = ''] = name.split('.');
    (namespaces[namespace] ??= {})[method] = (input?: Record<string, unknown>, callOptions?: CallOptions) => call(name, input, callOptions);
  }

  return {
    ...(namespaces as Namespaces),
    call: call as BistroClient['call'],
    withToken: (token) => createClient({ ...options, token }),
    connection,
    follow: (followOptions) => follow(connection, followOptions),
    watchOrder: (id, watchOptions) => watchOrder(connection, id, watchOptions),
    chat: (orderId, chatOptions) => openChat(connection, orderId, chatOptions),
  };
}
