/** The catalogue → JSON-RPC error table: complete, inside the ranges the spec leaves to servers, and faithful to the error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BistroError, errorCatalogue, invalid, type ErrorCode } from '../../src/domain/errors.ts';
import { rpcErrorCodes, toRpcError } from '../../src/patterns/rpc/rpc-errors.ts';

const protocolCodes: Partial<Record<ErrorCode, number>> = { malformed_json: -32700, validation_failed: -32602, internal_error: -32603 };

test('every catalogue code has a JSON-RPC code, and the table holds nothing else', () => {
  assert.deepEqual(Object.keys(rpcErrorCodes).sort(), Object.keys(errorCatalogue).sort());
});

test('domain codes sit in the server range -32000..-32099; the client-input codes are the spec own', () => {
  for (const [code, rpcCode] of Object.entries(rpcErrorCodes) as [ErrorCode, number][]) {
    const expected = protocolCodes[code];
    if (expected !== undefined) assert.equal(rpcCode, expected, code);
    else assert.ok(rpcCode <= -32000 && rpcCode >= -32099, `${code} → ${rpcCode}`);
  }
  assert.equal(rpcErrorCodes.not_found, -32004, '−32000 − (HTTP status − 400)');
  assert.equal(rpcErrorCodes.idempotency_key_reused, -32022);
});

test('a domain error keeps its catalogue code, its sentence and its field errors', () => {
  const error = new BistroError('menu_item_unavailable', '"Lemonade" is not available right now.', [{ path: '/items/0/menuItemId', message: 'not available' }]);
  assert.deepEqual(toRpcError(error), {
    code: -32009,
    message: errorCatalogue.menu_item_unavailable.title,
    data: { code: 'menu_item_unavailable', detail: '"Lemonade" is not available right now.', errors: [{ pointer: '/items/0/menuItemId', detail: 'not available' }] },
  });
});

test('validation errors use the spec message for -32602', () => {
  assert.deepEqual(toRpcError(invalid('/table', 'must be >= 1')), {
    code: -32602,
    message: 'Invalid params',
    data: { code: 'validation_failed', detail: '/table: must be >= 1', errors: [{ pointer: '/table', detail: 'must be >= 1' }] },
  });
});

test('an internal error says nothing beyond its code, whatever its message', () => {
  assert.deepEqual(toRpcError(new BistroError('internal_error', 'pool exhausted at db.ts:12')), { code: -32603, message: 'Internal error', data: { code: 'internal_error' } });
});
