/** Configuration from flags and environment (flags win), validated, with every default and its unit. */
import { parseArgs } from 'node:util';
import { defaultRetryPolicy, parseDurations } from './domain/webhook.ts';

export interface Config {
  /** @default 3000 */
  port: number;
  /** @default 127.0.0.1 — `0.0.0.0` serves the network. */
  host: string;
  /** `sqlite:<file>` or `postgres://…`. @default sqlite:./bistro.db */
  db: string;
  /** The doorbell between nodes: `memory` (one node), or `redis://host:port`. @default memory */
  bus: string;
  /** How often a node reads the log's head anyway (catching up when a bell was lost or the bus is away). @default 1000 ms */
  busCatchUpMs: number;
  /** PostgreSQL only: the schema Bistro's tables live in (created if missing). @default public */
  dbSchema: string | undefined;
  /** PostgreSQL only: longest wait for a connection or for one query's answer; past it the request is answered 503 `unavailable` and a silent connection is dropped. @default 5000 ms */
  dbTimeoutMs: number;
  /** `full` survives power loss; `normal` only a process crash. @default full */
  sqliteSynchronous: 'full' | 'normal';
  /** Generated and printed once at start when absent. */
  adminToken: string | undefined;
  /** @default auto */
  kitchen: 'auto' | 'manual';
  /** How long the auto kitchen leaves an order in each status. @default 3000 ms */
  kitchenPaceMs: number;
  /** @default 65536 bytes — an order of 50 items with notes fits many times over. */
  bodyLimitBytes: number;
  /** Longest a request may take to arrive whole, headers and body; answered 408 and closed past it. Only the request counts: a long poll, an SSE stream or a WebSocket held open after it arrived is not cut. @default 30000 ms */
  requestTimeoutMs: number;
  /** Longest the headers may take to arrive, also for a connection that sends nothing; at most `requestTimeoutMs`. @default 15000 ms (checked every second, so closed within 16 s) */
  headersTimeoutMs: number;
  /** How long a kept-alive connection may sit idle between requests. @default 72000 ms — above the 60 s idle timeout of common load balancers, so they close first */
  keepAliveTimeoutMs: number;
  /** Open TCP connections the node accepts; one more is answered 503 `overloaded` and closed. @default 10000 — 0.1–0.2 GB of memory if each holds a stalled request, well under the file handles Node allows */
  maxConnections: number;
  /** Open TCP connections from one client address. @default 256 — a restaurant's guests behind one NAT, each with a stream and a few keep-alive connections */
  maxConnectionsPerAddress: number;
  /** Most calls one JSON-RPC batch may hold; a longer batch is refused whole. @default 50 calls — a screen's worth of reads in one round trip. */
  rpcMaxBatch: number;
  /** Deepest nesting of fields a GraphQL document may ask for. @default 10 levels */
  graphqlMaxDepth: number;
  /** @default 15 aliases per GraphQL document (fragments counted where spread). */
  graphqlMaxAliases: number;
  /** @default 10 directives per GraphQL document. */
  graphqlMaxDirectives: number;
  /** Selections of one field (one response name) at one place of a GraphQL document, fragments counted where spread: validation compares each pair. @default 20 selections */
  graphqlMaxRepeats: number;
  /** The parser stops past this many tokens. @default 2000 tokens — the GraphiQL introspection query needs about 200. */
  graphqlMaxTokens: number;
  /** Static cost: 1 per field, times the entries of each list it sits in. @default 20000 — a page of 50 orders with items and menu items costs about 11600. */
  graphqlMaxCost: number;
  /** `__schema`/`__type` allowed (GraphiQL needs it; the schema is as public as /openapi.json). @default true */
  graphqlIntrospection: boolean;
  /** "Did you mean …?" in GraphQL errors. @default true only when NODE_ENV=development */
  graphqlSuggestions: boolean;
  /** Longest a long poll may be held (`Prefer: wait=N`, `?wait=N`). @default 60 s */
  maxWaitSeconds: number;
  /** How often an idle SSE stream gets a comment line. @default 15000 ms — below the usual 30 s proxy idle timeout */
  sseHeartbeatMs: number;
  /** How often a WebSocket peer is pinged; one that has not answered the last ping is closed. @default 25000 ms — below the usual 30 s proxy idle timeout */
  wsHeartbeatMs: number;
  /** Largest WebSocket message a client may send. @default 65536 bytes, as the HTTP body limit */
  wsMaxMessageBytes: number;
  /** Open streaming connections (`/ws`, GraphQL subscriptions and SSE streams together) one principal may hold; anonymous ones are counted per address. @default 20 */
  maxConnectionsPerPrincipal: number;
  /**
   * Operation calls one principal may make per window, on every pattern together (a JSON-RPC batch
   * counts each call; the admin is exempt); anonymous callers are counted per address. Shared by
   * every node when `bus` is Redis. 0 turns it off.
   * @default 600 calls — 10 a second on average: a guest app polling its order every second and
   * placing orders uses a fraction of it, a staff tablet a third; bursts of a few hundred still pass.
   */
  rateLimit: number;
  /** The window `rateLimit` counts over (fixed, starting at a principal's first call; whole seconds, for Redis). @default 60000 ms */
  rateLimitWindowMs: number;
  /** Requests being answered at once past which new ones are refused 503 `overloaded` (long polls and streams not counted; /healthz, /readyz, /metrics never refused). 0 turns it off. @default 1000 requests */
  maxInFlight: number;
  /** Mean event-loop delay (sampled every 250 ms) past which new requests are refused 503 `overloaded` until it falls. 0 turns it off. @default 100 ms */
  maxEventLoopDelayMs: number;
  /** Unsent bytes a slow client may hold: a WebSocket past it is closed with its last sequence; an SSE stream stops taking events and reads on from the log once the client drained (dropped if it does not within a heartbeat interval). @default 1048576 bytes */
  maxBufferedBytes: number;
  /** Origins allowed to open a WebSocket, or empty for same-origin only; clients that send no Origin (not browsers) are let in. @default same-origin */
  wsAllowedOrigins: string[];
  /** Events the log keeps; cursors older than what is kept are answered "resync required". @default 0 — keep everything */
  keepEvents: number;
  /** Webhooks may call private, loopback and link-local addresses (development only). @default false */
  webhookAllowPrivate: boolean;
  /** Delay before each delivery attempt, e.g. `0,5s,5m,30m,2h,5h,10h,10h` (the default); the attempts end with the list. */
  webhookRetrySchedule: number[];
  /** Longest `Retry-After` a receiver can ask for and get. @default 3600000 ms (1 h) */
  webhookRetryAfterCapMs: number;
  /** An endpoint whose deliveries all fail for this long is disabled. @default 432000000 ms (5 days) */
  webhookDisableAfterMs: number;
  /** One delivery attempt, from connecting to the last byte read. @default 15000 ms */
  webhookTimeoutMs: number;
  /** Deliveries in flight from this node at once, and to one endpoint at once (so a slow endpoint cannot hold them all). @default 64 and 8 */
  webhookConcurrency: number;
  webhookEndpointConcurrency: number;
  /** `GET /metrics` (Prometheus text) served, open like /healthz: turn it off, or keep it from the network at the proxy, when the node serves the network. @default true */
  metrics: boolean;
  /** @default info */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

export class ConfigError extends Error {}

const day = 24 * 60 * 60 * 1000;

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return parsed;
}

/** Redis keeps a window's count with a TTL in whole seconds. */
function wholeSeconds(name: string, ms: number): number {
  if (ms % 1000 !== 0) throw new ConfigError(`${name} must be whole seconds (a multiple of 1000), not ${ms}`);
  return ms;
}

function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (['1', 'true', 'on'].includes(value)) return true;
  if (['0', 'false', 'off'].includes(value)) return false;
  throw new ConfigError(`${name} must be 1 or 0, not "${value}"`);
}

function durations(name: string, value: string | undefined, fallback: readonly number[], max: number): number[] {
  if (value === undefined || value === '') return [...fallback];
  try {
    const parsed = parseDurations(value);
    if (parsed.length > 20 || parsed.some((ms) => ms > max)) throw new Error(`at most 20 delays of at most ${max} ms each`);
    return parsed;
  } catch (error) {
    throw new ConfigError(`${name} must be delays such as 0,5s,5m,30m,2h: ${(error as Error).message}`);
  }
}

function duration(name: string, value: string | undefined, fallback: number, max: number): number {
  return durations(name, value, [fallback], max)[0] ?? fallback;
}

function bus(value: string | undefined): string {
  if (value === undefined || value === '' || value === 'memory') return 'memory';
  if (!value.startsWith('redis://') && !value.startsWith('rediss://')) throw new ConfigError(`BISTRO_BUS must be memory or redis://host:port, not "${value}"`);
  return value;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

/** Node refuses a headers timeout above the request timeout; unset, the headers timeout shrinks to fit. */
function timeouts(env: NodeJS.ProcessEnv): Pick<Config, 'requestTimeoutMs' | 'headersTimeoutMs'> {
  const requestTimeoutMs = integer('BISTRO_REQUEST_TIMEOUT_MS', env['BISTRO_REQUEST_TIMEOUT_MS'], 30_000, 100, 3_600_000);
  const headersTimeoutMs = integer('BISTRO_HEADERS_TIMEOUT_MS', env['BISTRO_HEADERS_TIMEOUT_MS'], Math.min(15_000, requestTimeoutMs), 100, 3_600_000);
  if (headersTimeoutMs > requestTimeoutMs) throw new ConfigError(`BISTRO_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed BISTRO_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  return { requestTimeoutMs, headersTimeoutMs };
}

export function loadConfig(argv: string[] = [], env: NodeJS.ProcessEnv = process.env): Config {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      kitchen: { type: 'string' },
    },
    strict: true,
  });
  const db = flags.db ?? env['BISTRO_DB'] ?? 'sqlite:./bistro.db';
  if (!db.startsWith('sqlite:') && !db.startsWith('postgres://') && !db.startsWith('postgresql://')) {
    throw new ConfigError(`BISTRO_DB must be sqlite:<file> or postgres://…, not "${db}"`);
  }
  return {
    port: integer('PORT', flags.port ?? env['PORT'], 3000, 0, 65535),
    host: flags.host ?? env['HOST'] ?? '127.0.0.1',
    db,
    dbSchema: env['BISTRO_DB_SCHEMA'] || undefined,
    dbTimeoutMs: integer('BISTRO_DB_TIMEOUT_MS', env['BISTRO_DB_TIMEOUT_MS'], 5000, 100, 600_000),
    bus: bus(env['BISTRO_BUS']),
    busCatchUpMs: integer('BISTRO_BUS_CATCH_UP_MS', env['BISTRO_BUS_CATCH_UP_MS'], 1000, 10, 600_000),
    sqliteSynchronous: oneOf('BISTRO_SQLITE_SYNCHRONOUS', env['BISTRO_SQLITE_SYNCHRONOUS'], ['full', 'normal'], 'full'),
    adminToken: env['BISTRO_ADMIN_TOKEN'] || undefined,
    kitchen: oneOf('BISTRO_KITCHEN', flags.kitchen ?? env['BISTRO_KITCHEN'], ['auto', 'manual'], 'auto'),
    kitchenPaceMs: integer('BISTRO_KITCHEN_PACE_MS', env['BISTRO_KITCHEN_PACE_MS'], 3000, 10, 3_600_000),
    bodyLimitBytes: integer('BISTRO_BODY_LIMIT_BYTES', env['BISTRO_BODY_LIMIT_BYTES'], 65_536, 1024, 10_485_760),
    ...timeouts(env),
    keepAliveTimeoutMs: integer('BISTRO_KEEP_ALIVE_TIMEOUT_MS', env['BISTRO_KEEP_ALIVE_TIMEOUT_MS'], 72_000, 100, 3_600_000),
    maxConnections: integer('BISTRO_MAX_CONNECTIONS', env['BISTRO_MAX_CONNECTIONS'], 10_000, 1, 10_000_000),
    maxConnectionsPerAddress: integer('BISTRO_MAX_CONNECTIONS_PER_ADDRESS', env['BISTRO_MAX_CONNECTIONS_PER_ADDRESS'], 256, 1, 10_000_000),
    rpcMaxBatch: integer('BISTRO_RPC_MAX_BATCH', env['BISTRO_RPC_MAX_BATCH'], 50, 1, 1000),
    graphqlMaxDepth: integer('BISTRO_GRAPHQL_MAX_DEPTH', env['BISTRO_GRAPHQL_MAX_DEPTH'], 10, 1, 100),
    graphqlMaxAliases: integer('BISTRO_GRAPHQL_MAX_ALIASES', env['BISTRO_GRAPHQL_MAX_ALIASES'], 15, 0, 1000),
    graphqlMaxDirectives: integer('BISTRO_GRAPHQL_MAX_DIRECTIVES', env['BISTRO_GRAPHQL_MAX_DIRECTIVES'], 10, 0, 1000),
    graphqlMaxRepeats: integer('BISTRO_GRAPHQL_MAX_REPEATS', env['BISTRO_GRAPHQL_MAX_REPEATS'], 20, 1, 1000),
    graphqlMaxTokens: integer('BISTRO_GRAPHQL_MAX_TOKENS', env['BISTRO_GRAPHQL_MAX_TOKENS'], 2000, 100, 100_000),
    graphqlMaxCost: integer('BISTRO_GRAPHQL_MAX_COST', env['BISTRO_GRAPHQL_MAX_COST'], 20_000, 1, 10_000_000),
    graphqlIntrospection: onOff('BISTRO_GRAPHQL_INTROSPECTION', env['BISTRO_GRAPHQL_INTROSPECTION'], true),
    graphqlSuggestions: onOff('BISTRO_GRAPHQL_SUGGESTIONS', env['BISTRO_GRAPHQL_SUGGESTIONS'], env['NODE_ENV'] === 'development'),
    maxWaitSeconds: integer('BISTRO_MAX_WAIT_SECONDS', env['BISTRO_MAX_WAIT_SECONDS'], 60, 1, 600),
    sseHeartbeatMs: integer('BISTRO_SSE_HEARTBEAT_MS', env['BISTRO_SSE_HEARTBEAT_MS'], 15_000, 10, 600_000),
    wsHeartbeatMs: integer('BISTRO_WS_HEARTBEAT_MS', env['BISTRO_WS_HEARTBEAT_MS'], 25_000, 10, 600_000),
    wsMaxMessageBytes: integer('BISTRO_WS_MAX_MESSAGE_BYTES', env['BISTRO_WS_MAX_MESSAGE_BYTES'], 65_536, 128, 10_485_760),
    maxConnectionsPerPrincipal: integer('BISTRO_MAX_CONNECTIONS_PER_PRINCIPAL', env['BISTRO_MAX_CONNECTIONS_PER_PRINCIPAL'], 20, 1, 1_000_000),
    rateLimit: integer('BISTRO_RATE_LIMIT', env['BISTRO_RATE_LIMIT'], 600, 0, 1_000_000_000),
    rateLimitWindowMs: wholeSeconds('BISTRO_RATE_LIMIT_WINDOW_MS', integer('BISTRO_RATE_LIMIT_WINDOW_MS', env['BISTRO_RATE_LIMIT_WINDOW_MS'], 60_000, 1000, day)),
    maxInFlight: integer('BISTRO_MAX_IN_FLIGHT', env['BISTRO_MAX_IN_FLIGHT'], 1000, 0, 1_000_000),
    maxEventLoopDelayMs: integer('BISTRO_MAX_EVENT_LOOP_DELAY_MS', env['BISTRO_MAX_EVENT_LOOP_DELAY_MS'], 100, 0, 60_000),
    maxBufferedBytes: integer('BISTRO_MAX_BUFFERED_BYTES', env['BISTRO_MAX_BUFFERED_BYTES'], 1_048_576, 1024, 1_073_741_824),
    wsAllowedOrigins: (env['BISTRO_WS_ORIGINS'] ?? '').split(',').map((origin) => origin.trim()).filter((origin) => origin !== ''),
    keepEvents: integer('BISTRO_EVENT_RETENTION', env['BISTRO_EVENT_RETENTION'], 0, 0, 1_000_000_000),
    webhookAllowPrivate: onOff('BISTRO_WEBHOOK_ALLOW_PRIVATE', env['BISTRO_WEBHOOK_ALLOW_PRIVATE'], false),
    webhookRetrySchedule: durations('BISTRO_WEBHOOK_RETRY_SCHEDULE', env['BISTRO_WEBHOOK_RETRY_SCHEDULE'], defaultRetryPolicy.schedule, 7 * day),
    webhookRetryAfterCapMs: duration('BISTRO_WEBHOOK_RETRY_AFTER_CAP', env['BISTRO_WEBHOOK_RETRY_AFTER_CAP'], defaultRetryPolicy.retryAfterCapMs, 7 * day),
    webhookDisableAfterMs: duration('BISTRO_WEBHOOK_DISABLE_AFTER', env['BISTRO_WEBHOOK_DISABLE_AFTER'], defaultRetryPolicy.disableAfterMs, 365 * day),
    webhookTimeoutMs: integer('BISTRO_WEBHOOK_TIMEOUT_MS', env['BISTRO_WEBHOOK_TIMEOUT_MS'], 15_000, 10, 600_000),
    webhookConcurrency: integer('BISTRO_WEBHOOK_CONCURRENCY', env['BISTRO_WEBHOOK_CONCURRENCY'], 64, 1, 10_000),
    webhookEndpointConcurrency: integer('BISTRO_WEBHOOK_ENDPOINT_CONCURRENCY', env['BISTRO_WEBHOOK_ENDPOINT_CONCURRENCY'], 8, 1, 10_000),
    metrics: onOff('BISTRO_METRICS', env['BISTRO_METRICS'], true),
    logLevel: oneOf('BISTRO_LOG_LEVEL', env['BISTRO_LOG_LEVEL'], ['fatal', 'error', 'warn', 'info', 'debug', 'silent'], 'info'),
  };
}

/** The configuration as printed at start: secrets hidden. */
export function describeConfig(config: Config): Record<string, unknown> {
  return { ...config, db: config.db.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@'), adminToken: config.adminToken ? '***' : '(generated)' };
}
