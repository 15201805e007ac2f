/**
 * What the Bistro client promises, shared by its request-response and push halves. Nothing here
 * may import Node.js: the client runs in browsers too (test/client/browser-bundle.test.ts).
 */

/** The three request-response patterns: every catalogue operation goes through each. */
export type RequestVia = 'rest' | 'rpc' | 'graphql';

/** The push patterns `follow` speaks. */
export type PushVia = 'poll' | 'long-poll' | 'sse' | 'ws' | 'graphql-ws';

/** The WebSocket a browser has (and Node.js 22+); on Node.js 20 pass the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface ClientOptions {
  /** The node's base URL, e.g. `http://localhost:3000`. */
  url: string;
  /** A guest token or staff key, sent as `Authorization: Bearer …` (on WebSockets as the protocol allows). */
  token?: string | undefined;
  /** The pattern calls go through unless a call says otherwise. @default 'rest' */
  via?: RequestVia;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default globalThis.WebSocket (Node.js 20 has none: pass `ws`'s, as `bistro/client/node` does) */
  WebSocket?: WebSocketConstructor;
}

export interface CallOptions {
  via?: RequestVia;
  /** Sent as `Idempotency-Key` (REST) or the input's `idempotencyKey` field, for operations that take one. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** CloudEvents 1.0 JSON with Bistro's `sequence` extension (DESIGN.md §4). */
export interface CloudEvent<Data = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  /** The event's place in the log: the cursor to resume after. */
  sequence: string;
  datacontenttype?: string;
  data: Data;
}

/** How a dropped connection is retried: exponential backoff with full jitter. */
export interface RetryOptions {
  /** @default 250 */
  initialDelayMs?: number;
  /** @default 10_000 */
  maxDelayMs?: number;
  /** Consecutive failed attempts before the iterator throws the last error. @default Infinity */
  maxAttempts?: number;
}

export interface FollowOptions {
  /** The cursor to start after: `"0"` is the start of the log. @default the log's current end */
  after?: string;
  /** Only these event types. @default all the caller may see */
  types?: readonly string[];
  /** @default 'sse' */
  via?: PushVia;
  /** Ends the iteration (it returns, it does not throw). */
  signal?: AbortSignal;
  /** Short polling's interval. @default 1000 */
  intervalMs?: number;
  /** Long polling's wait per request, in seconds (≤ 60). @default 30 */
  waitSeconds?: number;
  retry?: RetryOptions;
  /** Told of each reconnection, before its delay. */
  onReconnect?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}
