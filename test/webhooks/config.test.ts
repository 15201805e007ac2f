/** The webhook settings: defaults as documented, units understood, nonsense refused with the setting's name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';

test('webhook settings default to DESIGN.md §7 and the README', () => {
  const config = loadConfig([], {});
  assert.deepEqual(
    [config.webhookAllowPrivate, config.webhookRetrySchedule, config.webhookRetryAfterCapMs, config.webhookDisableAfterMs, config.webhookTimeoutMs, config.webhookConcurrency, config.webhookEndpointConcurrency],
    [false, [0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000], 3_600_000, 432_000_000, 15_000, 64, 8],
    'the documented defaults',
  );
});

test('webhook settings take units, and refuse what they cannot mean', () => {
  const config = loadConfig([], { BISTRO_WEBHOOK_ALLOW_PRIVATE: '1', BISTRO_WEBHOOK_RETRY_SCHEDULE: '0,100ms,2s', BISTRO_WEBHOOK_DISABLE_AFTER: '90m' });
  assert.deepEqual([config.webhookAllowPrivate, config.webhookRetrySchedule, config.webhookDisableAfterMs], [true, [0, 100, 2000], 5_400_000], 'units');
  for (const [name, value] of [
    ['BISTRO_WEBHOOK_RETRY_SCHEDULE', 'soon'],
    ['BISTRO_WEBHOOK_RETRY_SCHEDULE', Array.from({ length: 21 }, () => '1s').join(',')],
    ['BISTRO_WEBHOOK_RETRY_SCHEDULE', '0,30d'],
    ['BISTRO_WEBHOOK_DISABLE_AFTER', '-5d'],
    ['BISTRO_WEBHOOK_ALLOW_PRIVATE', 'yes please'],
    ['BISTRO_WEBHOOK_TIMEOUT_MS', '0'],
  ] as const) {
    assert.throws(() => loadConfig([], { [name]: value }), (error: unknown) => error instanceof ConfigError && error.message.startsWith(name), `${name}=${value.slice(0, 20)} is refused, naming the setting`);
  }
});
