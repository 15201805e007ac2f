/** Composes one Bistro node: config → store → core → patterns, and its orderly shutdown. */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { createCore, type Core } from './core/core.ts';
import { newToken } from './core/ids.ts';
import { seedMenuOnce } from './core/seed-menu.ts';
import type { Store } from './core/store.ts';
import { AutoKitchen } from './kitchen/auto-kitchen.ts';
import { operations } from './operations/index.ts';
import { createHttpApp } from './patterns/http/http-app.ts';
import { registerLoadShedding } from './patterns/http/load-shedding.ts';
import { registerGraphqlRoutes } from './patterns/graphql/graphql-routes.ts';
import { registerDocs } from './patterns/rest/docs.ts';
import { registerWebUi } from './patterns/web/web-ui.ts';
import { registerDemoBell } from './patterns/web/demo-bell.ts';
import { registerLabRuns } from './patterns/web/lab-runs.ts';
import { registerRestRoutes } from './patterns/rest/rest-routes.ts';
import { createRpcDispatcher } from './patterns/rpc/rpc-dispatcher.ts';
import { registerRpcHttp } from './patterns/rpc/rpc-http.ts';
import { registerSse } from './patterns/sse/sse-routes.ts';
import { registerWebSocket } from './patterns/websocket/websocket-routes.ts';
import { checkTarget, createSender } from './patterns/webhooks/sender.ts';
import { createWebhookWorker, laneDepth } from './patterns/webhooks/webhook-worker.ts';
import { createRedisBus } from './bus/redis-bus.ts';
import { createRedisRateLimiter } from './bus/redis-rate-limiter.ts';
import { createRateLimit, limiterOptions, noRateLimit, type RateLimit } from './core/rate-limit.ts';
import { noBus, type Bus } from './core/bus.ts';
import { createPostgresStore } from './store/postgres/postgres-store.ts';
import { createSqliteStore } from './store/sqlite/sqlite-store.ts';

/** How long a shutdown waits for answers still being written before it cuts their connections. */
export const shutdownGraceMs = 10_000;

export const version = '0.1.0';

export interface BistroNode {
  url: string;
  adminToken: string;
  core: Core;
  app: FastifyInstance;
  close(): Promise<void>;
}

async function openStore(config: Config): Promise<Store> {
  if (config.db.startsWith('sqlite:')) return createSqliteStore({ file: config.db.slice('sqlite:'.length), synchronous: config.sqliteSynchronous });
  return createPostgresStore({ url: config.db, schema: config.dbSchema, timeoutMs: config.dbTimeoutMs });
}

async function openBus(config: Config, logError: (error: unknown, where: string) => void): Promise<Bus> {
  if (config.bus === 'memory') return noBus;
  return createRedisBus({ url: config.bus, deployment: `${config.db}#${config.dbSchema ?? 'public'}`, logError });
}

/** Memory on one node; on Redis when the nodes share a bus, so a principal has one budget across them. */
async function openRateLimit(config: Config, logError: (error: unknown, where: string) => void): Promise<{ rateLimit: RateLimit; close(): void }> {
  if (config.rateLimit === 0) return { rateLimit: noRateLimit, close: () => undefined };
  const policy = { limit: config.rateLimit, windowSeconds: config.rateLimitWindowMs / 1000 };
  if (config.bus === 'memory') return { rateLimit: createRateLimit(policy), close: () => undefined };
  const redis = await createRedisRateLimiter({ url: config.bus, deployment: `${config.db}#${config.dbSchema ?? 'public'}`, limiter: limiterOptions(policy), logError });
  return { rateLimit: createRateLimit(policy, redis.limiter), close: () => redis.close() };
}

export interface NodeOverrides {
  /** Use this store instead of opening `config.db` (tests wrap a store to count its reads). */
  store?: Store;
  /** The node's clock (tests freeze or step it instead of waiting for wall time). @default the wall clock */
  clock?: () => Date;
  /** How webhook hosts resolve (tests map names to addresses without DNS). @default node:dns lookup */
  lookup?: Parameters<typeof checkTarget>[1]['lookup'];
}

/** How much longer than waiting in its lane plus its own attempt (`laneDepth` timeouts) a lease lasts, so only a dead worker's claims lapse. */
const leaseMarginMs = 5000;

export async function startNode(config: Config, overrides: NodeOverrides = {}): Promise<BistroNode> {
  const adminToken = config.adminToken ?? newToken('ba');
  const store = overrides.store ?? (await openStore(config));
  // The logger lives with the HTTP host, which needs the core first; failures before it exists go to stderr.
  const logSink: { app?: FastifyInstance } = {};
  const logError = (error: unknown, where: string) => (logSink.app ? logSink.app.log.error({ err: error }, where) : console.error(where, error));
  const bus = await openBus(config, logError);
  const limits = await openRateLimit(config, logError);
  const core = createCore({
    store,
    operations,
    adminToken,
    keepEvents: config.keepEvents,
    retryPolicy: { schedule: config.webhookRetrySchedule, retryAfterCapMs: config.webhookRetryAfterCapMs, disableAfterMs: config.webhookDisableAfterMs },
    targetProblem: (url) => checkTarget(url, { allowPrivate: config.webhookAllowPrivate, lookup: overrides.lookup }),
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    logError,
    bus,
    // SQLite is one node's file: nobody else writes its log, so there is nothing to catch up with.
    catchUpMs: config.db.startsWith('sqlite:') ? 0 : config.busCatchUpMs,
    rateLimit: limits.rateLimit,
  });
  await core.start();
  await seedMenuOnce(store, core.invoke, core.clock);

  const app = createHttpApp(core, { bodyLimitBytes: config.bodyLimitBytes, logLevel: config.logLevel, limits: config, metrics: config.metrics });
  logSink.app = app;
  registerLoadShedding(app, config);
  // Fastify has stopped accepting by now (new requests get 503); parked requests are answered at once.
  app.addHook('preClose', (done) => {
    core.stop();
    done();
  });
  registerRestRoutes(app, core, { maxWaitSeconds: config.maxWaitSeconds });
  registerSse(app, core, config);
  await registerGraphqlRoutes(app, core, config);
  // One JSON-RPC dispatcher for POST /rpc and /ws: the same answers, the same kept results.
  const rpc = createRpcDispatcher({ core, maxBatch: config.rpcMaxBatch, version });
  await registerRpcHttp(app, core, rpc);
  registerWebSocket(app, core, config, rpc);
  await registerDocs(app, core.catalogue, version);
  // One level below the package root both as src/server.ts and bundled into dist/.
  await registerWebUi(app, fileURLToPath(new URL('../web/dist/', import.meta.url)));
  await registerDemoBell(app, { enabled: config.webhookAllowPrivate, clock: () => core.clock().getTime() });
  registerLabRuns(app, core);

  const kitchen = config.kitchen === 'auto' ? new AutoKitchen(core, config.kitchenPaceMs, (error) => app.log.error({ err: error }, 'auto kitchen')) : null;
  await kitchen?.start();

  const sender = createSender({ timeoutMs: config.webhookTimeoutMs, maxResponseBytes: 65_536, allowPrivate: config.webhookAllowPrivate, lookup: overrides.lookup });
  const bells = createWebhookWorker(core, {
    sender,
    concurrency: config.webhookConcurrency,
    endpointConcurrency: config.webhookEndpointConcurrency,
    leaseMs: laneDepth * config.webhookTimeoutMs + leaseMarginMs,
    logError: (error, where) => app.log.error({ err: error }, where),
    // A failed attempt is news at info; a delivered one only at debug (one line per bell costs more than the bell).
    logAttempt: (fields, ok) => (ok ? app.log.debug(fields, 'webhook attempt delivered') : app.log.info(fields, 'webhook attempt failed')),
  });
  bells.start();

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  // A wildcard address is where the node listens, not where a client can connect.
  const reachable = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  const host = reachable.includes(':') ? `[${reachable}]` : reachable;
  return {
    url: `http://${host}:${port}`,
    adminToken,
    core,
    app,
    async close() {
      kitchen?.stop();
      await bells.stop();
      await sender.close();
      // Fastify waits for every answer being written; a client that stops reading would hold the
      // shutdown for ever, so after a grace period the connections still open are cut.
      const cut = setTimeout(() => app.server.closeAllConnections(), shutdownGraceMs);
      await app.close();
      clearTimeout(cut);
      await bus.close();
      limits.close();
      await store.close();
    },
  };
}
