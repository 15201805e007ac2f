/**
 * GraphQL errors on the wire: a domain error carries its catalogue code in `extensions.code`
 * (and per-field errors), anything unexpected becomes `internal_error` without internals, and
 * "Did you mean …?" suggestions are removed unless they are switched on (development).
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { BistroError, wireFieldErrors } from '../../core/core.ts';

export interface FormatOptions {
  suggestions: boolean;
  /** Logs an unexpected error and returns the message the client may see. */
  internal(error: unknown): string;
}

/** graphql-js 16 cannot switch suggestions off, so they are cut from the message (they always end it). */
const suggestion = /\s*Did you mean [^?]*\?$/;

function withoutSuggestions(message: string, options: FormatOptions): string {
  return options.suggestions ? message : message.replace(suggestion, '');
}

/** `requestError`: the document never ran (parse, validation, variables), so no field is to blame. */
export function formatErrors(errors: readonly GraphQLError[], requestError: boolean, options: FormatOptions): GraphQLFormattedError[] {
  return errors.map((error) => {
    const where = {
      ...(error.locations && error.locations.length > 0 ? { locations: error.locations } : {}),
      ...(error.path ? { path: error.path } : {}),
    };
    const original: unknown = error.originalError;
    if (original instanceof BistroError) {
      const fieldErrors = original.fieldErrors.length > 0 ? { errors: wireFieldErrors(original) } : {};
      return { message: original.message, ...where, extensions: { ...original.details, code: original.code, ...fieldErrors } };
    }
    const graphqlOwn = original === undefined || original === null || original instanceof GraphQLError;
    if (!graphqlOwn) return { message: options.internal(original), ...where, extensions: { code: 'internal_error' } };
    const code = error.extensions?.['code'] ?? (requestError ? 'validation_failed' : 'internal_error');
    return { message: withoutSuggestions(error.message, options), ...where, extensions: { ...error.extensions, code } };
  });
}

/** One error in GraphQL's shape for a request that failed before GraphQL saw it (auth, body, media type). */
export function bistroErrorBody(error: BistroError): { errors: GraphQLFormattedError[] } {
  const fieldErrors = error.fieldErrors.length > 0 ? { errors: wireFieldErrors(error) } : {};
  return { errors: [{ message: error.message, extensions: { ...error.details, code: error.code, ...fieldErrors } }] };
}
