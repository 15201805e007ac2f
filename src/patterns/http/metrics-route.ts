/**
 * `GET /metrics`: this node's metrics in the Prometheus text format (core/metrics.ts keeps them).
 * Here only what the HTTP host knows: every answer by pattern and status with its time, and the
 * TCP connections open to the server. Open like /healthz unless BISTRO_METRICS=off (README).
 */
import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import { asksToWait } from './http-rules.ts';
import type { Core } from '../../core/core.ts';

/** Paths that are not REST resources, by the pattern they serve. */
const patternsByRoute: Readonly<Record<string, string>> = {
  '/rpc': 'rpc',
  '/graphql': 'graphql',
  '/events/stream': 'sse',
  '/metrics': 'ops',
  '/healthz': 'ops',
  '/readyz': 'ops',
};

/** The pattern a route serves, known when it is registered; a REST GET may still be a long poll. */
function patternOfRoute(url: string): string {
  const known = patternsByRoute[url];
  if (known !== undefined) return known;
  if (url.startsWith('/graphiql')) return 'graphql';
  if (url.startsWith('/docs') || url === '/openapi.json' || url === '/openrpc.json') return 'docs';
  if (url === '/' || url.startsWith('/assets/') || url.startsWith('/demo/') || url.startsWith('/lab/')) return 'web';
  return 'rest';
}

export interface MetricsRouteOptions {
  /** Off: no route and no per-request bookkeeping. */
  enabled: boolean;
  /** TCP connections open to the HTTP server now (the transport limits count them already). */
  openConnections: () => number;
}

export function registerMetrics(app: FastifyInstance, core: Core, { enabled, openConnections }: MetricsRouteOptions): void {
  if (!enabled) return;
  const { metrics } = core;
  metrics.reportOpen('connections', 'http', openConnections);
  // Each route learns its pattern once, as it is registered: reading `request.routeOptions` per
  // answer builds a dozen-field object each time, a sixth of a cached read's cost (bench rest.menu-item).
  // A hijacked reply (an SSE stream once started) never gets here: its stream is counted as open instead.
  app.addHook('onRoute', (route) => {
    const pattern = patternOfRoute(route.url ?? route.path);
    const answered: onResponseHookHandler = (request, reply, done) => {
      metrics.httpAnswered(pattern === 'rest' && asksToWait(request) ? 'long-poll' : pattern, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    route.onResponse = [...[route.onResponse ?? []].flat(), answered];
  });
  // No route: a 404, or a request refused before routing.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) metrics.httpAnswered('unrouted', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metrics.scrape();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(text);
  });
}
