/**
 * HTTP rules every HTTP-borne pattern follows, written once: which bodies count as JSON, how an
 * unauthorized answer challenges (RFC 6750 §3), and a 405 that names the methods allowed (RFC 9110 §15.5.6).
 * Each pattern still renders the error in its own shape (problem+json, JSON-RPC, GraphQL).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/** A wait in seconds as long polling takes it (`?wait=N`, `Prefer: wait=N`). */
export const wholeSeconds = /^\d{1,6}$/;

/** The first `wait` preference over every Prefer header (RFC 7240 §2: later repeats are ignored); undefined when absent or not a whole number. */
export function preferredWait(header: string | string[] | undefined): number | undefined {
  for (const line of [header ?? []].flat()) {
    for (const preference of line.split(',')) {
      const [name = '', ...value] = (preference.split(';')[0] ?? '').split('=');
      if (name.trim().toLowerCase() !== 'wait') continue;
      const text = value.join('=').trim().replace(/^"(.*)"$/, '$1');
      return wholeSeconds.test(text) ? Number(text) : undefined;
    }
  }
  return undefined;
}

/**
 * A GET that asks to be held (long polling: `?wait=` or a `Prefer: wait=` preference), told apart
 * once for everyone who treats it differently: REST holds it, load shedding does not count it in
 * flight, metrics count it as a long poll.
 */
export function asksToWait(request: FastifyRequest): boolean {
  return request.method === 'GET' && ('wait' in (request.query as Record<string, unknown>) || preferredWait(request.headers.prefer) !== undefined);
}
