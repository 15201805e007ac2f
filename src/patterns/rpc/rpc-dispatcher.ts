/**
 * JSON-RPC 2.0 over the catalogue, with no transport: a message (text or parsed) and a principal in,
 * the reply out, or `undefined` when the specification says nothing is sent. HTTP and the
 * WebSocket both hand their messages here. Section numbers below are the spec's (jsonrpc.org/specification).
 */
import { BistroError, clipped, type Core, invalid, type Principal } from '../../core/core.ts';
import { createOpenRpcDocument } from './openrpc.ts';
import { RawNumberId, type PrincipalSource, type RpcContext, type RpcEndpoint, type RpcError, type RpcId, type RpcReply, type RpcResponse, type TransportMethod } from '../http/json-rpc.ts';
import { parseRpcText } from './exact-ids.ts';
import { internalError, protocolError, toRpcError } from './rpc-errors.ts';

// The transport-facing types live in patterns/http, where the WebSocket pattern can see them too.
export type { PrincipalSource, RpcContext, RpcId, RpcReply, RpcResponse, TransportMethod } from '../http/json-rpc.ts';
export { parseRpcText } from './exact-ids.ts';

export interface RpcDispatcherOptions {
  core: Pick<Core, 'catalogue' | 'invoke' | 'answers'>;
  /** Most requests one batch may hold; a longer batch is refused whole with one -32600. */
  maxBatch: number;
  /** The service version `rpc.discover` reports. */
  version: string;
}

export interface RpcDispatcher extends RpcEndpoint {
  /**
   * The reply at once, without waiting on anything, when the message is one call to a shared read
   * whose result is kept and the caller is already known (a principal, not a way to find one);
   * otherwise undefined, and the message goes to `handleMessage`. Never throws.
   */
  ready(message: unknown, context: RpcContext): RpcResponse | undefined;
  /**
   * As `ready`, for a caller the transport has already authenticated (every principal may call a
   * shared read), and as the reply's JSON text: no response object to build and serialise.
   */
  readyJson(message: unknown): string | undefined;
  /** The OpenRPC document `rpc.discover` answers over HTTP, also served at `GET /openrpc.json`. */
  discover(): Record<string, unknown>;
}

type Checked =
  | { ok: true; id: RpcId; notification: boolean; method: string; params: object | undefined }
  | { ok: false; id: RpcId; error: RpcError };

const failure = (id: RpcId, error: RpcError): RpcResponse => ({ jsonrpc: '2.0', error, id });

/** A shared read's result, and its JSON made once for every caller until the log grows. */
interface KeptResult {
  output: unknown;
  json: string;
}

/** Responses whose result JSON is ready-made: `stringifyReply` splices it in instead of serialising the result again. */
const readyResults = new WeakMap<RpcResponse, string>();

const idJson = (id: RpcId) => (id instanceof RawNumberId ? id.json : JSON.stringify(id));

/** Same bytes JSON.stringify would give a success response: the envelope's keys in the same order. */
const envelope = (resultJson: string, id: RpcId) => `{"jsonrpc":"2.0","result":${resultJson},"id":${idJson(id)}}`;

function stringifyResponse(response: RpcResponse): string {
  const result = readyResults.get(response);
  if (result !== undefined) return envelope(result, response.id);
  if (!(response.id instanceof RawNumberId)) return JSON.stringify(response);
  // The id is the envelope's last key, so the rest is written as usual and the raw id appended.
  const { id, ...rest } = response;
  return `${JSON.stringify(rest).slice(0, -1)},"id":${id.json}}`;
}

/** The reply as JSON text, with ready-made results spliced in. */
export function stringifyReply(reply: RpcReply): string {
  return Array.isArray(reply) ? `[${reply.map(stringifyResponse).join(',')}]` : stringifyResponse(reply);
}

/**
 * §4: an id is a string, a number or null. A number past a safe integer arrives as its raw text
 * (exact-ids.ts); one that parses to Infinity (1e400) is refused, as JSON clients could not read it back.
 */
const isValidId = (id: unknown): id is RpcId => typeof id === 'string' || id === null || (typeof id === 'number' && Number.isFinite(id)) || id instanceof RawNumberId;

function checkRequest(request: unknown): Checked {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { ok: false, id: null, error: protocolError('invalidRequest', 'A request is a JSON object.') };
  }
  const fields = request as Record<string, unknown>;
  const hasId = Object.hasOwn(fields, 'id');
  // §5: when the id cannot be read, the error goes back with id null.
  if (hasId && !isValidId(fields['id'])) return { ok: false, id: null, error: protocolError('invalidRequest', 'id must be a string, a number or null.') };
  const id = hasId ? (fields['id'] as RpcId) : null;
  if (fields['jsonrpc'] !== '2.0') return { ok: false, id, error: protocolError('invalidRequest', 'jsonrpc must be exactly "2.0".') };
  const method = fields['method'];
  if (typeof method !== 'string') return { ok: false, id, error: protocolError('invalidRequest', 'method must be a string.') };
  const params = fields['params'];
  if (Object.hasOwn(fields, 'params') && (typeof params !== 'object' || params === null)) {
    return { ok: false, id, error: protocolError('invalidRequest', 'params, when present, must be an object (or an array).') };
  }
  return { ok: true, id, notification: !hasId, method, params: params as object | undefined };
}

function memoize(source: PrincipalSource): () => Promise<Principal> {
  if (typeof source !== 'function') return () => Promise.resolve(source);
  let found: Promise<Principal> | undefined;
  return () => (found ??= source());
}

const isEmpty = (params: object | undefined) => params === undefined || Object.keys(params).length === 0;

export function createRpcDispatcher({ core, maxBatch, version }: RpcDispatcherOptions): RpcDispatcher {
  let discovery: Record<string, unknown> | undefined;
  const kept = core.answers.slot<KeptResult>();

  const keyOf = (method: string, params: object) => `${method}\u0000${JSON.stringify(params)}`;

  /** A shared read: the kept result while the log has not grown (params keyed as JSON), else read and kept. */
  async function sharedResult(method: string, params: object, principal: Principal, context: RpcContext): Promise<KeptResult> {
    const key = keyOf(method, params);
    const hit = kept.get(key);
    if (hit) return hit;
    const readAt = core.answers.head();
    const output = (await core.answers.read(method, params as Record<string, unknown>, principal, { via: context.via, requestId: context.requestId?.() })).output ?? null;
    const result = { output, json: JSON.stringify(output) };
    kept.set(key, result, readAt);
    return result;
  }

  /** `rpc.discover` on a transport that adds methods lists them too; one document per set of methods. */
  const discoveries = new WeakMap<ReadonlyMap<string, TransportMethod>, Record<string, unknown>>();
  function discover(methods: ReadonlyMap<string, TransportMethod> | undefined): Record<string, unknown> {
    discovery ??= createOpenRpcDocument(core.catalogue, version);
    if (!methods || methods.size === 0) return discovery;
    let document = discoveries.get(methods);
    if (!document) {
      const own = [...methods.values()].map((method) => method.describe);
      document = { ...discovery, methods: [...(discovery['methods'] as unknown[]), ...own] };
      discoveries.set(methods, document);
    }
    return document;
  }

  /** Runs one well-formed call; every failure becomes an error object. */
  async function run(method: string, params: object | undefined, principal: () => Promise<Principal>, context: RpcContext): Promise<{ result: unknown; json?: string } | { error: RpcError }> {
    // §3 reserves rpc.* for the server itself. OpenRPC tools send `params: []` to rpc.discover, so that is accepted too.
    if (method === 'rpc.discover') {
      if (!isEmpty(params)) return { error: toRpcError(invalid('', 'rpc.discover takes no params')) };
      return { result: discover(context.methods) };
    }
    const own = context.methods?.get(method);
    if (!own && (method.startsWith('rpc.') || core.catalogue.get(method) === undefined)) {
      return { error: protocolError('methodNotFound', `There is no method "${clipped(method, 100)}".`) };
    }
    if (Array.isArray(params)) {
      return { error: toRpcError(invalid('', `params go by name: send an object such as {"id": …}, not an array`)) };
    }
    try {
      // The principal first, even for a ready-made answer: a bad token is refused (-32001) all the same.
      const who = await principal();
      if (own) return { result: (await own.run((params ?? {}) as Record<string, unknown>, who)) ?? null };
      if (core.answers.isShared(method)) {
        const { output, json } = await sharedResult(method, params ?? {}, who, context);
        return { result: output, json };
      }
      const { output } = await core.invoke(method, params ?? {}, who, { via: context.via, requestId: context.requestId?.() });
      return { result: output ?? null };
    } catch (error) {
      if (error instanceof BistroError && error.code !== 'internal_error') return { error: toRpcError(error) };
      context.logError(error, method);
      return { error: internalError() };
    }
  }

  async function answer(request: unknown, principal: () => Promise<Principal>, context: RpcContext): Promise<RpcResponse | undefined> {
    const checked = checkRequest(request);
    if (!checked.ok) return failure(checked.id, checked.error);
    const outcome = await run(checked.method, checked.params, principal, context);
    // §4.1: a notification is run but never answered, not even with an error.
    if (checked.notification) return undefined;
    if (!('result' in outcome)) return failure(checked.id, outcome.error);
    const response: RpcResponse = { jsonrpc: '2.0', result: outcome.result, id: checked.id };
    if (outcome.json !== undefined) readyResults.set(response, outcome.json);
    return response;
  }

  /** The kept result for one well-formed call to a shared read, with the call's id. */
  function keptFor(message: unknown): { hit: KeptResult; id: RpcId } | undefined {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
    const method = (message as { method?: unknown }).method;
    if (typeof method !== 'string' || !core.answers.isShared(method)) return undefined;
    const checked = checkRequest(message);
    if (!checked.ok || checked.notification || Array.isArray(checked.params)) return undefined;
    const hit = kept.get(keyOf(method, checked.params ?? {}));
    return hit && { hit, id: checked.id };
  }

  function ready(message: unknown, context: RpcContext): RpcResponse | undefined {
    // A lazy principal may yet be refused (a bad token), so such a call goes the whole way.
    if (typeof context.principal === 'function') return undefined;
    const found = keptFor(message);
    if (!found) return undefined;
    const response: RpcResponse = { jsonrpc: '2.0', result: found.hit.output, id: found.id };
    readyResults.set(response, found.hit.json);
    return response;
  }

  function readyJson(message: unknown): string | undefined {
    const found = keptFor(message);
    return found && envelope(found.hit.json, found.id);
  }

  async function handleMessage(message: unknown, context: RpcContext): Promise<RpcReply | undefined> {
    const readyNow = ready(message, context);
    if (readyNow) return readyNow;
    const principal = memoize(context.principal);
    try {
      if (!Array.isArray(message)) return await answer(message, principal, context);
      // §6: an empty batch is one Invalid Request, not an empty array.
      if (message.length === 0) return failure(null, protocolError('invalidRequest', 'A batch needs at least one request.'));
      if (message.length > maxBatch) return failure(null, protocolError('invalidRequest', `A batch may hold at most ${maxBatch} requests; this one has ${message.length}.`));
      // §6 allows the calls of a batch to run concurrently; answers keep the batch's order anyway.
      const responses = await Promise.all(message.map((request) => answer(request, principal, context)));
      const answered = responses.filter((response) => response !== undefined);
      return answered.length > 0 ? answered : undefined;
    } catch (error) {
      context.logError(error, '(dispatch)');
      return failure(null, internalError());
    }
  }

  return {
    handleMessage,
    ready,
    readyJson,
    discover: () => discover(undefined),
    stringify: stringifyReply,
    invalidRequest: (detail) => failure(null, protocolError('invalidRequest', detail)),
    refuse(message, error) {
      const refusal = toRpcError(error);
      const refused = (request: unknown) => {
        const id = (request as { id?: unknown } | null)?.id;
        return typeof request === 'object' && request !== null && !Object.hasOwn(request, 'id') ? undefined : failure(isValidId(id) ? id : null, refusal);
      };
      if (!Array.isArray(message)) return refused(message);
      const answered = message.map(refused).filter((response) => response !== undefined);
      return answered.length > 0 ? answered : undefined;
    },
    parse: parseRpcText,
    async handleText(text, context) {
      let message: unknown;
      try {
        message = parseRpcText(text);
      } catch {
        return failure(null, toRpcError(new BistroError('malformed_json', 'The message is not valid JSON.')));
      }
      return handleMessage(message, context);
    },
  };
}
