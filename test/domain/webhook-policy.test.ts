/** The retry policy and the secrets that sign: pure rules, checked at their edges. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRetrySchedule, disableReason, humanDuration, nextAttemptDelay, parseDurations, signingSecrets, type RetryPolicy } from '../../src/domain/webhook.ts';

const policy: RetryPolicy = { schedule: [0, 5000, 300_000], retryAfterCapMs: 60_000, disableAfterMs: 5 * 24 * 3_600_000 };

test('the default schedule is immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
  assert.deepEqual(defaultRetrySchedule, parseDurations('0,5s,5m,30m,2h,5h,10h,10h'), 'the schedule of DESIGN.md §7');
});

test('durations parse with units and refuse anything else', () => {
  assert.deepEqual(parseDurations('0, 250ms,1.5s,2m,1h,1d,40'), [0, 250, 1500, 120_000, 3_600_000, 86_400_000, 40], 'units and bare milliseconds');
  for (const bad of ['', 'soon', '5x', '-1s', '1,,2']) assert.throws(() => parseDurations(bad), `"${bad}" is refused`);
});

test('each retry waits its step of the schedule, spread by ±20%, and the schedule ends the attempts', () => {
  assert.equal(nextAttemptDelay(policy, 1, null, () => 0), 4000, 'the low edge of the jitter');
  assert.equal(nextAttemptDelay(policy, 1, null, () => 1), 6000, 'the high edge');
  assert.equal(nextAttemptDelay(policy, 2, null, () => 0.5), 300_000, 'the middle is the step itself');
  assert.equal(nextAttemptDelay(policy, 3, null, () => 0.5), null, 'no step left: failed for good');
});

test('Retry-After can only lengthen the wait, and never past the cap', () => {
  assert.equal(nextAttemptDelay(policy, 1, 20_000, () => 0.5), 20_000, 'longer than the step: honoured');
  assert.equal(nextAttemptDelay(policy, 1, 1000, () => 0.5), 5000, 'shorter than the step: the step stands');
  assert.equal(nextAttemptDelay(policy, 1, 3_600_000, () => 0.5), 60_000, 'capped');
  assert.equal(nextAttemptDelay(policy, 3, 1000, () => 0.5), null, 'it cannot add attempts');
});

test('an endpoint is disabled on 410, or once it has failed for the whole period', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  assert.match(String(disableReason(policy, null, now, true)), /410 Gone/, '410 at once');
  assert.equal(disableReason(policy, null, now, false), null, 'a first failure disables nothing');
  assert.equal(disableReason(policy, '2026-11-26T12:00:00Z', now, false), null, 'four days of failures: not yet');
  assert.equal(disableReason(policy, '2026-11-25T12:00:00Z', now, false), 'every delivery failed for 5 days', 'five days: disabled');
  assert.deepEqual([humanDuration(600), humanDuration(5000), humanDuration(1_800_000), humanDuration(7_200_000)], ['600 ms', '5 s', '30 min', '2 h'], 'durations read as people say them');
});

test('the current secret and those still in their overlap sign; expired ones do not', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  const secrets = [
    { secret: 'whsec_new', expiresAt: null },
    { secret: 'whsec_old', expiresAt: '2026-11-30T12:00:01Z' },
    { secret: 'whsec_older', expiresAt: '2026-11-30T12:00:00Z' },
  ];
  assert.deepEqual(signingSecrets(secrets, now), ['whsec_new', 'whsec_old'], 'the expired one is left out');
});
