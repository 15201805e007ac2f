/** The event cursor every pattern accepts: a decimal sequence, empty or absent meaning the start, anything else refused at its field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCursor, nowCursor, parseCursor, startCursor } from '../../src/core/cursor.ts';
import { BistroError } from '../../src/domain/errors.ts';

function refused(cursor: string, path: string, parse: () => number = () => parseCursor(cursor)): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof BistroError, `not a BistroError: ${String(error)}`);
    assert.equal(error.code, 'validation_failed', `"${cursor}" is refused as invalid`);
    assert.deepEqual(
      error.fieldErrors,
      [{ path, message: 'a cursor is the decimal sequence of an event, "0" for the start' }],
      `"${cursor}" is blamed on ${path}`,
    );
    return true;
  });
}

test('no cursor at all reads from the start', () => {
  assert.equal(parseCursor(undefined), 0, 'undefined is the start');
});

test('an empty cursor (`?after=`) reads from the start, like no cursor', () => {
  assert.equal(parseCursor(''), 0, 'the empty string is the start');
});

test('"0" is the start and "42" is after the 42nd event', () => {
  assert.equal(parseCursor('0'), 0, '"0"');
  assert.equal(parseCursor('42'), 42, '"42"');
  assert.equal(parseCursor('007'), 7, 'leading zeros are still decimal');
});

test('fifteen digits are the longest cursor, so every cursor is a safe integer', () => {
  assert.equal(parseCursor('999999999999999'), 999_999_999_999_999, 'fifteen nines');
  assert.ok(Number.isSafeInteger(parseCursor('999999999999999')), 'within Number.MAX_SAFE_INTEGER');
  refused('1000000000000000', '/after');
});

test('anything but decimal digits is refused at /after', () => {
  for (const cursor of ['-1', '1.5', '1e3', '0x10', ' 1', '1 ', '1a', 'a1', 'abc', 'Infinity', '+1']) refused(cursor, '/after');
});

test('the field at fault can be named for patterns that carry the cursor elsewhere', () => {
  refused('soon', '/cursor', () => parseCursor('soon', '/cursor'));
});

test('a cursor is written as the decimal sequence and reads back as the same number', () => {
  assert.equal(formatCursor(0), '0', 'the start');
  assert.equal(formatCursor(42), '42', 'the 42nd event');
  for (const sequence of [0, 1, 9, 10, 123_456, 999_999_999_999_999]) assert.equal(parseCursor(formatCursor(sequence)), sequence, `round trip of ${sequence}`);
});

test('"now" starts at the head it is given; any other cursor starts where parseCursor reads it, and is refused as it is', () => {
  assert.equal(startCursor(nowCursor, () => 57), 57, '"now" is the head');
  assert.equal(startCursor('42', () => 57), 42, 'a sequence is itself');
  assert.equal(startCursor(undefined, () => 57), 0, 'no cursor is the start, as parseCursor says');
  refused('NOW', '/Last-Event-ID', () => startCursor('NOW', () => 57, '/Last-Event-ID'));
});
