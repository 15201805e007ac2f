/** The webhook and scale benchmarks run at a tiny size (a file of their own: the node test runner's timeout covers a whole file). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionsFromEnv, runBench } from '../../bench/run.ts';
import pg from 'pg';
import { scalePostgresUrl } from '../../bench/scale-bench.ts';
import { clusterSkipReason } from '../helpers/cluster.ts';

test('the webhook benchmarks run at a tiny size: deliveries/s against the undici loop, latency alone and beside a dead endpoint, none lost or duplicated', async () => {
  const resultsDir = mkdtempSync(join(tmpdir(), 'bistro-bench-smoke-'));
  try {
    // 0.2 s: 200 events a drain, 10 orders a latency round.
    const { report, markdown } = await runBench({ ...optionsFromEnv({}), seconds: 0.2, rounds: 1, warmupSeconds: 0, only: ['webhooks'], resultsDir, log: () => {} });
    assert.deepEqual(
      report.webhooks.map((result) => [result.name, result.comparison?.ratioOf ?? null]),
      [
        ['webhooks.throughput', 'deliveriesPerSecond'],
        ['webhooks.latency', null],
        ['webhooks.dead-endpoint', 'p99Ms'],
      ],
      'BENCH_ONLY=webhooks runs the three, in the order of suites.ts',
    );
    for (const result of report.webhooks) {
      assert.equal(result.lost, 0, `${result.name}: no delivery lost`);
      assert.equal(result.duplicated, 0, `${result.name}: no delivery duplicated`);
      assert.equal(result.failures, 0, `${result.name}: every order placed, every delivery signed, no baseline error`);
      const figure = result.measure === 'throughput' ? 'deliveriesPerSecond' : 'p99Ms';
      for (const side of [result.subject, ...(result.comparison ? [result.comparison.side] : [])]) {
        assert.equal(side.rounds.length, 1, `${result.name}: one round per side`);
        assert.equal(typeof side.median[figure], 'number', `${result.name}: ${figure} was measured`);
      }
      if (result.comparison) assert.equal(typeof result.comparison.ratio, 'number', `${result.name}: a ratio against the baseline`);
      assert.ok(result.goals.length > 0, `${result.name}: the benchmark was judged`);
    }
    const dead = report.webhooks.find((result) => result.name === 'webhooks.dead-endpoint');
    assert.ok((dead?.subject.median['hung'] ?? 0) > 0, 'the dead endpoint was called and left hanging');
    assert.match(markdown, /## Webhooks[\s\S]*\| webhook deliveries\/s to one endpoint/, 'the webhook table names each benchmark');
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
});

test('the scale benchmarks run at a tiny size: orders/s on PostgreSQL against the insert loop, cross-node latency against raw Redis, none lost or duplicated', async (t) => {
  const reason = await clusterSkipReason();
  if (reason) return void t.skip(reason);
  const benchSchemas = async (): Promise<string[]> => {
    const client = new pg.Client({ connectionString: scalePostgresUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>(`select nspname from pg_namespace where nspname like 'bench\\_%'`);
      return rows.map((row) => row.nspname);
    } finally {
      await client.end();
    }
  };
  // Another run killed half-way may have left its own; only this run's must be gone at the end.
  const before = new Set(await benchSchemas());
  const resultsDir = mkdtempSync(join(tmpdir(), 'bistro-bench-smoke-'));
  try {
    // 0.4 s: 20 orders a notify round.
    const { report, markdown } = await runBench({ ...optionsFromEnv({}), seconds: 0.4, rounds: 1, warmupSeconds: 0, only: ['scale'], resultsDir, log: () => {} });
    assert.deepEqual(report.scale.map((result) => result.name), ['scale.write', 'scale.notify'], 'BENCH_ONLY=scale runs the two, in the order of suites.ts');
    for (const result of report.scale) {
      assert.equal(result.lost, 0, `${result.name}: no event lost`);
      assert.equal(result.duplicated, 0, `${result.name}: no event duplicated`);
      assert.equal(result.failures, 0, `${result.name}: every order placed, no baseline error`);
      const figure = result.measure === 'write' ? 'ordersPerSecond' : 'p99Ms';
      for (const side of [result.subject, result.baseline.side]) {
        assert.equal(side.rounds.length, 1, `${result.name}: one round per side`);
        assert.ok((side.median[figure] ?? 0) > 0, `${result.name}: ${figure} was measured`);
      }
      assert.equal(typeof result.comparison.value, 'number', `${result.name}: compared with its baseline`);
    }
    assert.equal(report.scale[1]?.goals.length, 1, 'the notify goal was judged');
    assert.match(markdown, /## Scale-out[\s\S]*\| POST \/orders on PostgreSQL/, 'the scale table names each benchmark');
    assert.deepEqual((await benchSchemas()).filter((schema) => !before.has(schema)), [], 'every schema the bench made was dropped');
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
});
