/**
 * A Connection built by hand for the push half's tests, until createClient (client/index.ts) is
 * in: the real fetch, `ws`'s WebSocket, and `call` as a plain REST request by operation path.
 */
import WebSocket from 'ws';
import type { Connection } from '../../client/connection.ts';
import { fromProblem } from '../../client/errors.ts';
import type { WebSocketConstructor } from '../../client/types.ts';

/** The REST routes the tests call through `connection.call`. */
const routes: Record<string, (input: Record<string, unknown>) => { method: string; path: string; body?: unknown }> = {
  'orders.get': ({ id }) => ({ method: 'GET', path: `/orders/${String(id)}` }),
  'messages.send': ({ orderId, ...body }) => ({ method: 'POST', path: `/orders/${String(orderId)}/messages`, body }),
};

export function handConnection(url: string, token?: string): Connection {
  const authHeaders = (): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });
  return {
    url,
    token,
    fetch: globalThis.fetch,
    // ws's class has the browser WebSocket's shape (addEventListener, readyState, send, close) and more.
    WebSocket: WebSocket satisfies WebSocketConstructor,
    authHeaders,
    async call(name, input) {
      const route = routes[name];
      if (!route) throw new Error(`hand-built connection: no route for ${name}`);
      const { method, path, body } = route(input);
      const response = await fetch(url + path, { method, headers: { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      const parsed: unknown = text === '' ? undefined : JSON.parse(text);
      if (!response.ok) throw fromProblem(response.status, parsed, response.headers);
      return parsed;
    },
  };
}
