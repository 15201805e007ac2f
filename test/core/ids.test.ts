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

test('ids made in different milliseconds differ in their random part too', async () => {
  const first = newId('gst');
  const deadline = Date.now() + 2;
  while (Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  const second = newId('gst');
  assert.notEqual(first.slice(14), second.slice(14));
  assert.ok(second > first);
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
