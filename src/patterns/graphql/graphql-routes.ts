/**
 * GraphQL over HTTP at `/graphql` (GraphQL-over-HTTP spec): GET for queries, POST for anything,
 * `application/graphql-response+json` when the client accepts it (4xx for requests that never ran),
 * `application/json` otherwise (200 once the request is well formed), GraphiQL for browsers.
 * Subscriptions use the same path over WebSocket (subscriptions.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OperationTypeNode, type GraphQLFormattedError } from 'graphql';
import { anonymous, BistroError, type Core, type Principal } from '../../core/core.ts';
import { challengeIfUnauthorized, methodNotAllowed, requireJsonBody } from '../http/http-rules.ts';
import { toBistroError } from '../http/errors.ts';
import { takeCalls } from '../http/rate-limit-headers.ts';
import { createExecutor, type GraphqlOptions } from './executor.ts';
import { bistroErrorBody, formatErrors, type FormatOptions } from './format-errors.ts';
import { registerGraphiqlAssets, sendGraphiql } from './graphiql.ts';
import { explainingVariables } from './variable-pointers.ts';
import { rootFieldPath } from './operation-fields.ts';
import { createContext, createGraphqlSchema, type GraphqlContext } from './schema.ts';
import { registerGraphqlSubscriptions, type SubscriptionOptions } from './subscriptions.ts';

type Media = 'graphql-response' | 'json' | 'html';

const contentTypes: Record<Exclude<Media, 'html'>, string> = {
  'graphql-response': 'application/graphql-response+json; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** By q-value, then specificity; `*\/*` and a missing Accept mean application/json (spec §Accept, legacy clients). */
export function negotiate(accept: string | undefined, allowHtml: boolean): Media {
  // The common cases, before any parsing: no Accept, or exactly one of ours.
  if (accept === undefined || accept === 'application/json') return 'json';
  if (accept === 'application/graphql-response+json') return 'graphql-response';
  let best: { media: Media; q: number; rank: number } = { media: 'json', q: 0, rank: 0 };
  for (const part of (accept ?? '').toLowerCase().split(',')) {
    const [range = '', ...parameters] = part.split(';').map((piece) => piece.trim());
    const qParameter = parameters.find((parameter) => parameter.startsWith('q='));
    const q = qParameter ? Number(qParameter.slice(2)) : 1;
    if (!(q > 0)) continue;
    const candidate: { media: Media; rank: number } | undefined =
      range === 'application/graphql-response+json' ? { media: 'graphql-response', rank: 4 }
      : range === 'application/json' ? { media: 'json', rank: 3 }
      : range === 'text/html' && allowHtml ? { media: 'html', rank: 2 }
      : range === 'application/*' || range === '*/*' ? { media: 'json', rank: 1 }
      : undefined;
    if (candidate && (q > best.q || (q === best.q && candidate.rank > best.rank))) best = { ...candidate, q };
  }
  return best.media;
}

interface GraphqlParams {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
}

function badRequest(message: string): BistroError {
  return new BistroError('validation_failed', message);
}

/** `variables` or `extensions`: a map, or absent or null; in a URL, the map's JSON text. */
function mapParameter(raw: Record<string, unknown>, name: 'variables' | 'extensions', fromUrl: boolean): Record<string, unknown> | undefined {
  let value = raw[name];
  if (fromUrl && typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw badRequest(`"${name}" must be a JSON object.`);
    }
  }
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`"${name}" must be an object.`);
  return value as Record<string, unknown>;
}

function paramsFrom(raw: Record<string, unknown>, fromUrl: boolean): GraphqlParams {
  const { query, operationName } = raw;
  if (typeof query !== 'string' || query.trim() === '') throw badRequest('Send the GraphQL document as the string "query".');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') throw badRequest('"operationName" must be a string.');
  const variables = mapParameter(raw, 'variables', fromUrl);
  // Bistro reads no extensions, but one that is not a map is a malformed request (GraphQL over HTTP §Request Parameters), 400 as other servers answer.
  mapParameter(raw, 'extensions', fromUrl);
  return { query, operationName: operationName ?? undefined, variables };
}


function sendText(reply: FastifyReply, media: Media, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', contentTypes[media === 'html' ? 'json' : media])
    .header('vary', 'accept')
    .send(body);
}

function send(reply: FastifyReply, media: Media, status: number, body: { data?: unknown; errors?: readonly GraphQLFormattedError[] }): FastifyReply {
  return sendText(reply, media, status, JSON.stringify(body));
}

/** Longest document whose answer is kept: the menu queries are far shorter, and junk cannot fill memory with long keys. */
const maxKeptQueryChars = 4096;

/**
 * An invoke for one request that reads shared reads through the core's answer cache, and notes
 * whether anything else ran (or the principal was looked at): only a response made of shared
 * reads alone is the same for every caller and may be kept.
 */
function trackedContext(core: Core, principal: Principal, requestId: string): { context: GraphqlContext; sharedOnly: () => boolean } {
  let shared = true;
  const options = { via: 'graphql', requestId } as const;
  const invoke: Core['invoke'] = async (name, input, who) => {
    if (!core.answers.isShared(name)) {
      shared = false;
      return core.invoke(name, input, who, options);
    }
    return core.answers.read(name, input as Record<string, unknown>, who, options);
  };
  const context = createContext(invoke, principal);
  Object.defineProperty(context, 'principal', {
    get() {
      shared = false;
      return principal;
    },
  });
  return { context, sharedOnly: () => shared };
}

/** The default `limit` of each paged root field, read from its operation's input schema (for the cost). */
function defaultLimits(core: Core): Map<string, number> {
  const limits = new Map<string, number>();
  for (const operation of core.catalogue.list()) {
    const input = operation.input as { properties?: { limit?: { default?: unknown } } } | undefined;
    const limit = input?.properties?.limit?.default;
    if (typeof limit === 'number') limits.set(rootFieldPath(operation), limit);
  }
  return limits;
}

export async function registerGraphqlRoutes(app: FastifyInstance, core: Core, options: GraphqlOptions & SubscriptionOptions): Promise<void> {
  const schema = createGraphqlSchema(core.catalogue.list());
  const executor = explainingVariables(createExecutor(schema, options, defaultLimits(core)), schema);
  // Whole responses to queries made only of shared reads, by document and variables.
  const kept = core.answers.slot<string>();

  /**
   * Not async: a kept answer to an anonymous caller is sent before this returns. Nothing here
   * resolves with `reply` either: a Reply is a thenable, and a promise adopting it waits for the
   * response to finish through end-of-stream listeners added and removed on every request.
   */
  function handle(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    const isGet = request.method === 'GET';
    const media = negotiate(request.headers.accept, isGet);
    const query = request.query as Record<string, unknown>;
    if (media === 'html' && query['query'] === undefined) {
      sendGraphiql(reply);
      return undefined;
    }
    if (!isGet) requireJsonBody(request.headers['content-type'], 'the GraphQL request');
    const params = paramsFrom(isGet ? query : ((request.body ?? {}) as Record<string, unknown>), isGet);
    const key = params.query.length <= maxKeptQueryChars ? `${params.operationName ?? ''}\u0000${params.query}\u0000${params.variables === undefined ? '' : JSON.stringify(params.variables)}` : undefined;
    // Only queries are kept, so a kept answer is as good for GET as for POST; success is 200 in either media type.
    // With rate limits on, even a kept answer is counted, which takes the longer way.
    const hit = key === undefined || request.headers.authorization !== undefined || core.rateLimit.policy !== undefined ? undefined : kept.get(key);
    if (hit !== undefined) {
      sendText(reply, media, 200, hit);
      return undefined;
    }
    return execute(request, reply, media, params, key);
  }

  async function execute(request: FastifyRequest, reply: FastifyReply, media: Media, params: GraphqlParams, key: string | undefined): Promise<void> {
    // Before any kept answer: a bad token is refused even for the menu.
    const authorization = request.headers.authorization;
    const principal = authorization === undefined ? anonymous : await core.authenticateHeader(authorization);
    await takeCalls(core, request, reply, principal);
    const hit = key === undefined ? undefined : kept.get(key);
    if (hit !== undefined) {
      sendText(reply, media, 200, hit);
      return;
    }
    const readAt = core.answers.head();
    const failed = media === 'graphql-response' ? 400 : 200;
    const format: FormatOptions = {
      suggestions: options.graphqlSuggestions,
      internal(error) {
        request.log.error({ err: error }, 'graphql resolver failed');
        return `Something went wrong on our side (request ${request.id}).`;
      },
    };

    const preparation = executor.prepare(params.query, params.operationName);
    if (!preparation.ok) {
      send(reply, media, failed, { errors: formatErrors(preparation.errors, true, format) });
      return;
    }
    if (preparation.prepared.operation === OperationTypeNode.SUBSCRIPTION) {
      send(reply, media, failed, bistroErrorBody(new BistroError('validation_failed', 'Subscriptions travel over the WebSocket at /graphql (protocol graphql-transport-ws).')));
      return;
    }
    if (request.method === 'GET' && preparation.prepared.operation !== OperationTypeNode.QUERY) {
      send(reply, media, 405, bistroErrorBody(methodNotAllowed(reply, ['POST'], `A ${preparation.prepared.operation} travels by POST.`)));
      return;
    }
    const { context, sharedOnly } = trackedContext(core, principal, request.id);
    const result = await executor.run(preparation.prepared, context, params.variables);
    const ran = 'data' in result;
    const errors = result.errors ? formatErrors(result.errors, !ran, format) : undefined;
    const body = JSON.stringify({ ...(errors ? { errors } : {}), ...(ran ? { data: result.data } : {}) });
    // Answers with errors are not kept: an internal error names its request id.
    if (key !== undefined && ran && !errors && sharedOnly() && preparation.prepared.operation === OperationTypeNode.QUERY) kept.set(key, body, readAt);
    sendText(reply, media, ran ? 200 : failed, body);
  }

  await app.register(async (scope) => {
    // Body errors (bad JSON, too large, unknown media type) answer in GraphQL's shape, not problem+json.
    scope.setErrorHandler((error, request, reply) => {
      const bistroError = toBistroError(error, request);
      challengeIfUnauthorized(reply, bistroError);
      return send(reply, negotiate(request.headers.accept, false), bistroError.status, bistroErrorBody(bistroError));
    });
    scope.get('/graphql', handle);
    scope.post('/graphql', handle);
    scope.route({
      method: ['PUT', 'PATCH', 'DELETE'],
      url: '/graphql',
      handler: async (request, reply) => {
        return send(reply, negotiate(request.headers.accept, false), 405, bistroErrorBody(methodNotAllowed(reply, ['GET', 'POST'], 'GraphQL answers GET and POST.')));
      },
    });
  });
  registerGraphiqlAssets(app);
  registerGraphqlSubscriptions(app, core, schema, executor, options);
}
