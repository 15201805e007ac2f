/**
 * The one error catalogue. Every failure a client can see has a stable `code` here;
 * each pattern maps `status` (an HTTP status) to its own wire form.
 */
export const errorCatalogue = {
  validation_failed: { status: 400, title: 'The input is not valid.' },
  malformed_json: { status: 400, title: 'The body is not valid JSON.' },
  unauthorized: { status: 401, title: 'A valid bearer token is required.' },
  forbidden: { status: 403, title: 'Your role may not do this.' },
  not_found: { status: 404, title: 'No such resource.' },
  method_not_allowed: { status: 405, title: 'This method is not allowed here.' },
  invalid_transition: { status: 409, title: 'The order cannot move to that status from where it is.' },
  already_exists: { status: 409, title: 'A resource with that id already exists.' },
  idempotency_key_in_progress: { status: 409, title: 'A request with this Idempotency-Key is still being processed.' },
  menu_item_unavailable: { status: 409, title: 'A menu item in the order is not available.' },
  version_mismatch: { status: 412, title: 'The resource changed since you read it.' },
  payload_too_large: { status: 413, title: 'The body is larger than allowed.' },
  unsupported_media_type: { status: 415, title: 'Send application/json.' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with a different request.' },
  precondition_required: { status: 428, title: 'This change needs If-Match with the ETag you read.' },
  rate_limited: { status: 429, title: 'Too many requests.' },
  internal_error: { status: 500, title: 'Something went wrong on our side.' },
  unavailable: { status: 503, title: 'The service is not ready.' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** One field that failed validation; `path` is a JSON Pointer into the input. */
export interface FieldError {
  path: string;
  message: string;
}

export class BistroError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fieldErrors: FieldError[];

  constructor(code: ErrorCode, detail?: string, fieldErrors: FieldError[] = []) {
    super(detail ?? errorCatalogue[code].title);
    this.name = 'BistroError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.fieldErrors = fieldErrors;
  }
}

/** Escapes one JSON Pointer reference token (RFC 6901 §4), so a key such as `a/b` stays one step of the path. */
export function pointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Per-field errors as every pattern sends them: RFC 9457's `{ pointer, detail }`. */
export interface WireFieldError {
  pointer: string;
  detail: string;
}

export function wireFieldErrors(error: BistroError): WireFieldError[] {
  return error.fieldErrors.map((field) => ({ pointer: field.path, detail: field.message }));
}

export function invalid(path: string, message: string): BistroError {
  return new BistroError('validation_failed', `${path || 'input'}: ${message}`, [{ path, message }]);
}
