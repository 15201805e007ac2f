/**
 * An operation over REST: path parameters from the input, the rest in the query (GET, DELETE) or
 * the JSON body, and the fields the binding carries in headers (Idempotency-Key) as headers.
 */
import { BistroClientError, fromProblem } from '../errors.ts';
import type { Connection } from '../connection.ts';
import { operationTable, type OperationName } from '../generated/catalogue.ts';
import { exchange, jsonHeaders } from './answer.ts';

interface RestBinding {
  method: string;
  path: string;
  status: number;
  headers?: Record<string, string>;
  ifMatch?: string;
}

/** A path, query or header value: scalars as written, anything else as JSON (the server then says what is wrong). */
const asText = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

/**
 * REST checks a change with If-Match and the ETag it answered; JSON-RPC and GraphQL with the
 * input's `expectedVersion`. The same call means the same here: with no expected version the change
 * is unconditional (`*`); with one, the resource is read, its version compared, and its ETag sent,
 * so the change goes through only if nothing changed since a read that showed that version.
 */
async function ifMatchFor(connection: Connection, path: string, expectedVersion: unknown, signal: AbortSignal | undefined): Promise<string> {
  if (expectedVersion === undefined) return '*';
  const answer = await exchange(connection, path, { headers: jsonHeaders(connection), ...(signal ? { signal } : {}) });
  if (answer.status >= 400) throw fromProblem(answer.status, answer.body, answer.headers);
  const etag = answer.headers.get('etag');
  const version = (answer.body as { version?: unknown } | undefined)?.version;
  if (version !== expectedVersion || etag === null) throw new BistroClientError('version_mismatch', `The resource is at version ${asText(version)}, not ${asText(expectedVersion)}: read it again.`);
  return etag;
}

export async function callRest(connection: Connection, name: OperationName, input: Record<string, unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  const rest = operationTable[name].rest as RestBinding;
  const remaining = { ...input };
  const fill = (template: string) =>
    template.replace(/\{(\w+)\}/g, (_match, field: string) => {
      const value = input[field];
      delete remaining[field];
      if (value === undefined || value === null || value === '') throw new BistroClientError('validation_failed', `/${field}: is required`, { fields: [{ pointer: `/${field}`, detail: 'is required' }] });
      return encodeURIComponent(asText(value));
    });
  const path = fill(rest.path);
  const headers: Record<string, string> = {};
  if (rest.ifMatch !== undefined) {
    const expected = remaining['expectedVersion'];
    delete remaining['expectedVersion'];
    // The tag is the resource's: PUT /orders/{id}/status is checked against GET /orders/{id}.
    headers['if-match'] = await ifMatchFor(connection, fill(rest.path.replace(/(\{\w+\}).*$/, '$1')), expected, signal);
  }
  for (const [header, field] of Object.entries(rest.headers ?? {})) {
    if (remaining[field] !== undefined) headers[header] = asText(remaining[field]);
    delete remaining[field];
  }
  const init: RequestInit = { method: rest.method, headers: jsonHeaders(connection, headers), ...(signal ? { signal } : {}) };
  let query = '';
  if (rest.method === 'GET' || rest.method === 'DELETE') {
    const params = new URLSearchParams();
    for (const [field, value] of Object.entries(remaining)) {
      if (value === undefined || value === null) continue;
      // The server splits lists on commas (src/patterns/rest/rest-routes.ts coerceQuery).
      params.set(field, Array.isArray(value) ? value.map(asText).join(',') : asText(value));
    }
    query = params.size > 0 ? `?${params.toString()}` : '';
  } else {
    init.body = JSON.stringify(remaining);
  }
  const answer = await exchange(connection, `${path}${query}`, init);
  if (answer.status >= 400) throw fromProblem(answer.status, answer.body, answer.headers);
  return answer.status === 204 ? null : answer.body;
}
