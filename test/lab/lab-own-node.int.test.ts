/**
 * The lab's own node (what `bistro lab` starts without --url): server CPU and peak memory per
 * phase, the baseline in every round, medians within their ranges.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLabOptions } from '../../src/lab/lab-options.ts';
import { runLab } from '../../src/lab/run-lab.ts';

test('the lab’s own node: server CPU and peak memory per phase, medians within each round range', async () => {
  const own = await runLab(checkLabOptions({ guests: 3, paceMs: 50, durationS: 0, patterns: ['sse', 'poll-1s'], rounds: 2, requestSamples: 0, seed: 5 }));
  assert.equal(own.target.kind, 'own-node', 'the lab started its own node');
  assert.equal(own.baseline.rounds.length, 2, 'the baseline ran in every round');
  for (const summary of own.patterns) {
    assert.equal(summary.rounds.length, 2, `${summary.pattern}: two rounds`);
    for (const spread of [summary.serverCpuMs, summary.serverPeakRssBytes, summary.latencyMs.p50, summary.requestsPerUpdate]) {
      assert.ok(spread, `${summary.pattern}: measured`);
      assert.ok(spread.min <= spread.median && spread.median <= spread.max, `${summary.pattern}: the median lies within the range`);
    }
    assert.ok((summary.serverPeakRssBytes?.median ?? 0) > 10 * 1024 * 1024, `${summary.pattern}: a node's resident memory is megabytes`);
  }
  assert.equal(own.requestResponse.length, 0, '--requests 0 skips the request side');
});
