/**
 * The node's metrics for `GET /metrics` (Prometheus text, prom-client). One registry per node, so
 * tests that start many nodes in one process never collide; counters are bumped where the work is
 * already known (invoke, the webhook queue), and gauges read state the code keeps anyway, at scrape.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Who made an operation call: the wire pattern, or the node itself (auto kitchen, internal reads). */
export type CallPattern = 'rest' | 'long-poll' | 'rpc' | 'websocket' | 'graphql' | 'graphql-ws' | 'sse' | 'kitchen' | 'internal';

/** What a pattern holds open, counted by the pattern's own set of connections or subscriptions. */
export type OpenKind = 'connections' | 'subscriptions';

export interface Metrics {
  /** An operation call ended: `outcome` is `ok` or the catalogue code it failed with. */
  operationEnded(pattern: CallPattern, operation: string, outcome: string, seconds: number): void;
  /** An HTTP request was answered (every one, also ready-made answers and refusals). */
  httpAnswered(pattern: string, status: number, seconds: number): void;
  /** How many `kind` the pattern holds open now, read at each scrape; returns how to stop reporting. */
  reportOpen(kind: OpenKind, pattern: string, count: () => number): () => void;
  /** A gauge without labels read at each scrape (a store query may be behind it). */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  /** A webhook attempt was recorded: `ok`, `rejected` (an answer that was not 2xx) or `error` (no answer). */
  webhookAttempted(outcome: 'ok' | 'rejected' | 'error'): void;
  /** A delivery's last word: `delivered`, or `failed` once its retries ran out. */
  webhookSettled(status: 'delivered' | 'failed'): void;
  webhookQueued(count: number): void;
  /** This node's metrics and the process's, as Prometheus text. */
  scrape(): Promise<{ contentType: string; text: string }>;
}

/**
 * Seconds: fast reads take well under a millisecond on SQLite, writes a few milliseconds with
 * their fsync, and the long tail (PostgreSQL, a crowded event loop) up to seconds.
 */
const operationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** HTTP adds parsing and writing; a held long poll or an SSE stream lasts up to minutes. */
const httpBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** A gauge read that takes longer than this (a database that does not answer) is reported as NaN, so the scrape still answers. */
const gaugeReadMs = 1000;

/** `read()`, or NaN when it fails or takes longer than `gaugeReadMs`: one dead source must not hide every other metric. */
async function readOrNaN(read: () => number | Promise<number>): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(Number.NaN), gaugeReadMs)));
    return await Promise.race([Promise.resolve().then(read), late]);
  } catch {
    return Number.NaN;
  } finally {
    clearTimeout(timer);
  }
}

let processRegistry: Registry | undefined;

/**
 * CPU, memory, open files, GC and event-loop delay belong to the process, not a node: collected
 * once per process (each collection starts its own event-loop monitor and GC observer, never
 * stopped), and shown by every node's scrape.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 10 });
  }
  return processRegistry;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const operations = new Counter({
    name: 'bistro_operations_total',
    help: 'Operation calls that ended, by the pattern that made them, the operation, and the outcome (ok or the error code).',
    labelNames: ['pattern', 'operation', 'outcome'] as const,
    registers,
  });
  const operationSeconds = new Histogram({
    name: 'bistro_operation_duration_seconds',
    help: 'Time spent in an operation call (authorization, validation, transaction, commit), by pattern and operation.',
    labelNames: ['pattern', 'operation'] as const,
    buckets: operationBuckets,
    registers,
  });
  const httpRequests = new Counter({
    name: 'bistro_http_requests_total',
    help: 'HTTP requests answered, by pattern and status code (ready-made answers and refusals included).',
    labelNames: ['pattern', 'status'] as const,
    registers,
  });
  const httpSeconds = new Histogram({
    name: 'bistro_http_request_duration_seconds',
    help: 'From the request read to the answer sent, by pattern (a long poll counts its wait).',
    labelNames: ['pattern'] as const,
    buckets: httpBuckets,
    registers,
  });

  const open: Record<OpenKind, Map<string, Set<() => number>>> = { connections: new Map(), subscriptions: new Map() };
  const openGauge = (kind: OpenKind, name: string, help: string) =>
    new Gauge({
      name,
      help,
      labelNames: ['pattern'] as const,
      registers,
      collect() {
        this.reset();
        for (const [pattern, counts] of open[kind]) {
          let total = 0;
          for (const count of counts) total += count();
          this.set({ pattern }, total);
        }
      },
    });
  openGauge('connections', 'bistro_open_connections', 'Connections open now, by pattern: http counts every TCP connection to the HTTP server (upgraded ones too), the others their streams and sockets.');
  openGauge('subscriptions', 'bistro_active_subscriptions', 'Subscriptions running now, by pattern: events.subscribe over /ws, GraphQL operations over graphql-ws.');

  const attempts = new Counter({ name: 'bistro_webhook_attempts_total', help: 'Webhook delivery attempts recorded by this node, by outcome: ok, rejected (not 2xx), error (no answer).', labelNames: ['outcome'] as const, registers });
  const settled = new Counter({ name: 'bistro_webhook_deliveries_total', help: 'Webhook deliveries that reached their end on this node: delivered, or failed once their retries ran out.', labelNames: ['status'] as const, registers });
  const queued = new Counter({ name: 'bistro_webhook_deliveries_queued_total', help: 'Webhook deliveries this node queued from the event log.', registers });

  return {
    operationEnded(pattern, operation, outcome, seconds) {
      operations.inc({ pattern, operation, outcome });
      operationSeconds.observe({ pattern, operation }, seconds);
    },
    httpAnswered(pattern, status, seconds) {
      httpRequests.inc({ pattern, status });
      httpSeconds.observe({ pattern }, seconds);
    },
    reportOpen(kind, pattern, count) {
      const counts = open[kind].get(pattern) ?? new Set();
      open[kind].set(pattern, counts);
      counts.add(count);
      return () => counts.delete(count);
    },
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(await readOrNaN(read));
        },
      });
    },
    webhookAttempted: (outcome) => attempts.inc({ outcome }),
    webhookSettled: (status) => settled.inc({ status }),
    webhookQueued(count) {
      if (count > 0) queued.inc(count);
    },
    async scrape() {
      const merged = Registry.merge([processMetrics(), registry]);
      return { contentType: merged.contentType, text: await merged.metrics() };
    },
  };
}
