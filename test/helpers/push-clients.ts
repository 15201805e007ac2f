/**
 * Real third-party clients for the push patterns, shaped for tests that read the same log
 * several ways: a plain `ws` JSON-RPC client for `/ws`, the `eventsource` package for SSE, the
 * `graphql-ws` client for subscriptions, and long polling with fetch.
 */
import assert from 'node:assert/strict';
import { EventSource } from 'eventsource';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestNode } from './node.ts';

export interface PushedEvent {
  sequence: string;
  type: string;
  subject: string;
  data: unknown;
}

/** Collects pushed events until `done` says enough (or the time runs out, which fails the test). */
function collector(done: (events: PushedEvent[]) => boolean, timeoutMs: number, what: string) {
  const events: PushedEvent[] = [];
  let settle!: () => void;
  let fail!: (error: Error) => void;
  const finished = new Promise<PushedEvent[]>((resolve, reject) => {
    settle = () => resolve(events);
    fail = reject;
  });
  const timer = setTimeout(() => fail(new Error(`${what}: only ${events.length} events within ${timeoutMs} ms`)), timeoutMs);
  return {
    finished: finished.finally(() => clearTimeout(timer)),
    push(event: PushedEvent) {
      events.push(event);
      if (done(events)) settle();
    },
    fail,
  };
}

export interface RpcSocket {
  call(method: string, params?: unknown): Promise<unknown>;
  /** Every notification of this method, as it arrives. */
  notifications(method: string): unknown[];
  /** Resolves once `done` holds for the notifications of `method`. */
  until(method: string, done: (params: unknown[]) => boolean, timeoutMs?: number): Promise<unknown[]>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** A `/ws` JSON-RPC client; `token` travels as the `token` query parameter, as from a browser. */
export async function openRpcSocket(node: Pick<TestNode, 'url'>, token?: string): Promise<RpcSocket> {
  const url = `${node.url.replace('http', 'ws')}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const socket = new WebSocket(url);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const received = new Map<string, unknown[]>();
  const waiters = new Set<() => void>();
  let nextId = 1;
  socket.on('message', (data) => {
    const message = JSON.parse((data as Buffer).toString()) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string; data?: unknown } };
    if (message.method !== undefined) {
      const list = received.get(message.method) ?? [];
      list.push(message.params);
      received.set(message.method, list);
      for (const wake of waiters) wake();
    } else if (typeof message.id === 'number') {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) call?.reject(Object.assign(new Error(message.error.message), { rpc: message.error }));
      else call?.resolve(message.result);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    call(method, params) {
      const id = nextId++;
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    notifications: (method) => received.get(method) ?? [],
    until(method, done, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const list = received.get(method) ?? [];
          if (!done(list)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(list);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`/ws: ${method} notifications did not arrive within ${timeoutMs} ms (${(received.get(method) ?? []).length} so far)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    closed,
    close: () => socket.close(),
  };
}

/** Events from `GET /events/stream` with the `eventsource` package, starting after `lastEventId` (sent as `Last-Event-ID`); `query` adds parameters (`after=now`). */
export async function sseEvents(node: Pick<TestNode, 'url'>, token: string | undefined, lastEventId: string, done: (events: PushedEvent[]) => boolean, timeoutMs = 10_000, query = ''): Promise<PushedEvent[]> {
  const collect = collector(done, timeoutMs, 'SSE');
  const parameters = [...(token ? [`token=${encodeURIComponent(token)}`] : []), ...(query ? [query] : [])];
  const source = new EventSource(`${node.url}/events/stream${parameters.length > 0 ? `?${parameters.join('&')}` : ''}`, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, 'last-event-id': lastEventId } }),
  });
  source.onmessage = (message) => collect.push(JSON.parse(message.data) as PushedEvent);
  source.onerror = (error) => collect.fail(new Error(`SSE error: ${error.message ?? 'connection failed'}`));
  try {
    return await collect.finished;
  } finally {
    source.close();
  }
}

/** A GraphQL subscription through the `graphql-ws` client; each `next` payload's data is handed to `pick`. */
export async function graphqlEvents(
  node: Pick<TestNode, 'url'>,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown>,
  done: (events: PushedEvent[]) => boolean,
  timeoutMs = 10_000,
): Promise<PushedEvent[]> {
  const client = createClient({
    url: `${node.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
  const collect = collector(done, timeoutMs, 'GraphQL subscription');
  const stop = client.subscribe<{ events: PushedEvent }>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) collect.fail(new Error(JSON.stringify(result.errors)));
        else if (result.data) collect.push(result.data.events);
      },
      error: (error) => collect.fail(error instanceof Error ? error : new Error(JSON.stringify(error))),
      complete: () => {},
    },
  );
  try {
    return await collect.finished;
  } finally {
    stop();
    await client.dispose();
  }
}

/** Long polls `GET /events` from `after` until `done` holds; each request waits at most `wait` seconds. */
export async function longPollEvents(node: Pick<TestNode, 'request'>, token: string | undefined, after: string, done: (events: PushedEvent[]) => boolean, { wait = 5, limit = 100 } = {}): Promise<PushedEvent[]> {
  const events: PushedEvent[] = [];
  let cursor = after;
  for (let round = 0; !done(events); round++) {
    assert.ok(round < 200, `long polling made no progress after ${round} requests`);
    const response = await node.request(`/events?after=${cursor}&limit=${limit}`, { ...(token ? { token } : {}), headers: { prefer: `wait=${wait}` } });
    assert.equal(response.status, 200, `long poll: ${response.text}`);
    events.push(...(response.body.items as PushedEvent[]));
    cursor = response.body.nextCursor as string;
  }
  return events;
}
