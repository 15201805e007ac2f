/** Starts a real Bistro node on an ephemeral port with its own SQLite file, and small HTTP helpers for tests. */
import { loadConfig, type Config } from '../../src/config.ts';
import { startNode, type BistroNode, type NodeOverrides } from '../../src/server.ts';
import { newPlace, testBackend } from './backends.ts';

export interface TestNode extends BistroNode {
  /** Where the node keeps its data: a SQLite file, or a PostgreSQL schema. */
  place: { file?: string | undefined; schema?: string | undefined };
  /** fetch against this node; `token` becomes a bearer header, a `json` body is sent as JSON. */
  request(path: string, options?: RequestOptions): Promise<TestResponse>;
  guest(table?: number, name?: string): Promise<{ id: string; token: string }>;
  staffKey(role: 'waiter' | 'kitchen' | 'admin'): Promise<string>;
}

export interface RequestOptions {
  method?: string;
  token?: string;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when there is none. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read whatever shape the route answers
}

/** A node on the backend of BISTRO_TEST_DB (SQLite unless it says postgres), in a place of its own. */
export async function startTestNode(env: Record<string, string> = {}, overrides: NodeOverrides = {}): Promise<TestNode> {
  const place = newPlace(testBackend());
  const config: Config = loadConfig([], {
    PORT: '0',
    ...place.env,
    BISTRO_ADMIN_TOKEN: 'test-admin-token',
    BISTRO_KITCHEN: 'manual',
    BISTRO_LOG_LEVEL: 'silent',
    // Tests drive one principal far harder than a client would, and a busy test machine lags any
    // event loop. Rate limits stay on, as outside tests (every call takes the counted path), with a
    // budget no test reaches; lag-based shedding is off. A test that means to hit either sets its own.
    BISTRO_RATE_LIMIT: '1000000000',
    BISTRO_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
  const node = await startNode(config, overrides);

  return {
    ...node,
    place: { file: place.file, schema: place.schema },
    ...clientOf(node.url, node.adminToken),
    async close() {
      await node.close();
      await place.remove();
    },
  };
}

/** What a test does with a node, by HTTP only: so a node in another process is driven the same way. */
export type NodeClient = Pick<TestNode, 'url' | 'adminToken' | 'request' | 'guest' | 'staffKey'>;

export function clientOf(url: string, adminToken: string): NodeClient {
  async function request(path: string, options: RequestOptions = {}): Promise<TestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(url + path, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }
  return {
    url,
    adminToken,
    request,
    async guest(table = 7, name = 'Ada') {
      const response = await request('/guests', { json: { table, name } });
      if (response.status !== 201) throw new Error(`guest registration failed: ${response.text}`);
      return { id: response.body.guest.id as string, token: response.body.token as string };
    },
    async staffKey(role) {
      const response = await request('/keys', { token: adminToken, json: { role, name: `${role} for tests` } });
      if (response.status !== 201) throw new Error(`key creation failed: ${response.text}`);
      return response.body.token as string;
    },
  };
}

/** Waits for a condition instead of sleeping for a guessed time. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const fishAndChipsNoSaltTwoFish = { menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } };
