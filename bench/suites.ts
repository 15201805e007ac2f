/**
 * The benchmarks `npm run bench` runs, one entry each. To add one (an RPC call, a GraphQL query),
 * append a `Benchmark`: the HTTP requests its connections send in turn, and what it must reach.
 */

export type BenchMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One HTTP request. `[<id>]` in a header value or the body becomes a fresh id on every send. */
export interface BenchRequest {
  method: BenchMethod;
  path: string;
  headers?: Record<string, string>;
  /** Sent as is; an object is sent as JSON with `content-type: application/json`. */
  body?: string | object;
}

/** What the harness has ready before a benchmark's requests are built. */
export interface BenchSetup {
  /** A fresh guest's bearer token (table 7). */
  guestToken: string;
  adminToken: string;
}

/**
 * `ratio`: subject req/s ÷ baseline req/s (medians of the same run) must reach `min`.
 * `throughput`: subject req/s must reach `min` on its own.
 */
export type Goal = { kind: 'ratio'; min: number } | { kind: 'throughput'; min: number };

/** A baseline that is another request served by the same Bistro node, measured interleaved with the subject. */
export interface SameNodeBaseline {
  label: string;
  requests(setup: BenchSetup): BenchRequest[];
}

export interface Benchmark {
  /** Stable key in the results JSON and for BENCH_ONLY. */
  name: string;
  /** What a reader sees in the table. */
  title: string;
  /**
   * `mirror`: a bare node:http server (bench/baseline-server.ts) answering the very bytes, status
   * and headers Bistro answered to these requests, so the ratio is Bistro's own cost.
   * `none`: no baseline; only the goal counts.
   */
  baseline: 'mirror' | 'none' | SameNodeBaseline;
  /** The Bistro node under test: environment on top of the bench defaults (manual kitchen, synchronous=FULL). */
  subject: { env?: Record<string, string> };
  requests(setup: BenchSetup): BenchRequest[];
  /** Concurrent keep-alive connections. @default 10 */
  connections?: number;
  /** Word for one request in the table, e.g. `orders`. @default req */
  unit?: string;
  goal?: Goal;
  /** One line on why this benchmark or what it shows. */
  note?: string;
}

const auth = (setup: BenchSetup) => ({ authorization: `Bearer ${setup.guestToken}` });

const rpcCall = (id: number) => ({ jsonrpc: '2.0', id, method: 'menu.get', params: { id: 'fish-and-chips' } });
const restMenuItem: SameNodeBaseline = { label: 'REST GET /menu/fish-and-chips, same node', requests: () => [{ method: 'GET', path: '/menu/fish-and-chips' }] };
const menuItemFields = 'id name description category priceCents available ingredients { name portions min max } version updatedAt';
const menuItemQuery = `query Item($id: ID!) { menuItem(id: $id) { ${menuItemFields} } }`;
const menuQuery = `{ menu { ${menuItemFields} } }`;

const fishAndChipsNoSalt = { items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] };

export const benchmarks: Benchmark[] = [
  {
    name: 'rest.menu-item',
    title: 'GET /menu/fish-and-chips',
    baseline: 'mirror',
    subject: {},
    requests: () => [{ method: 'GET', path: '/menu/fish-and-chips' }],
    goal: { kind: 'ratio', min: 0.8 },
  },
  {
    name: 'rest.menu',
    title: 'GET /menu',
    baseline: 'mirror',
    subject: {},
    requests: () => [{ method: 'GET', path: '/menu' }],
    goal: { kind: 'ratio', min: 0.8 },
  },
  {
    name: 'rest.place-order',
    title: 'POST /orders (synchronous=FULL)',
    baseline: 'mirror',
    subject: {},
    requests: (setup) => [{ method: 'POST', path: '/orders', headers: auth(setup), body: fishAndChipsNoSalt }],
    connections: 16,
    unit: 'orders',
    goal: { kind: 'throughput', min: 1000 },
    note: 'every acknowledged order is fsynced (survives power loss)',
  },
  {
    name: 'rest.place-order-normal',
    title: 'POST /orders (synchronous=NORMAL)',
    baseline: 'mirror',
    subject: { env: { BISTRO_SQLITE_SYNCHRONOUS: 'normal' } },
    requests: (setup) => [{ method: 'POST', path: '/orders', headers: auth(setup), body: fishAndChipsNoSalt }],
    connections: 16,
    unit: 'orders',
    note: 'context: survives a process crash, may lose the last commits on power loss',
  },
  {
    name: 'rest.place-order-idempotent',
    title: 'POST /orders + Idempotency-Key (FULL)',
    baseline: 'mirror',
    subject: {},
    requests: (setup) => [{ method: 'POST', path: '/orders', headers: { ...auth(setup), 'idempotency-key': '[<id>]' }, body: fishAndChipsNoSalt }],
    connections: 16,
    unit: 'orders',
    note: 'context: a fresh key per order (the key is claimed, then completed with the order)',
  },
  {
    name: 'rpc.menu-get',
    title: 'JSON-RPC menu.get',
    baseline: restMenuItem,
    subject: {},
    requests: () => [{ method: 'POST', path: '/rpc', body: rpcCall(1) }],
    goal: { kind: 'ratio', min: 0.95 },
  },
  {
    name: 'rpc.batch-10',
    title: 'JSON-RPC batch of 10 menu.get',
    baseline: restMenuItem,
    subject: {},
    requests: () => [{ method: 'POST', path: '/rpc', body: Array.from({ length: 10 }, (_, index) => rpcCall(index + 1)) }],
    unit: 'batches',
    note: 'context: each batch carries 10 calls (calls/s = 10 × batches/s) against one REST read per request',
  },
  {
    name: 'graphql.menu-item',
    title: 'GraphQL menuItem',
    baseline: restMenuItem,
    subject: {},
    requests: () => [{ method: 'POST', path: '/graphql', body: { query: menuItemQuery, variables: { id: 'fish-and-chips' } } }],
    goal: { kind: 'ratio', min: 0.7 },
    note: 'every field of the item, as REST answers it',
  },
  {
    name: 'graphql.menu',
    title: 'GraphQL menu (full)',
    baseline: { label: 'REST GET /menu, same node', requests: () => [{ method: 'GET', path: '/menu' }] },
    subject: {},
    requests: () => [{ method: 'POST', path: '/graphql', body: { query: menuQuery } }],
    goal: { kind: 'ratio', min: 0.7 },
    note: 'every field of every item, as REST answers them',
  },
];
