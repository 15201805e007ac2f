/** The HTTP rules every HTTP-borne pattern shares. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isJsonMediaType, requireJsonBody } from '../../src/patterns/http/http-rules.ts';

test('JSON with or without parameters, in any case, is JSON', () => {
  for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', ' application/json ']) {
    assert.equal(isJsonMediaType(type), true, `${type} is JSON`);
  }
});

test('anything else, or nothing, is not', () => {
  for (const type of [undefined, '', 'text/plain', 'application/jsonp', 'application/json-patch+json', 'multipart/form-data']) {
    assert.equal(isJsonMediaType(type), false, `${String(type)} is not JSON`);
  }
  assert.throws(() => requireJsonBody('text/plain', 'JSON-RPC'), (error: Error & { code?: string }) => error.code === 'unsupported_media_type' && error.message.includes('text/plain'), 'a 415 naming what was sent');
});
