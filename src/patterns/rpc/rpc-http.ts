/**
 * JSON-RPC 2.0 over HTTP: `POST /rpc` hands the body text to the dispatcher and answers 200 with
 * the reply, or 204 when the specification says nothing is sent (notifications only).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { anonymous, BistroError, type Core, type Principal } from '../../core/core.ts';
import { methodNotAllowed, requireJsonBody } from '../http/http-rules.ts';
import { toBistroError } from '../http/errors.ts';
import { takeCalls } from '../http/rate-limit-headers.ts';
import { parseRpcText, stringifyReply, type PrincipalSource, type RpcContext, type RpcDispatcher, type RpcReply } from './rpc-dispatcher.ts';
import { toRpcError } from './rpc-errors.ts';

const json = 'application/json; charset=utf-8';

/** Errors of the HTTP envelope (size, media type, method) keep their HTTP status but speak JSON-RPC, so RPC clients can read them. */
function sendEnvelopeError(reply: FastifyReply, error: BistroError): FastifyReply {
  return reply.code(error.status).header('content-type', json).send(JSON.stringify({ jsonrpc: '2.0', error: toRpcError(error), id: null }));
}

/** A class, not an object of closures made per request: the hot path makes as little as it can. */
class HttpRpcContext implements RpcContext {
  readonly principal: PrincipalSource;
  readonly via = 'rpc';
  readonly #request: FastifyRequest;

  constructor(principal: PrincipalSource, request: FastifyRequest) {
    this.principal = principal;
    this.#request = request;
  }

  /** Every call of a batch shares the HTTP request's id. */
  requestId(): string {
    return this.#request.id;
  }

  logError(error: unknown, method: string): void {
    this.#request.log.error({ err: error, method }, 'internal error in a JSON-RPC call');
  }
}

/**
 * Made only when a call goes the whole way, not for a kept answer. One Authorization header
 * serves every call of a batch. A bad token is not an HTTP 401: each call that needs a principal
 * answers the unauthorized error (-32001) in the JSON-RPC envelope, which is what a JSON-RPC
 * client reads, and the same as over the WebSocket.
 */
function contextFor(core: Core, request: FastifyRequest): RpcContext {
  const authorization = request.headers.authorization;
  return new HttpRpcContext(authorization === undefined || authorization === '' ? anonymous : () => core.authenticateHeader(authorization), request);
}

/**
 * With rate limits on, every call of the message is counted before any runs (a batch counts each
 * call), so the token is checked first: a bad one is counted against the address and each call
 * still answers -32001, as without limits. Past the budget the whole message is refused, 429.
 */
async function countedContext(core: Core, request: FastifyRequest, reply: FastifyReply, message: unknown): Promise<RpcContext> {
  const authorization = request.headers.authorization;
  let principal: Principal = anonymous;
  let source: PrincipalSource = anonymous;
  if (authorization !== undefined && authorization !== '') {
    try {
      source = principal = await core.authenticateHeader(authorization);
    } catch (error) {
      // authenticate throws only Errors (a BistroError, or a store failure).
      const refused = error as Error;
      source = () => Promise.reject(refused);
    }
  }
  await takeCalls(core, request, reply, principal, Array.isArray(message) ? Math.max(1, message.length) : 1);
  return new HttpRpcContext(source, request);
}

function sendReply(reply: FastifyReply, answer: RpcReply | undefined): FastifyReply {
  if (answer === undefined) return reply.code(204).send();
  return reply.code(200).header('content-type', json).send(stringifyReply(answer));
}

/** `dispatcher` is made by the composition root, which hands the same one to the WebSocket at /ws. */
export async function registerRpcHttp(app: FastifyInstance, core: Core, dispatcher: RpcDispatcher): Promise<void> {

  // A plugin scope, so its parser and error handler apply to /rpc only: bad JSON must reach the
  // dispatcher as text (and come back -32700), not be answered as a problem document.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error, request, reply) => sendEnvelopeError(reply, toBistroError(error, request)));

    // Not an async handler: a kept answer is sent before this returns, with no promise to settle.
    scope.post('/rpc', (request, reply) => {
      requireJsonBody(request.headers['content-type'], 'JSON-RPC');
      const authorization = request.headers.authorization;
      const known = authorization === undefined || authorization === '';
      const text = typeof request.body === 'string' ? request.body : '';
      let message: unknown;
      try {
        message = parseRpcText(text);
      } catch {
        // The dispatcher answers bad JSON (-32700).
        return dispatcher.handleText(text, contextFor(core, request)).then((answer) => void sendReply(reply, answer));
      }
      if (core.rateLimit.policy !== undefined) {
        return countedContext(core, request, reply, message).then(
          (context) => dispatcher.handleMessage(message, context).then((answer) => void sendReply(reply, answer)),
          (error: unknown) => {
            // Past the budget: 429, with each call refused by its id so a client can match the answers.
            const refused = error instanceof BistroError && error.code === 'rate_limited' ? dispatcher.refuse(message, error) : undefined;
            if (refused === undefined) throw error;
            reply.code(429).header('content-type', json).send(stringifyReply(refused));
          },
        );
      }
      // No header is the anonymous caller, known at once: a kept answer needs no waiting.
      const readyNow = known ? dispatcher.readyJson(message) : undefined;
      if (readyNow !== undefined) {
        reply.code(200).header('content-type', json).send(readyNow);
        return;
      }
      return dispatcher.handleMessage(message, contextFor(core, request)).then((answer) => void sendReply(reply, answer));
    });

    // Tools and the web UI's top bar read the document with a plain GET; rpc.discover answers the same.
    scope.get('/openrpc.json', async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(dispatcher.discover()));

    scope.route({
      method: ['GET', 'PUT', 'PATCH', 'DELETE'],
      url: '/rpc',
      handler: (request, reply) => sendEnvelopeError(reply, methodNotAllowed(reply, ['POST'], `JSON-RPC is POST /rpc, not ${request.method}.`)),
    });
  });
}
