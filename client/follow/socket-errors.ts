/**
 * What a WebSocket can say about a failure: a refused upgrade (an HTTP status, when the runtime
 * tells it) or a close code. Bistro's and graphql-ws's application codes are 4000 + the HTTP
 * status of the same refusal (docs/protocols/websocket.md), so one table of statuses serves both.
 */
import { BistroClientError } from '../errors.ts';
import type { ClientErrorCode } from '../errors.ts';

const codeOfStatus: Readonly<Record<number, ClientErrorCode>> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  408: 'request_timeout',
  410: 'resync_required',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'unavailable',
};

/** Close codes that only mean "the connection went": reconnect and resume. */
const dropped = new Set([1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014, 4008]);

export function closeError(code: number, reason: string): BistroClientError {
  const status = code >= 4000 && code < 5000 && code !== 4008 ? code - 4000 : undefined;
  const known = status === undefined ? undefined : codeOfStatus[status];
  if (known !== undefined) return new BistroClientError(known, `the socket was closed (${code}${reason ? `: ${reason}` : ''})`, { status: status as number });
  if (dropped.has(code) || code < 4000) return new BistroClientError('network_error', `the socket was closed (${code}${reason ? `: ${reason}` : ''})`, { status: 0 });
  return new BistroClientError('unexpected_answer', `the socket was closed with an unknown code (${code}${reason ? `: ${reason}` : ''})`, { status: 0 });
}

/**
 * A socket that failed before it opened. Browsers say nothing about why; Node's `ws` puts the
 * refusal's status in its message ("Unexpected server response: 401"), which turns a bad token
 * into `unauthorized` (thrown at once) instead of a network failure retried for ever.
 */
export function upgradeError(event: unknown): BistroClientError {
  const record = (typeof event === 'object' && event !== null ? event : {}) as { message?: unknown; error?: { message?: unknown } };
  const said = record.error?.message ?? record.message;
  const message = typeof said === 'string' ? said : 'the WebSocket could not connect';
  const status = /Unexpected server response: (\d{3})/.exec(message)?.[1];
  const code = status === undefined ? undefined : codeOfStatus[Number(status)];
  if (code !== undefined) return new BistroClientError(code, `the WebSocket upgrade was refused: ${message}`, { status: Number(status) });
  return new BistroClientError('network_error', `the WebSocket could not connect: ${message}`, { status: 0 });
}
