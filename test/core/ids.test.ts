/** Ids stay prefixed, unique and in creation order (keyset pagination relies on it), whatever feeds their randomness. */
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTime } from 'ulid';
import { hashToken, newId, newToken } from '../../src/core/ids.ts';

test('ids made in a burst are unique, well formed and sort in the order they were made', () => {
  // More ids than the random pool holds bytes, so the pool refills along the way.
  const ids = Array.from({ length: 5000 }, () => newId('ord'));
  for (const id of ids) assert.match(id, /^ord_[0-9a-hjkmnp-tv-z]{26}$/);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual([...ids].sort(), ids);
});

test('an id carries the time it was made', () => {
  const before = Date.now();
  const id = newId('evt');
  const made = decodeTime(id.slice(4).toUpperCase());
  assert.ok(made >= before && made <= Date.now());
});

test('ids made in different milliseconds differ in their random part too', () => {
  const at = Date.now() + 60_000;
  const first = newId('gst', at);
  const second = newId('gst', at + 1);
  assert.notEqual(first.slice(14), second.slice(14), 'a new millisecond draws new randomness');
  assert.ok(second > first, 'and sorts later');
});

test('an id follows the clock it is given, and never sorts before one made earlier', () => {
  const at = Date.UTC(2031, 0, 1);
  const id = newId('ord', at);
  assert.equal(decodeTime(id.slice(4).toUpperCase()), at, 'the id carries the injected time');
  const earlier = newId('ord', at - 1000);
  assert.ok(earlier > id, 'a clock that steps back still gives a later id (the generator is monotonic)');
});

test('the first id of each millisecond draws a fresh random part, so ids of a busy server are not guessable', async () => {
  // Within one millisecond ulid only increments the last id, so compare the first id of each millisecond.
  const randomParts = new Set<string>();
  for (let made = 0; made < 40; made++) {
    const start = Date.now();
    while (Date.now() === start) await new Promise((resolve) => setImmediate(resolve));
    randomParts.add(newId('gst').slice(14));
  }
  assert.equal(randomParts.size, 40, `40 milliseconds, 40 random parts: ${[...randomParts].slice(0, 3).join(', ')}…`);
  assert.ok(!randomParts.has('0'.repeat(16)), 'no random part is all zeros');
});

test('tokens are long, random and prefixed', () => {
  const tokens = new Set(Array.from({ length: 100 }, () => newToken('bg')));
  assert.equal(tokens.size, 100);
  for (const token of tokens) assert.match(token, /^bg_[A-Za-z0-9_-]{32}$/);
});

test('a token is stored as its SHA-256 in hex, the same every time', () => {
  assert.equal(hashToken('bg_secret'), createHash('sha256').update('bg_secret').digest('hex'), 'the stored form');
  assert.match(hashToken(newToken('bg')), /^[0-9a-f]{64}$/, '64 hex digits');
});
