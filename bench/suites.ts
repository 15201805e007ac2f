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

/** `throughput`: subject req/s must reach `min` on its own (ratio goals sit on each baseline). */
export type Goal = { kind: 'throughput'; min: number };

/**
 * A server answering the same results as Bistro, started as its own process pinned like Bistro,
 * measured in rounds interleaved with Bistro's:
 * `mirror`: bare node:http repeating Bistro's status, headers and bytes (bench/baseline-server.ts);
 * `fastify`: a bare Fastify route answering those bytes, POST bodies parsed by Fastify (baseline-fastify.ts);
 * `jayson`: the jayson JSON-RPC server answering the same method results (baseline-jayson.ts);
 * `mercurius`: mercurius with `jit: 1` on Bistro's schema, resolvers returning the same objects (baseline-mercurius.ts).
 */
export type BaselineServer = 'mirror' | 'fastify' | 'jayson' | 'mercurius';

/** Another request served by the same Bistro node, measured interleaved with the subject. */
export interface SameNodeBaseline {
  kind: 'same-node';
  label: string;
  requests(setup: BenchSetup): BenchRequest[];
}

/** A baseline, and optionally the least subject ÷ baseline ratio (medians of the same run) to reach. */
export type Baseline = ({ kind: BaselineServer } | SameNodeBaseline) & { min?: number };

export interface Benchmark {
  /** Stable key in the results JSON and for BENCH_ONLY. */
  name: string;
  /** What a reader sees in the table. */
  title: string;
  /** Each measured in the same run, rounds rotating between Bistro and every baseline; none: only the goal counts. */
  baselines: Baseline[];
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
const menuItemFields = 'id name description category priceCents available ingredients { name portions min max } version updatedAt';
const menuItemQuery = `query Item($id: ID!) { menuItem(id: $id) { ${menuItemFields} } }`;
const menuQuery = `{ menu { ${menuItemFields} } }`;

const fishAndChipsNoSalt = { items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] };

export const benchmarks: Benchmark[] = [
  {
    name: 'rest.menu-item',
    title: 'GET /menu/fish-and-chips',
    baselines: [
      { kind: 'fastify', min: 0.9 },
      { kind: 'mirror', min: 0.85 },
    ],
    subject: {},
    requests: () => [{ method: 'GET', path: '/menu/fish-and-chips' }],
  },
  {
    name: 'rest.menu',
    title: 'GET /menu',
    baselines: [{ kind: 'fastify' }, { kind: 'mirror', min: 0.8 }],
    subject: {},
    requests: () => [{ method: 'GET', path: '/menu' }],
  },
  {
    name: 'rest.place-order',
    title: 'POST /orders (synchronous=FULL)',
    baselines: [{ kind: 'mirror' }],
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
    baselines: [{ kind: 'mirror' }],
    subject: { env: { BISTRO_SQLITE_SYNCHRONOUS: 'normal' } },
    requests: (setup) => [{ method: 'POST', path: '/orders', headers: auth(setup), body: fishAndChipsNoSalt }],
    connections: 16,
    unit: 'orders',
    note: 'context: survives a process crash, may lose the last commits on power loss',
  },
  {
    name: 'rest.place-order-idempotent',
    title: 'POST /orders + Idempotency-Key (FULL)',
    baselines: [{ kind: 'mirror' }],
    subject: {},
    requests: (setup) => [{ method: 'POST', path: '/orders', headers: { ...auth(setup), 'idempotency-key': '[<id>]' }, body: fishAndChipsNoSalt }],
    connections: 16,
    unit: 'orders',
    note: 'context: a fresh key per order (the key is claimed, then completed with the order)',
  },
  {
    name: 'rpc.menu-get',
    title: 'JSON-RPC menu.get',
    baselines: [
      { kind: 'fastify', min: 0.9 },
      { kind: 'jayson', min: 1 },
    ],
    subject: {},
    requests: () => [{ method: 'POST', path: '/rpc', body: rpcCall(1) }],
  },
  {
    name: 'rpc.batch-10',
    title: 'JSON-RPC batch of 10 menu.get',
    baselines: [{ kind: 'fastify' }, { kind: 'jayson' }],
    subject: {},
    requests: () => [{ method: 'POST', path: '/rpc', body: Array.from({ length: 10 }, (_, index) => rpcCall(index + 1)) }],
    unit: 'batches',
    note: 'context: each batch carries 10 calls (calls/s = 10 × batches/s)',
  },
  {
    name: 'graphql.menu-item',
    title: 'GraphQL menuItem',
    baselines: [{ kind: 'mercurius', min: 1 }],
    subject: {},
    requests: () => [{ method: 'POST', path: '/graphql', body: { query: menuItemQuery, variables: { id: 'fish-and-chips' } } }],
    note: 'every field of the item, as REST answers it',
  },
  {
    name: 'graphql.menu',
    title: 'GraphQL menu (full)',
    baselines: [{ kind: 'mercurius' }],
    subject: {},
    requests: () => [{ method: 'POST', path: '/graphql', body: { query: menuQuery } }],
    note: 'context: every field of every item, as REST answers them',
  },
];

/**
 * Push benchmarks (bench/push-delivery.ts, bench/push-memory.ts): connections held open by the
 * client process (bench/push-clients.ts) on the load CPU, against Bistro and baselines that repeat
 * the bytes Bistro sent: `bare` (node:http holding requests and streams, a bare `ws` send loop;
 * bench/baseline-push.ts) and `socketio` (`io.emit`; bench/baseline-socketio.ts).
 */
export type PushClient = 'ws' | 'sse' | 'longpoll';
export type PushBaselineServer = 'bare' | 'socketio';

/** The figure a push benchmark's ratios divide (Bistro ÷ baseline, medians of the same run). */
export type PushMetric = 'deliveriesPerSecond' | 'p99Ms' | 'rssBytesPerConnection';

export interface PushBaseline {
  kind: PushBaselineServer;
  /** Least ratio to reach (a rate: higher is better). */
  min?: number;
  /** Greatest ratio allowed (a cost: lower is better). */
  max?: number;
}

export interface PushBenchmark {
  name: string;
  title: string;
  /** `delivery`: one event to every connection, timed from the trigger; `memory`: server RSS and heap per open connection. */
  measure: 'delivery' | 'memory';
  client: PushClient;
  /** Connections held open (lowered to what `ulimit -n` allows, and the results say so). */
  connections: number;
  /** Events fired per round (delivery). @default 5 */
  fires?: number;
  ratioOf: PushMetric;
  baselines: PushBaseline[];
  /** An absolute bound on Bistro's own figure, e.g. p99 ≤ 20 ms. */
  goal?: { metric: PushMetric; max: number };
  /** Bistro's environment on top of the bench defaults and `pushSubjectEnv`. */
  env?: Record<string, string>;
  note?: string;
}

/**
 * Anonymous clients from one address: the per-principal WebSocket cap would otherwise stop them at 20,
 * and the connection caps (per address and overall) at 256 and 10,000.
 * Delivery is timed from the trigger, so its commit is in the figure: synchronous=NORMAL keeps the
 * disk's fsync (measured by rest.place-order) out of what the push benchmarks measure.
 */
export const pushSubjectEnv = {
  BISTRO_MAX_CONNECTIONS_PER_PRINCIPAL: '1000000',
  BISTRO_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  BISTRO_MAX_CONNECTIONS: '1000000',
  BISTRO_MAX_WAIT_SECONDS: '60',
  BISTRO_SQLITE_SYNCHRONOUS: 'normal',
};

const broadcast = (connections: number): PushBenchmark => ({
  name: `push.broadcast.${connections}`,
  title: `/ws broadcast to ${connections.toLocaleString('en-US')} subscribers`,
  measure: 'delivery',
  client: 'ws',
  connections,
  fires: 5,
  ratioOf: 'deliveriesPerSecond',
  baselines: [
    { kind: 'bare', min: 0.7 },
    { kind: 'socketio', min: 1 },
  ],
  note: 'trigger: PUT /menu/fish-and-chips by admin (a public menu.item.updated, synchronous=NORMAL) to anonymous subscribers; baselines: POST /trigger',
});

const memory = (client: PushClient, connections: number, what: string): PushBenchmark => ({
  name: `push.memory.${client}`,
  title: `memory per ${what}`,
  measure: 'memory',
  client,
  connections,
  ratioOf: 'rssBytesPerConnection',
  baselines: [{ kind: 'bare', max: 2 }],
  note: 'server RSS after a forced GC, before and after opening them, each round on a fresh server',
});

const wake = (client: PushClient, what: string): PushBenchmark => ({
  name: `push.wake.${client}`,
  title: `wake ${what}`,
  measure: 'delivery',
  client,
  connections: 100,
  fires: 20,
  ratioOf: 'p99Ms',
  baselines: [{ kind: 'bare' }],
  goal: { metric: 'p99Ms', max: 20 },
  note: 'from sending the trigger (the PUT and its commit, synchronous=NORMAL) to each client reading the event',
});

export const pushBenchmarks: PushBenchmark[] = [
  broadcast(2000),
  broadcast(10_000),
  memory('longpoll', 5000, 'parked long poll (GET /events?wait=60)'),
  memory('sse', 2000, 'SSE stream (GET /events/stream)'),
  memory('ws', 2000, 'idle subscribed WebSocket (/ws)'),
  wake('longpoll', 'parked long polls'),
  wake('sse', 'SSE streams'),
  wake('ws', '/ws subscribers'),
];

/**
 * Webhook benchmarks (bench/webhook-bench.ts): a Bistro node rings a receiver in its own process
 * on the load CPU (bench/webhook-receiver.ts), which counts every delivery by webhook-id: a lost or
 * duplicated delivery fails the bench.
 * `throughput`: N order.placed events queued by replay calls, timed to the last delivery, against a
 * bare undici POST loop to the same receiver (bench/webhook-baseline.ts).
 * `latency`: orders at a steady rate, timed from each 201 to the first byte of its delivery; with
 * `deadEndpoint`, the same on a node whose second endpoint never answers, against a node without one.
 */
export interface WebhookBenchmark {
  name: string;
  title: string;
  measure: 'throughput' | 'latency';
  /** latency: measure a node with a dead endpoint beside the live one, against a node with the live one alone. */
  deadEndpoint?: boolean;
  /** throughput: events per round per BENCH_SECONDS (5 s: 5,000). */
  eventsPerSecondOfRound?: number;
  /** latency: orders per second. */
  ratePerSecond?: number;
  goal: {
    /** throughput: least deliveries/s, and least ratio to the baseline. */
    minPerSecond?: number;
    minRatio?: number;
    /** latency: greatest p99 (ms), and greatest p99 ratio to the side without a dead endpoint. */
    maxP99Ms?: number;
    maxRatio?: number;
  };
  /** Bistro's environment on top of the bench defaults and `webhookSubjectEnv`. */
  env?: Record<string, string>;
  note?: string;
}

/**
 * Loopback receivers need private targets allowed. Every webhook node runs with the same timeout and
 * compressed retry schedule, so a dead endpoint is the only difference between latency nodes: it
 * times out after 2 s and is retried after ~1 s, twice, then its delivery fails.
 */
export const webhookSubjectEnv = { BISTRO_WEBHOOK_ALLOW_PRIVATE: '1', BISTRO_WEBHOOK_TIMEOUT_MS: '2000', BISTRO_WEBHOOK_RETRY_SCHEDULE: '0,1s,1s' };

export const webhookBenchmarks: WebhookBenchmark[] = [
  {
    name: 'webhooks.throughput',
    title: 'webhook deliveries/s to one endpoint (synchronous=FULL)',
    measure: 'throughput',
    eventsPerSecondOfRound: 1000,
    goal: { minPerSecond: 2000, minRatio: 0.5 },
    note: 'order.placed events already in the log, queued by replay calls (1,000 a call); from the first replay call to the last delivery',
  },
  {
    name: 'webhooks.latency',
    title: 'webhook commit-to-first-byte latency',
    measure: 'latency',
    ratePerSecond: 50,
    goal: { maxP99Ms: 100 },
    note: 'POST /orders at 50/s (synchronous=FULL), timed from its 201 to the first byte of its order.placed delivery',
  },
  {
    name: 'webhooks.dead-endpoint',
    title: 'webhook latency beside a dead endpoint',
    measure: 'latency',
    deadEndpoint: true,
    ratePerSecond: 50,
    goal: { maxP99Ms: 100, maxRatio: 1.5 },
    note: 'as webhooks.latency, on a node whose second endpoint takes the same events and never answers (2 s timeout, retried); baseline: a node without it',
  },
];

/**
 * Scale-out benchmarks (bench/scale-bench.ts), on PostgreSQL (and Redis for `notify`); each node
 * gets a fresh schema, dropped after.
 * `write`: POST /orders by autocannon on one node, against a plain insert loop of the same rows
 * (bench/scale-insert-loop.ts) without the advisory lock that keeps sequences in commit order.
 * `notify`: two nodes on one schema rung by Redis (the catch-up timer at 60 s, so only the bell is
 * prompt); orders placed on A at a steady rate, timed from each 201 to its frame on a socket held on
 * B (bench/scale-notify-client.ts), against a raw ioredis publish → subscribe hop between processes
 * pinned like A and B (bench/scale-redis-peer.ts).
 */
export interface ScaleBenchmark {
  name: string;
  title: string;
  measure: 'write' | 'notify';
  /** write: load-generator connections and insert-loop workers (Bistro's pool is 10). */
  connections?: number;
  /** notify: orders (and baseline messages) per second. */
  ratePerSecond?: number;
  /** notify: Bistro's p99 may exceed the raw hop's p99 by at most this many ms. */
  goal?: { maxP99OverBaselineMs: number };
  note?: string;
}

export const scaleBenchmarks: ScaleBenchmark[] = [
  {
    name: 'scale.write',
    title: 'POST /orders on PostgreSQL (commit-order sequences)',
    measure: 'write',
    connections: 10,
    note: 'one node, pool of 10, synchronous_commit as the server has it; the baseline takes no advisory lock and has no HTTP, auth or menu reads',
  },
  {
    name: 'scale.notify',
    title: 'cross-node notification: 201 on A → /ws frame on B',
    measure: 'notify',
    ratePerSecond: 50,
    goal: { maxP99OverBaselineMs: 10 },
    note: 'two nodes on one schema, BISTRO_BUS=redis, BISTRO_BUS_CATCH_UP_MS=60000; POST /orders as a guest on A at 50/s, the same guest subscribed on B (order.placed)',
  },
];
