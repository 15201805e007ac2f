/**
 * The HTTP host every HTTP-borne pattern mounts on: one Fastify instance with the body limit,
 * the JSON-only body parser, request ids, and errors answered as problem details by default.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import { BistroError, type Core } from '../../core/core.ts';
import { instanceOf, sendProblem } from './problem.ts';
import { toBistroError } from './errors.ts';
import { registerMetrics } from './metrics-route.ts';
import { answerClientError } from './client-errors.ts';
import { capConnections, timeoutOptions, type TransportLimits } from './transport-limits.ts';
import { echoRequestIds, requestIdOf } from './request-id.ts';

export interface HttpOptions {
  bodyLimitBytes: number;
  logLevel: string;
  limits: TransportLimits;
  /** `GET /metrics` and the per-answer HTTP series (BISTRO_METRICS). */
  metrics: boolean;
}

/** A URL as it may be logged: a `token` query parameter (SSE, WebSocket: browsers cannot send headers there) hidden. */
export function withoutToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1***');
}

/** Fastify's own request serializer (debug request lines), with the token taken out of the URL. */
function serializeRequest(raw: unknown) {
  // Fastify hands its request to the serializer, though its types name the raw one.
  const request = raw as FastifyRequest;
  return { method: request.method, url: withoutToken(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

const closingApps = new WeakSet<FastifyInstance>();

/**
 * True once the node began shutting down. An answer given from then on (a parked long poll
 * answered at once) should close its connection: the server's close waits for every connection,
 * and one kept alive after its answer would hold it for the whole keep-alive timeout.
 */
export function isClosing(app: FastifyInstance): boolean {
  return closingApps.has(app);
}

export function createHttpApp(core: Core, { bodyLimitBytes, logLevel, limits, metrics }: HttpOptions): FastifyInstance {
  const app = Fastify({
    ...timeoutOptions(limits),
    // Errors raised before a route runs speak the catalogue too: a request Node's parser refuses, a URL Fastify cannot decode.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, request, reply) => {
      void sendProblem(reply, toBistroError(error, request));
    },
    bodyLimit: bodyLimitBytes,
    logger: logLevel === 'silent' ? false : { level: logLevel, serializers: { req: serializeRequest } },
    // A line per request costs more than the request itself; debug turns them on.
    logController: new LogController({ disableRequestLogging: logLevel !== 'debug' }),
    // Tokens travel in headers; no path parameter needs to be long.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: true,
    // Always our function, never Fastify's header copy: a client's id is kept only when short and plain.
    genReqId: requestIdOf,
    requestIdHeader: false,
  });
  echoRequestIds(app.server);
  const openConnections = capConnections(app.server, limits);

  // Added before any other preClose hook, so it is set before the core answers parked requests.
  app.addHook('preClose', (done) => {
    closingApps.add(app);
    done();
  });
  // Fastify parses text/plain by default; a JSON API answers such bodies 415, not a confusing 400.
  app.removeContentTypeParser('text/plain');
  // Clients often send `content-type: application/json` on a DELETE with no body; that is no body, not bad JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) done(null, undefined);
    else void parseJson(request, body.toString(), done);
  });
  app.setErrorHandler((error, request, reply) => sendProblem(reply, toBistroError(error, request)));
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new BistroError('not_found', `Nothing at ${request.method} ${instanceOf(request.url)}.`)));

  // Before any route, so each route learns its metrics pattern as it is registered.
  registerMetrics(app, core, { enabled: metrics, openConnections });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await core.checkReady();
      return { status: 'ready' };
    } catch {
      return sendProblem(reply, new BistroError('unavailable', 'The database does not answer.'));
    }
  });
  return app;
}
