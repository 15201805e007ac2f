/** Errors as RFC 9457 problem details: the catalogue code plus per-field errors as JSON Pointers. */
import { STATUS_CODES } from 'node:http';
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

export function toProblem(error: BistroError, instance?: string): Problem {
  return {
    ...error.details,
    type: `urn:bistro:problem:${error.code}`,
    title: errorCatalogue[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance !== undefined ? { instance } : {}),
    ...(error.fieldErrors.length > 0 ? { errors: wireFieldErrors(error) } : {}),
  };
}

/** Longest `instance`: a problem never repeats unbounded input, and a path past this names no resource anyway. */
const maxInstanceChars = 200;

/**
 * What `instance` names by default: the request's path without its query (which may carry a
 * token, or be as long as the client likes), cut at 200 characters; none at all for a URL refused
 * for its length.
 */
export function instanceOf(url: string, error?: BistroError): string | undefined {
  if (error?.code === 'uri_too_long') return undefined;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.length > maxInstanceChars ? path.slice(0, maxInstanceChars) : path;
}

export function sendProblem(reply: FastifyReply, error: BistroError, instance = instanceOf(reply.request.url, error)): FastifyReply {
  challengeIfUnauthorized(reply, error);
  // Unavailable is for now: say when to come back.
  if (error.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
  return reply
    .code(error.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(JSON.stringify(toProblem(error, instance)));
}

/**
 * A whole HTTP/1.1 answer for a socket no framework serves (a connection refused at accept, an
 * unparsable request): the problem with `connection: close`, as the connection ends after it.
 */
export function rawProblemResponse(error: BistroError, headers: Record<string, string> = {}): string {
  const body = JSON.stringify(toProblem(error));
  const lines = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'connection: close',
    'content-type: application/problem+json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    ...(error.status === 503 && headers['retry-after'] === undefined ? ['retry-after: 1'] : []),
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
