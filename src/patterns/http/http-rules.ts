/**
 * HTTP rules every HTTP-borne pattern follows, written once: which bodies count as JSON, how an
 * unauthorized answer challenges (RFC 6750 §3), and a 405 that names the methods allowed (RFC 9110 §15.5.6).
 * Each pattern still renders the error in its own shape (problem+json, JSON-RPC, GraphQL).
 */
import type { FastifyReply } from 'fastify';
import { BistroError } from '../../core/core.ts';

/** `application/json`, with or without parameters such as `charset`; the usual exact header skips the parsing. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === 'application/json' || contentType === 'application/json; charset=utf-8') return true;
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** Refuses a body that is not JSON with the catalogue's 415. */
export function requireJsonBody(contentType: string | undefined, what = 'the body'): void {
  if (!isJsonMediaType(contentType)) throw new BistroError('unsupported_media_type', `Send ${what} as application/json, not ${contentType ?? 'nothing'}.`);
}

/** An unauthorized answer names the scheme it wants; call it before sending any error. */
export function challengeIfUnauthorized(reply: FastifyReply, error: BistroError): void {
  if (error.code === 'unauthorized') reply.header('www-authenticate', 'Bearer realm="bistro"');
}

/** Sets `Allow` and returns the error for the pattern to send in its own shape. */
export function methodNotAllowed(reply: FastifyReply, allow: readonly string[], detail: string): BistroError {
  reply.header('allow', allow.join(', '));
  return new BistroError('method_not_allowed', detail);
}
