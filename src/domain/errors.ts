/**
 * The one error catalogue. Every failure a client can see has a stable `code` here;
 * each pattern maps `status` (an HTTP status) to its own wire form. `when` is for people: the
 * README's error table is generated from it (`npm run docs`), so the two cannot drift.
 */
export const errorCatalogue = {
  validation_failed: { status: 400, title: 'The input is not valid.', when: 'input breaks the schema or a menu rule (unknown fields are refused, never stored)' },
  malformed_json: { status: 400, title: 'The body is not valid JSON.', when: 'the body is not JSON' },
  unauthorized: { status: 401, title: 'A valid bearer token is required.', when: 'no or unknown bearer token where one is needed' },
  forbidden: { status: 403, title: 'Your role may not do this.', when: 'your role may not call this operation' },
  not_found: { status: 404, title: 'No such resource.', when: 'no such resource — also another guest\'s order: nothing leaks' },
  method_not_allowed: { status: 405, title: 'This method is not allowed here.', when: 'the resource exists but not with this method (`Allow` lists those it has)' },
  invalid_transition: { status: 409, title: 'The order cannot move to that status from where it is.', when: 'the lifecycle does not allow that move' },
  already_exists: { status: 409, title: 'A resource with that id already exists.', when: 'a menu item with that id exists' },
  idempotency_key_in_progress: { status: 409, title: 'A request with this Idempotency-Key is still being processed.', when: 'the first request with this key is still running' },
  webhook_disabled: { status: 409, title: 'The webhook endpoint is disabled.', when: 'testing or replaying to a disabled endpoint: enable it first (`PATCH /webhooks/{id}` with `enabled: true`)' },
  quota_exceeded: { status: 409, title: 'You have reached a limit.', when: 'a principal already has 20 webhook endpoints' },
  lab_run_in_progress: { status: 409, title: 'A lab run is already going on.', when: 'starting a lab run in the web UI (`POST /lab/runs`) while this node\'s last one still runs: wait for it (`GET /lab/runs/current`)' },
  menu_item_unavailable: { status: 409, title: 'A menu item in the order is not available.', when: 'an ordered item is off the menu for now' },
  version_mismatch: { status: 412, title: 'The resource changed since you read it.', when: 'If-Match (or `expectedVersion`) names an older state of the resource' },
  request_timeout: { status: 408, title: 'The request did not arrive in time.', when: 'the headers or the body came too slowly (`BISTRO_HEADERS_TIMEOUT_MS`, `BISTRO_REQUEST_TIMEOUT_MS`)' },
  payload_too_large: { status: 413, title: 'The body is larger than allowed.', when: 'body over `BISTRO_BODY_LIMIT_BYTES`' },
  uri_too_long: { status: 414, title: 'The URL is longer than allowed.', when: 'a URL over the server\'s limit (the URL is not repeated in the answer)' },
  unsupported_media_type: { status: 415, title: 'Send application/json.', when: 'a body that is not `application/json`' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with a different request.', when: 'the key was used with a different request' },
  resync_required: { status: 410, title: 'The cursor is older than the retained event log.', when: 'an event cursor older than the retained log (`BISTRO_EVENT_RETENTION`): read the snapshot (`/menu`, `/orders`) and continue from the `head` cursor in the answer' },
  precondition_required: { status: 428, title: 'This change needs If-Match with the ETag you read.', when: '`PATCH /orders/{id}` without If-Match' },
  rate_limited: { status: 429, title: 'Too many requests.', when: 'too many requests from you for now; `Retry-After` says when to come back' },
  headers_too_large: { status: 431, title: 'The request headers are larger than allowed.', when: 'request headers over the server\'s limit' },
  internal_error: { status: 500, title: 'Something went wrong on our side.', when: 'logged with the request id; no internals are shown' },
  unavailable: { status: 503, title: 'The service is not ready.', when: 'the node cannot serve now (`/readyz`: the database does not answer)' },
  overloaded: { status: 503, title: 'The server is busy.', when: 'the node is past a connection cap or too busy to answer in time; `Retry-After` says when to come back' },
} as const satisfies Record<string, { status: number; title: string; when: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** One field that failed validation; `path` is a JSON Pointer into the input. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * The most field errors an answer lists. An error answer must stay small whatever the input: 21,000
 * bad items once made a 2 MB answer to a 63 KB request. The rest are counted (`errorCount`), not listed.
 */
export const maxListedFieldErrors = 20;
/** Longest piece of client input an answer repeats (a pointer's step, a quoted value), in characters. */
export const maxEchoedInput = 64;
/** Longest field message, and longest `detail`, in characters: both may quote input. */
const maxFieldMessage = 300;
const maxDetail = 1000;

/** `text` cut to `limit` characters, marked with `…` when cut; never splits a surrogate pair. */
export function clipped(text: string, limit = maxEchoedInput): string {
  if (text.length <= limit) return text;
  const high = text.charCodeAt(limit - 1);
  const end = high >= 0xd800 && high <= 0xdbff ? limit - 1 : limit;
  return `${text.slice(0, end)}…`;
}

/** A pointer whose steps are cut to `maxEchoedInput`: a 60 KB unknown key is named by its start. */
function clippedPointer(path: string): string {
  if (path.length <= maxEchoedInput) return path;
  // A cut must not leave half of a `~0`/`~1` escape behind.
  return path
    .split('/')
    .map((token) => clipped(token).replace(/~…$/, '…'))
    .join('/');
}

const boundedFieldError = (field: FieldError): FieldError => ({ path: clippedPointer(field.path), message: clipped(field.message, maxFieldMessage) });

/**
 * The `detail` of a refusal that names fields: the first one alone, and how many more there are
 * (the list is in `errors`, so it is said once).
 */
export function fieldErrorSummary(fieldErrors: readonly FieldError[]): string {
  const [first] = fieldErrors;
  if (first === undefined) return errorCatalogue.validation_failed.title;
  const firstSaid = `${clippedPointer(first.path) || 'input'} ${clipped(first.message, maxFieldMessage)}`;
  const more = fieldErrors.length - 1;
  return more === 0 ? firstSaid : `${firstSaid} (and ${more} more field error${more === 1 ? '' : 's'})`;
}

export class BistroError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** At most `maxListedFieldErrors`, each with its echoed input clipped; `details.errorCount` says how many there were when that is more. */
  readonly fieldErrors: FieldError[];
  /** Extra members a client acts on (a resync's `head` cursor, `errorCount`); every pattern sends them beside the code. */
  readonly details: Readonly<Record<string, string | number>>;

  constructor(code: ErrorCode, detail?: string, fieldErrors: readonly FieldError[] = [], details: Record<string, string | number> = {}) {
    super(clipped(detail ?? errorCatalogue[code].title, maxDetail));
    this.name = 'BistroError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.fieldErrors = fieldErrors.slice(0, maxListedFieldErrors).map(boundedFieldError);
    this.details = fieldErrors.length > maxListedFieldErrors ? { ...details, errorCount: fieldErrors.length } : details;
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
