/** The error catalogue and its helpers: every code's HTTP status, the default messages, and field errors as JSON Pointers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BistroError, clipped, errorCatalogue, fieldErrorSummary, invalid, maxListedFieldErrors, pointerToken, wireFieldErrors, type ErrorCode } from '../../src/domain/errors.ts';

/** The catalogue as the protocol pages document it; every pattern derives its wire form from these statuses. */
const statuses: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_transition: 409,
  already_exists: 409,
  idempotency_key_in_progress: 409,
  lab_run_in_progress: 409,
  menu_item_unavailable: 409,
  webhook_disabled: 409,
  quota_exceeded: 409,
  version_mismatch: 412,
  resync_required: 410,
  request_timeout: 408,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  precondition_required: 428,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  unavailable: 503,
  overloaded: 503,
};

test('every code has its documented HTTP status, and no code is missing or extra', () => {
  assert.deepEqual(
    Object.fromEntries(Object.entries(errorCatalogue).map(([code, entry]) => [code, entry.status])),
    statuses,
    'codes and statuses',
  );
});

test('every code has a title a person can read: one sentence, ending in a full stop', () => {
  for (const [code, { title }] of Object.entries(errorCatalogue)) assert.match(title, /^[A-Z].{8,}\.$/, `the title of ${code}`);
});

test('a refusal with no detail says its title; its status comes from the catalogue', () => {
  const error = new BistroError('idempotency_key_in_progress');
  assert.ok(error instanceof Error, 'a BistroError is an Error');
  assert.equal(error.name, 'BistroError', 'its name, as logs show it');
  assert.equal(error.code, 'idempotency_key_in_progress', 'its code');
  assert.equal(error.status, 409, 'its status');
  assert.equal(error.message, 'A request with this Idempotency-Key is still being processed.', 'its message is the title');
});

test('a refusal with a detail says the detail instead', () => {
  const error = new BistroError('not_found', 'No order ord_1.');
  assert.equal(error.message, 'No order ord_1.', 'the detail');
  assert.equal(error.status, 404, 'its status');
});

test('a non-validation error carries no field errors', () => {
  for (const code of Object.keys(errorCatalogue) as ErrorCode[]) {
    assert.deepEqual(new BistroError(code).fieldErrors, [], `${code} names no field unless given one`);
    assert.deepEqual(wireFieldErrors(new BistroError(code, 'detail')), [], `${code} sends no field errors`);
  }
});

test('invalid(path, message) is validation_failed blaming that one field, and says where in its message', () => {
  const error = invalid('/items/0/quantity', 'quantity must be a whole number from 1 to 20');
  assert.equal(error.code, 'validation_failed', 'its code');
  assert.equal(error.status, 400, 'its status');
  assert.equal(error.message, '/items/0/quantity: quantity must be a whole number from 1 to 20', 'its message');
  assert.deepEqual(error.fieldErrors, [{ path: '/items/0/quantity', message: 'quantity must be a whole number from 1 to 20' }], 'its field errors');
});

test('invalid on the whole input (the empty pointer) calls it "input" in the message', () => {
  const error = invalid('', 'must be an object');
  assert.equal(error.message, 'input: must be an object', 'its message');
  assert.deepEqual(error.fieldErrors, [{ path: '', message: 'must be an object' }], 'its field errors');
});

test('field errors go on the wire as RFC 9457 { pointer, detail }, in order', () => {
  const error = new BistroError('validation_failed', 'two problems', [
    { path: '/table', message: 'must be >= 1' },
    { path: '/name', message: 'is required' },
  ]);
  assert.deepEqual(
    wireFieldErrors(error),
    [
      { pointer: '/table', detail: 'must be >= 1' },
      { pointer: '/name', detail: 'is required' },
    ],
    'the wire field errors',
  );
});

test('pointerToken escapes ~ and / as RFC 6901 says, ~ first so an escape is not escaped again', () => {
  assert.equal(pointerToken('fish'), 'fish', 'a plain name');
  assert.equal(pointerToken('a/b'), 'a~1b', 'a slash');
  assert.equal(pointerToken('x~y'), 'x~0y', 'a tilde');
  assert.equal(pointerToken('~/'), '~0~1', 'a tilde then a slash');
  assert.equal(pointerToken('/a/~b~'), '~1a~1~0b~0', 'every occurrence');
  assert.equal(pointerToken(''), '', 'the empty name');
});

test('a refusal lists at most 20 field errors and counts the rest in errorCount', () => {
  const fields = Array.from({ length: 21_000 }, (_, index) => ({ path: `/items/${index}/menuItemId`, message: 'is required' }));
  const error = new BistroError('validation_failed', 'many', fields, { head: '7' });
  assert.equal(error.fieldErrors.length, maxListedFieldErrors, 'the first twenty');
  assert.deepEqual(error.fieldErrors[19], { path: '/items/19/menuItemId', message: 'is required' }, 'in order');
  assert.deepEqual(error.details, { head: '7', errorCount: 21_000 }, 'the count beside the other details');
  assert.deepEqual(new BistroError('validation_failed', 'few', fields.slice(0, 20)).details, {}, 'no count when all are listed');
});

test('input a refusal repeats is clipped: long pointer steps, messages and details', () => {
  const key = 'k'.repeat(60_000);
  const error = new BistroError('validation_failed', `/${key} is not a known field`, [{ path: `/items/0/${key}`, message: `no "${key}"` }]);
  const [field] = error.fieldErrors;
  assert.equal(field?.path, `/items/0/${'k'.repeat(64)}…`, 'each step of the pointer at most 64 characters');
  assert.ok((field?.message.length ?? 0) <= 301, 'the message clipped');
  assert.ok(error.message.length <= 1001, 'the detail clipped');
  assert.equal(clipped(`${'a'.repeat(63)}🐟`), `${'a'.repeat(63)}…`, 'a surrogate pair is never split');
  assert.equal(new BistroError('validation_failed', 'x', [{ path: `/${'a~'.repeat(40)}`, message: 'm' }]).fieldErrors[0]?.path, `/${'a~'.repeat(31)}a…`, 'no half escape left behind');
});

test('the summary of field errors names the first and counts the others', () => {
  assert.equal(fieldErrorSummary([{ path: '/id', message: 'is required' }]), '/id is required', 'one');
  assert.equal(fieldErrorSummary([{ path: '', message: 'must be object' }]), 'input must be object', 'the whole input');
  assert.equal(
    fieldErrorSummary([
      { path: '/id', message: 'is required' },
      { path: '/status', message: 'is required' },
      { path: '/x', message: 'is not a known field' },
    ]),
    '/id is required (and 2 more field errors)',
    'three',
  );
});
