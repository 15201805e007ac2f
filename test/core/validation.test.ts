/** Input validation: given an operation's schema, when a client sends something else, then validation_failed names each field at fault. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { compileValidator } from '../../src/core/validation.ts';
import { BistroError, type FieldError } from '../../src/domain/errors.ts';

const line = Type.Object({ menuItemId: Type.String(), quantity: Type.Integer({ minimum: 1, default: 1 }) }, { additionalProperties: false });
const placeOrder = compileValidator(
  Type.Object(
    {
      table: Type.Integer({ minimum: 1 }),
      items: Type.Array(line),
      course: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['starters', 'mains'] })),
      at: Type.Optional(Type.String({ format: 'date-time' })),
    },
    { additionalProperties: false },
  ),
);

/** when `input` is validated, then validation_failed with exactly `fieldErrors` and `message`. */
function refused(input: unknown, fieldErrors: FieldError[], message: string): void {
  assert.throws(
    () => placeOrder(input),
    (error: unknown) => {
      assert.ok(error instanceof BistroError, `not a BistroError: ${String(error)}`);
      assert.equal(error.code, 'validation_failed', 'the code');
      assert.deepEqual(error.fieldErrors, fieldErrors, 'the field errors');
      assert.equal(error.message, message, 'the message');
      return true;
    },
  );
}

test('a valid order passes, and defaults are filled in', () => {
  const input = { table: 7, items: [{ menuItemId: 'lemonade' }] };
  assert.equal(placeOrder(input), undefined, 'nothing to say');
  assert.deepEqual(input, { table: 7, items: [{ menuItemId: 'lemonade', quantity: 1 }] }, 'quantity defaults to one');
});

test('an unknown field is named, its name escaped as a JSON Pointer token', () => {
  refused({ table: 7, items: [], 'salt/pepper': true }, [{ path: '/salt~1pepper', message: 'is not a known field' }], '/salt~1pepper is not a known field');
});

test('an unknown field inside an item is named under that item', () => {
  refused({ table: 7, items: [{ menuItemId: 'lemonade', ice: 2 }] }, [{ path: '/items/0/ice', message: 'is not a known field' }], '/items/0/ice is not a known field');
});

test('a missing field is named where it belongs', () => {
  refused({ items: [{ quantity: 2 }], table: 7 }, [{ path: '/items/0/menuItemId', message: 'is required' }], '/items/0/menuItemId is required');
});

test('a value outside an enum lists the allowed ones', () => {
  refused({ table: 7, items: [], course: 'soup' }, [{ path: '/course', message: 'must be one of starters, mains' }], '/course must be one of starters, mains');
});

test('any other broken rule says what the schema wants', () => {
  refused({ table: 0, items: [] }, [{ path: '/table', message: 'must be >= 1' }], '/table must be >= 1');
});

test('formats are checked: a time must be an RFC 3339 date-time', () => {
  refused({ table: 7, items: [], at: 'tomorrow at noon' }, [{ path: '/at', message: 'must match format "date-time"' }], '/at must match format "date-time"');
  assert.doesNotThrow(() => placeOrder({ table: 7, items: [], at: '2024-05-01T12:00:00Z' }), 'a real date-time');
});

test('every problem is reported at once, not just the first', () => {
  refused(
    { table: 0, items: [{ quantity: 2 }] },
    [
      { path: '/table', message: 'must be >= 1' },
      { path: '/items/0/menuItemId', message: 'is required' },
    ],
    '/table must be >= 1 (and 1 more field error)',
  );
});

test('a list longer than its schema allows is refused on its length alone, its entries not checked one by one', () => {
  const bounded = compileValidator(Type.Object({ id: Type.String(), items: Type.Array(line, { maxItems: 50 }) }, { additionalProperties: false }));
  const input = { items: Array.from({ length: 21_000 }, () => ({})) };
  assert.throws(
    () => bounded(input),
    (error: unknown) => {
      assert.ok(error instanceof BistroError, `not a BistroError: ${String(error)}`);
      assert.deepEqual(error.fieldErrors, [{ path: '/items', message: 'must NOT have more than 50 items' }], 'the length, even though /id is missing and comes first');
      assert.deepEqual(error.details, {}, 'nothing left unlisted');
      return true;
    },
  );
});

test('past 20 field errors the first 20 are listed and errorCount says how many there were', () => {
  const input: Record<string, unknown> = { table: 7, items: [] };
  for (let index = 0; index < 3200; index += 1) input[`key${index}`] = 1;
  assert.throws(
    () => placeOrder(input),
    (error: unknown) => {
      assert.ok(error instanceof BistroError, `not a BistroError: ${String(error)}`);
      assert.equal(error.fieldErrors.length, 20, 'twenty listed');
      assert.deepEqual(error.fieldErrors[0], { path: '/key0', message: 'is not a known field' }, 'the first, in order');
      assert.deepEqual(error.details, { errorCount: 3200 }, 'the count');
      assert.equal(error.message, '/key0 is not a known field (and 3199 more field errors)', 'the detail names the first only');
      return true;
    },
  );
});

test('text that is not well-formed Unicode is refused wherever it is, values and names, with a pointer', () => {
  const free = compileValidator(Type.Object({ note: Type.String(), lines: Type.Array(Type.String()), map: Type.Record(Type.String(), Type.Integer()) }));
  assert.doesNotThrow(() => free({ note: 'fish 🐟 and chips', lines: ['é'], map: { 'ü': 1 } }), 'pairs and any other text pass');
  assert.throws(
    () => free({ note: 'x\ud800y', lines: ['ok', '\udc00'], map: { 'a\ud800': 1 } }),
    (error: unknown) => {
      assert.ok(error instanceof BistroError, `not a BistroError: ${String(error)}`);
      assert.equal(error.code, 'validation_failed', 'the code');
      assert.deepEqual(
        error.fieldErrors.map((field) => field.path),
        ['/note', '/map/a\ufffd', '/lines/1'],
        'each one named; a name is shown with U+FFFD in place of the surrogate',
      );
      assert.ok(error.fieldErrors.every((field) => field.message.includes('well-formed')), 'the message says why');
      return true;
    },
  );
});

test('when the whole input is wrong, the message calls it "input"', () => {
  refused('an order please', [{ path: '', message: 'must be object' }], 'input must be object');
});

test('a schema may carry keywords ajv does not know, such as OpenAPI `example` and `x-` extensions', () => {
  const annotated = compileValidator(Type.Object({ table: Type.Integer({ example: 7, 'x-bistro-unit': 'table number' }) }));
  assert.doesNotThrow(() => annotated({ table: 7 }), 'the annotations do not get in the way');
});
