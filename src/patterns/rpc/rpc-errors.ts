/**
 * JSON-RPC error objects: the protocol's own codes (spec §5.1) and the one table that maps each
 * catalogue code to its JSON-RPC code. docs/protocols/json-rpc.md prints this table.
 */
import { BistroError, errorCatalogue, type ErrorCode, wireFieldErrors } from '../../core/core.ts';
import type { RpcError, RpcErrorData } from '../http/json-rpc.ts';

export type { RpcError, RpcErrorData } from '../http/json-rpc.ts';

/** The protocol's reserved codes, with the messages the specification gives them. */
export const protocolErrors = {
  parse: { code: -32700, message: 'Parse error' },
  invalidRequest: { code: -32600, message: 'Invalid Request' },
  methodNotFound: { code: -32601, message: 'Method not found' },
  invalidParams: { code: -32602, message: 'Invalid params' },
  internal: { code: -32603, message: 'Internal error' },
} as const;

/**
 * Catalogue code → JSON-RPC code. Errors of the client's own request use the spec's codes; domain
 * errors sit in the server range as −32000 − (HTTP status − 400), so 404 is −32004 and conflicts
 * (409) share −32009: `data.code` tells them apart. `unavailable` is the generic −32000.
 * `satisfies Record<ErrorCode, …>` makes a new catalogue code fail to compile until it is mapped here.
 */
export const rpcErrorCodes = {
  malformed_json: -32700,
  validation_failed: -32602,
  internal_error: -32603,
  unavailable: -32000,
  unauthorized: -32001,
  forbidden: -32003,
  not_found: -32004,
  method_not_allowed: -32005,
  invalid_transition: -32009,
  already_exists: -32009,
  idempotency_key_in_progress: -32009,
  menu_item_unavailable: -32009,
  webhook_disabled: -32009,
  lab_run_in_progress: -32009,
  quota_exceeded: -32009,
  version_mismatch: -32012,
  request_timeout: -32008,
  payload_too_large: -32013,
  uri_too_long: -32014,
  unsupported_media_type: -32015,
  idempotency_key_reused: -32022,
  resync_required: -32010,
  precondition_required: -32028,
  rate_limited: -32029,
  headers_too_large: -32031,
  overloaded: -32000,
} as const satisfies Record<ErrorCode, number>;

const protocolMessages = new Map<number, string>(Object.values(protocolErrors).map(({ code, message }) => [code, message]));

/**
 * A catalogue error as a JSON-RPC error: the message is the code's stable title (or the spec's
 * phrase for the spec's codes), the specific sentence travels in `data.detail`.
 */
export function toRpcError(error: BistroError): RpcError {
  const code = rpcErrorCodes[error.code];
  const data: RpcErrorData = { ...error.details, code: error.code };
  // An internal error's message may name a request id but never internals; the catalogue title is all we say.
  if (error.code !== 'internal_error') data.detail = error.message;
  if (error.fieldErrors.length > 0) data.errors = wireFieldErrors(error);
  return { code, message: protocolMessages.get(code) ?? errorCatalogue[error.code].title, data };
}

/** An error of the JSON-RPC envelope itself (-32600, -32601): no catalogue code applies. */
export function protocolError(kind: 'invalidRequest' | 'methodNotFound', detail: string): RpcError {
  return { ...protocolErrors[kind], data: { detail } };
}

export const internalError = (): RpcError => toRpcError(new BistroError('internal_error'));
