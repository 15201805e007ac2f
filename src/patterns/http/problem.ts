/** Errors as RFC 9457 problem details: the catalogue code plus per-field errors as JSON Pointers. */
import type { FastifyReply } from 'fastify';
import { type BistroError, errorCatalogue, type WireFieldError, wireFieldErrors } from '../../core/core.ts';
import { challengeIfUnauthorized } from './http-rules.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: WireFieldError[];
  /** Extension members (RFC 9457 §3.2) from the error's details, such as a resync's `head`. */
  [member: string]: unknown;
}

/** Longest `instance` repeated, in characters: the request's URL is the client's input, so its size is theirs to choose. */
const maxInstanceLength = 256;

/** The URL as `instance` when it is short; else its path alone; else none (a URI reference cannot be cut). */
function boundedInstance(url: string): string | undefined {
  if (url.length <= maxInstanceLength) return url;
  const path = url.split('?', 1)[0] ?? '';
  return path.length <= maxInstanceLength ? path : undefined;
}

export function toProblem(error: BistroError, instance?: string): Problem {
  const shown = instance === undefined ? undefined : boundedInstance(instance);
  return {
    ...error.details,
    type: `urn:bistro:problem:${error.code}`,
    title: errorCatalogue[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(shown !== undefined ? { instance: shown } : {}),
    ...(error.fieldErrors.length > 0 ? { errors: wireFieldErrors(error) } : {}),
  };
}

/** `instance` is the request's URL unless given: a route whose URL may carry a token names its path alone. */
export function sendProblem(reply: FastifyReply, error: BistroError, instance = reply.request.url): FastifyReply {
  challengeIfUnauthorized(reply, error);
  // Unavailable is for now: say when to come back.
  if (error.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
  return reply
    .code(error.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(JSON.stringify(toProblem(error, instance)));
}
