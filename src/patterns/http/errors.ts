/**
 * Turns anything thrown while serving HTTP into a catalogue error: Fastify's own body errors
 * (size, media type, JSON syntax) get their stable codes; anything unknown is an internal error,
 * logged with the request id and never shown to the client.
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import { BistroError } from '../../core/core.ts';

export function toBistroError(error: unknown, request: FastifyRequest): BistroError {
  if (error instanceof BistroError) return error;
  const fastifyError = error as Partial<FastifyError>;
  // Fastify's messages for these repeat the URL whole.
  if (fastifyError.code === 'FST_ERR_BAD_URL') return new BistroError('validation_failed', 'The URL is not valid: a `%` must start an escape such as `%20`.');
  if (fastifyError.code === 'FST_ERR_MAX_PARAM_LENGTH') return new BistroError('uri_too_long', 'A path segment is longer than any id (at most 200 characters).');
  switch (fastifyError.statusCode) {
    case 413:
      return new BistroError('payload_too_large');
    case 415:
      return new BistroError('unsupported_media_type', `Send application/json, not ${String(request.headers['content-type'] ?? 'nothing')}.`);
    case 400:
      if (typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_ERR_CTP')) {
        return new BistroError('malformed_json', fastifyError.message ?? 'The body is not valid JSON.');
      }
      if (error instanceof SyntaxError) return new BistroError('malformed_json', error.message);
      return new BistroError('validation_failed', fastifyError.message);
    default:
      request.log.error({ err: error }, 'internal error');
      return new BistroError('internal_error', `Something went wrong on our side (request ${request.id}).`);
  }
}
