/** The bench harness itself works: one benchmark, one short round, real processes, results written with real numbers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionsFromEnv, runBench } from '../../bench/run.ts';
import type { BenchReport } from '../../bench/report.ts';

test('one bench round against Bistro, a bare Fastify route and the node:http mirror yields req/s, latency and a ratio for each', async () => {
  const resultsDir = mkdtempSync(join(tmpdir(), 'bistro-bench-smoke-'));
  try {
    const { jsonFile } = await runBench({ ...optionsFromEnv({}), seconds: 1, rounds: 1, warmupSeconds: 0, only: ['rest.menu-item'], resultsDir, log: () => {} });
    const report = JSON.parse(readFileSync(join(resultsDir, 'latest.json'), 'utf8')) as BenchReport;
    assert.deepEqual(JSON.parse(readFileSync(jsonFile, 'utf8')), report);
    assert.match(readFileSync(join(resultsDir, 'latest.md'), 'utf8'), /\| GET \/menu\/fish-and-chips \|/);

    assert.equal(report.benchmarks.length, 1);
    const [result] = report.benchmarks;
    assert.ok(result);
    assert.equal(result.name, 'rest.menu-item');
    assert.equal(result.failures, 0, 'no failed answers');
    assert.ok(result.responseBytes > 0, 'the answer has a body');
    assert.ok(result.subject.median.rps > 0 && result.subject.median.p99Ms > 0, 'Bistro was measured');
    assert.deepEqual(result.comparisons.map((comparison) => comparison.kind), ['fastify', 'mirror'], 'both baselines ran');
    for (const comparison of result.comparisons) {
      assert.ok(comparison.side.median.rps > 0, `the ${comparison.kind} baseline was measured`);
      assert.ok(comparison.ratio > 0, `a ratio against ${comparison.kind}`);
      assert.equal(typeof comparison.met, 'boolean', `the ${comparison.kind} goal was judged`);
    }
    assert.equal(typeof result.goalMet, 'boolean', 'the benchmark was judged');
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
});

test('the JSON-RPC and GraphQL library baselines (jayson, mercurius) start, answer what Bistro answered and are measured', async () => {
  const resultsDir = mkdtempSync(join(tmpdir(), 'bistro-bench-smoke-'));
  try {
    const { report } = await runBench({ ...optionsFromEnv({}), seconds: 1, rounds: 1, warmupSeconds: 0, only: ['rpc.menu-get', 'graphql.menu-item'], resultsDir, log: () => {} });
    assert.deepEqual(
      report.benchmarks.map((result) => [result.name, result.comparisons.map((comparison) => comparison.kind)]),
      [
        ['rpc.menu-get', ['fastify', 'jayson']],
        ['graphql.menu-item', ['mercurius']],
      ],
      'each benchmark ran against its baselines',
    );
    for (const result of report.benchmarks) {
      assert.equal(result.failures, 0, `${result.name}: no failed answers`);
      for (const comparison of result.comparisons) assert.ok(comparison.side.median.rps > 0, `${result.name}: the ${comparison.kind} baseline was measured`);
    }
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
});

test('a BENCH_ONLY that names no benchmark is refused with the names there are', async () => {
  const resultsDir = join(tmpdir(), `bistro-bench-none-${process.pid}`);
  await assert.rejects(runBench({ ...optionsFromEnv({}), only: ['rest.no-such-thing'], resultsDir, log: () => {} }), /matches none of: .*rest\.menu-item/);
  assert.equal(existsSync(resultsDir), false);
});

test('bench settings come from the environment, and bad ones are refused', () => {
  assert.deepEqual(
    (({ seconds, rounds, warmupSeconds, only }) => ({ seconds, rounds, warmupSeconds, only }))(optionsFromEnv({ BENCH_QUICK: '1', BENCH_ONLY: 'rest.menu, rest.menu-item' })),
    { seconds: 1, rounds: 1, warmupSeconds: 0, only: ['rest.menu', 'rest.menu-item'] },
  );
  assert.equal(optionsFromEnv({}).rounds, 5);
  assert.throws(() => optionsFromEnv({ BENCH_SECONDS: '0' }), /BENCH_SECONDS must be a positive number/);
  assert.throws(() => optionsFromEnv({ BENCH_ROUNDS: 'many' }), /BENCH_ROUNDS/);
});
