/**
 * The catalogue codes a call of one operation can answer, whatever the pattern: those its
 * declaration implies (input, roles, resource ids in the path, versions, idempotency), those its
 * handler declares (`Operation.errors`), and those any call may meet (rate limits, overload, an
 * internal error). OpenAPI and OpenRPC document them, each adding its transport's own.
 */
import { errorCatalogue, type AnyOperation, type ErrorCode } from '../../core/core.ts';

const signedInRoles = ['guest', 'waiter', 'kitchen', 'admin'] as const;

/** Any call may meet these, whatever it asks. */
const everyCall: readonly ErrorCode[] = ['rate_limited', 'internal_error', 'unavailable', 'overloaded'];

/** In catalogue order, so every document lists them alike. */
const catalogueOrder = new Map((Object.keys(errorCatalogue) as ErrorCode[]).map((code, index) => [code, index]));

export function operationErrors(operation: AnyOperation): ErrorCode[] {
  // Strict input everywhere: an unknown field or query key is refused, so every operation can answer 400.
  const codes = new Set<ErrorCode>(['validation_failed']);
  // A bad or revoked token is refused even where anonymous callers are welcome.
  codes.add('unauthorized');
  if (!signedInRoles.every((role) => operation.roles.includes(role))) codes.add('forbidden');
  if (operation.rest && /\{\w+\}/.test(operation.rest.path)) codes.add('not_found');
  const input = operation.input as { properties?: Record<string, unknown> };
  if (operation.rest?.ifMatch || input.properties?.['expectedVersion'] !== undefined) codes.add('version_mismatch');
  if (operation.idempotent) {
    codes.add('idempotency_key_in_progress');
    codes.add('idempotency_key_reused');
  }
  for (const code of operation.errors ?? []) codes.add(code);
  for (const code of everyCall) codes.add(code);
  return sortCodes(codes);
}

export function sortCodes(codes: Iterable<ErrorCode>): ErrorCode[] {
  return [...new Set(codes)].sort((a, b) => (catalogueOrder.get(a) ?? 0) - (catalogueOrder.get(b) ?? 0));
}
