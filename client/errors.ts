/**
 * One error for every pattern: whichever of REST (problem+json), JSON-RPC (error objects with
 * `data.code`) or GraphQL (`extensions.code`) carried it, the caller sees the catalogue `code`,
 * its HTTP status and the field pointers, so error handling never depends on the pattern chosen.
 */
import { errorStatuses, type ErrorCode } from './generated/catalogue.ts';

export interface FieldError {
  /** JSON Pointer into the operation's input, e.g. `/items/0/quantity`. */
  pointer: string;
  detail: string;
}

/** A code the catalogue does not know (a newer server, or a proxy's own answer). */
export type ClientErrorCode = ErrorCode | 'network_error' | 'unexpected_answer';

export class BistroClientError extends Error {
  override name = 'BistroClientError';
  readonly code: ClientErrorCode;
  /** The HTTP status the catalogue gives the code (also over JSON-RPC and GraphQL); 0 when no answer came. */
  readonly status: number;
  readonly fields: readonly FieldError[];
  /** Seconds to wait before trying again, when the server said (429, 503). */
  readonly retryAfterSeconds: number | undefined;
  /** The server's other details (`errorCount`, `head` of a resync, …). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ClientErrorCode, message: string, options: { status?: number; fields?: readonly FieldError[]; retryAfterSeconds?: number | undefined; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? statusOf(code);
    this.fields = options.fields ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details ?? {};
  }

  /** Worth trying again as it is: the server was busy or away, or the connection failed. */
  get retryable(): boolean {
    return this.code === 'network_error' || this.code === 'rate_limited' || this.code === 'unavailable' || this.code === 'overloaded' || this.code === 'request_timeout';
  }
}

function statusOf(code: string): number {
  return (errorStatuses as Record<string, number>)[code] ?? 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string the server sent, or the fallback: a malformed answer must not become "[object Object]". */
function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function fieldsOf(list: unknown): FieldError[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((entry) => ({ pointer: text(entry['pointer'], ''), detail: text(entry['detail'], text(entry['message'], '')) }));
}

function codeOf(value: unknown, fallback: ClientErrorCode): ClientErrorCode {
  return typeof value === 'string' && value !== '' ? (value as ClientErrorCode) : fallback;
}

const known = new Set(['code', 'errors', 'detail', 'title', 'type', 'status', 'instance']);
const detailsOf = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([key]) => !known.has(key)));

/** `Retry-After` in seconds (the delay form; Bistro never sends a date). */
export function retryAfterOf(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** A REST (or SSE, long-poll) answer that is not 2xx: its problem+json, or what little there is. */
export function fromProblem(status: number, body: unknown, headers: Headers): BistroClientError {
  const retryAfterSeconds = retryAfterOf(headers);
  if (!isRecord(body)) return new BistroClientError('unexpected_answer', `HTTP ${status} without a problem document`, { status, retryAfterSeconds });
  const message = text(body['detail'], text(body['title'], `HTTP ${status}`));
  return new BistroClientError(codeOf(body['code'], 'unexpected_answer'), message, { status, fields: fieldsOf(body['errors']), retryAfterSeconds, details: detailsOf(body) });
}

/** A JSON-RPC error object (over HTTP or the WebSocket): the catalogue code is `data.code`. */
export function fromRpcError(error: unknown): BistroClientError {
  if (!isRecord(error)) return new BistroClientError('unexpected_answer', 'a JSON-RPC error that is not an object');
  const data = isRecord(error['data']) ? error['data'] : {};
  const message = text(data['detail'], text(error['message'], 'JSON-RPC error'));
  return new BistroClientError(codeOf(data['code'], 'unexpected_answer'), message, { fields: fieldsOf(data['errors']), details: detailsOf(data) });
}

/** The first GraphQL error (Bistro answers one per failed field; a call asks for one field). */
export function fromGraphqlErrors(errors: unknown): BistroClientError {
  const first = Array.isArray(errors) && isRecord(errors[0]) ? errors[0] : {};
  const extensions = isRecord(first['extensions']) ? first['extensions'] : {};
  return new BistroClientError(codeOf(extensions['code'], 'unexpected_answer'), text(first['message'], 'GraphQL error'), { fields: fieldsOf(extensions['errors']), details: detailsOf(extensions) });
}

/** fetch failed before any answer: refused, reset, DNS, aborted. */
export function networkError(error: unknown): BistroClientError {
  // fetch says only "fetch failed"; the reason (refused, reset, DNS) is its cause.
  const reasons: string[] = [];
  for (let cause: unknown = error; cause instanceof Error && reasons.length < 3; cause = cause.cause) reasons.push(cause.message);
  const message = reasons.length > 0 ? reasons.join(': ') : String(error);
  return new BistroClientError('network_error', `no answer: ${message}`, { status: 0, cause: error });
}
