/** The rate-limit rule in core (memory store) and its settings: who is counted under which key, and what a refusal says. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createRateLimit } from '../../src/core/rate-limit.ts';
import { anonymous, BistroError, type Principal } from '../../src/core/core.ts';

const guest: Principal = { id: 'gst_1', role: 'guest', name: 'Ada', table: 1 };
const admin: Principal = { id: 'admin', role: 'admin', name: 'admin' };

test('a principal has its own budget; past it the refusal says when to come back', async () => {
  const limits = createRateLimit({ limit: 3, windowSeconds: 60 });
  const first = await limits.take(guest, '10.0.0.1');
  assert.deepEqual({ remaining: first?.remaining, policy: first?.policy }, { remaining: 2, policy: { limit: 3, windowSeconds: 60 } }, 'one call taken of three');
  assert.ok(first && first.resetSeconds >= 1 && first.resetSeconds <= 60, 'the window ends within its length');
  assert.equal((await limits.take(guest, '10.0.0.2', 2))?.remaining, 0, 'calls count, whatever the address');
  const refusal = await limits.take(guest, '10.0.0.1').catch((error: unknown) => error);
  assert.ok(refusal instanceof BistroError && refusal.code === 'rate_limited', 'the fourth call is refused rate_limited');
  assert.ok(Number(refusal.details['retryAfter']) >= 1, 'with retryAfter in seconds');
  assert.equal((await limits.take({ ...guest, id: 'gst_2' }, '10.0.0.1'))?.remaining, 2, 'another guest is untouched');
});

test('anonymous callers are counted by address, the admin not at all', async () => {
  const limits = createRateLimit({ limit: 1, windowSeconds: 60 });
  await limits.take(anonymous, '10.0.0.1');
  await assert.rejects(limits.take(anonymous, '10.0.0.1'), /At most 1 calls/, 'the same address shares one budget');
  assert.equal((await limits.take(anonymous, '10.0.0.2'))?.remaining, 0, 'another address has its own');
  for (let call = 0; call < 5; call++) assert.equal(await limits.take(admin, '10.0.0.1'), undefined, 'the admin is not counted');
});

test('the settings: on by default, 0 turns it off, the window in whole seconds', () => {
  const defaults = loadConfig([], {});
  assert.deepEqual([defaults.rateLimit, defaults.rateLimitWindowMs, defaults.maxInFlight, defaults.maxEventLoopDelayMs], [600, 60_000, 1000, 100], 'the documented defaults');
  assert.equal(loadConfig([], { BISTRO_RATE_LIMIT: '0' }).rateLimit, 0, '0 is off');
  assert.throws(() => loadConfig([], { BISTRO_RATE_LIMIT_WINDOW_MS: '1500' }), ConfigError, 'Redis counts whole seconds');
  assert.throws(() => loadConfig([], { BISTRO_MAX_IN_FLIGHT: '-1' }), ConfigError, 'no negative cap');
});
