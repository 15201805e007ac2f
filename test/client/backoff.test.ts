/** The reconnect delay: exponential backoff with full jitter, capped, and never shorter than the server's Retry-After. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs } from '../../client/follow/resume.ts';

test('full jitter: a uniform draw up to initial × 2^(attempt−1), capped at maxDelayMs', { timeout: 1_000 }, () => {
  const retry = { initialDelayMs: 100, maxDelayMs: 1_000 };
  assert.equal(backoffDelayMs(1, retry, undefined, () => 0.999), 99, 'attempt 1 draws below 100 ms');
  assert.equal(backoffDelayMs(3, retry, undefined, () => 0.5), 200, 'attempt 3 draws from 0–400 ms');
  assert.equal(backoffDelayMs(10, retry, undefined, () => 0.999), 999, 'attempt 10 is capped at 1000 ms');
  assert.equal(backoffDelayMs(2, retry, undefined, () => 0), 0, 'full jitter may retry at once');
});

test('the defaults: 250 ms first, 10 s at most', { timeout: 1_000 }, () => {
  assert.equal(backoffDelayMs(1, {}, undefined, () => 0.999), 249, 'first delay below 250 ms');
  assert.equal(backoffDelayMs(30, {}, undefined, () => 0.999), 9_990, 'never past 10 s');
});

test("Retry-After wins when it is longer than the draw, and not when it is shorter", { timeout: 1_000 }, () => {
  assert.equal(backoffDelayMs(1, {}, 2, () => 0.5), 2_000, 'the server asked for 2 s');
  assert.equal(backoffDelayMs(10, { maxDelayMs: 60_000, initialDelayMs: 1_000 }, 1, () => 0.5), 30_000, 'a longer draw stands');
});
