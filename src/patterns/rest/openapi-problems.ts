/**
 * The problem+json answers of the OpenAPI document, from the catalogue: the shared `Problem`
 * schema, and for each operation one response per status it can answer, naming its codes (an
 * enum on `code`) and when each happens. The codes come from operation-errors.ts plus what REST
 * adds: a body's media type, size and JSON, and a required If-Match.
 */
import { errorCatalogue, type AnyOperation, type ErrorCode, type JsonObject } from '../../core/core.ts';
import { operationErrors, sortCodes } from '../http/operation-errors.ts';

export const problemSchema: JsonObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(errorCatalogue) },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      maxItems: 20,
      description: 'The first field errors, each once.',
      items: { type: 'object', properties: { pointer: { type: 'string' }, detail: { type: 'string' } } },
    },
    errorCount: { type: 'integer', minimum: 21, description: 'How many field errors there were, when `errors` could not list them all.' },
  },
};

const retryAfter = { 'Retry-After': { schema: { type: 'integer', minimum: 0 }, description: 'Seconds to wait before trying again.' } };

/** Codes a REST call of this operation can answer. */
export function restErrors(operation: AnyOperation, hasBody: boolean): ErrorCode[] {
  const codes = operationErrors(operation);
  if (hasBody) codes.push('malformed_json', 'unsupported_media_type', 'payload_too_large');
  if (operation.rest?.ifMatch === 'required') codes.push('precondition_required');
  return sortCodes(codes);
}

/** One problem response for these codes (all of one status); `resync_required` carries its `head` (ResyncProblem). */
export function problemResponse(codes: readonly ErrorCode[]): JsonObject {
  const base = codes.includes('resync_required') ? 'ResyncProblem' : 'Problem';
  const status = errorCatalogue[codes[0] as ErrorCode].status;
  return {
    description: codes.map((code) => `\`${code}\`: ${errorCatalogue[code].when}.`).join(' '),
    ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
    content: {
      'application/problem+json': {
        schema: { allOf: [{ $ref: `#/components/schemas/${base}` }, { type: 'object', properties: { code: { enum: [...codes] } } }] },
      },
    },
  };
}

/** The responses for these codes, one per status, in status order. */
export function problemResponses(codes: readonly ErrorCode[]): Record<string, JsonObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = errorCatalogue[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus.entries()].sort(([a], [b]) => a - b).map(([status, same]) => [String(status), problemResponse(same)]));
}
