/** The bench harness itself works: one benchmark, one short round, real processes, results written with real numbers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionsFromEnv, runBench } from '../../bench/run.ts';
import type { BenchReport } from '../../bench/report.ts';
import pg from 'pg';
import { scalePostgresUrl } from '../../bench/scale-bench.ts';
import { clusterSkipReason } from '../helpers/cluster.ts';

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

test('the push benchmarks run at a tiny size: every client kind, both measures, each baseline, with the figures the table quotes', async () => {
  const resultsDir = mkdtempSync(join(tmpdir(), 'bistro-bench-smoke-'));
  const only = ['push.broadcast.2000', 'push.memory.ws', 'push.wake.longpoll', 'push.wake.sse'];
  try {
    const { report, markdown } = await runBench({ ...optionsFromEnv({}), rounds: 1, connections: 20, only, resultsDir, log: () => {} });
    assert.equal(report.benchmarks.length, 0, 'no HTTP benchmark was asked for');
    assert.deepEqual(
      report.push.map((result) => [result.name, result.connections, result.comparisons.map((comparison) => comparison.kind)]),
      [
        ['push.broadcast.2000', 20, ['bare', 'socketio']],
        ['push.memory.ws', 20, ['bare']],
        ['push.wake.longpoll', 20, ['bare']],
        ['push.wake.sse', 20, ['bare']],
      ],
      'each push benchmark ran at the asked size against its baselines, in the order of suites.ts',
    );
    for (const result of report.push) {
      assert.equal(result.failures, 0, `${result.name}: every connection opened and every event arrived (${JSON.stringify(result.subject.rounds)})`);
      const figures = result.measure === 'delivery' ? ['deliveriesPerSecond', 'p50Ms', 'p99Ms', 'clientCpu'] : ['rssBytesPerConnection', 'heapBytesPerConnection'];
      for (const side of [result.subject, ...result.comparisons.map((comparison) => comparison.side)]) {
        assert.equal(side.rounds.length, 1, `${result.name}: one round per side`);
        for (const figure of figures) assert.equal(typeof side.median[figure], 'number', `${result.name}: ${figure} was measured`);
        if (result.measure === 'delivery') assert.ok((side.median['p99Ms'] ?? 0) > 0 && (side.median['deliveriesPerSecond'] ?? 0) > 0, `${result.name}: deliveries were timed`);
      }
      // RSS grows in pages, and 20 connections' heap (~100 KB) is within what the node's own timers
      // allocate between two readings on a busy machine (seen: a negative figure while the rest of
      // the suite ran): at this size a memory figure is measured, not judged, and its ratio may be unknown.
      if (result.measure === 'delivery') for (const comparison of result.comparisons) assert.equal(typeof comparison.ratio, 'number', `${result.name}: a ratio against ${comparison.kind}`);
      assert.equal(typeof result.goalMet, 'boolean', `${result.name}: the benchmark was judged`);
    }
    assert.match(markdown, /## Push[\s\S]*\| \/ws broadcast to 2,000 subscribers \| 20 \|/, 'the push table names each benchmark with the connections it measured');
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
});

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
    const client = new pg.Client({ connectionString: scalePostgresUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`select nspname from pg_namespace where nspname like 'bench\\_%'`);
      assert.deepEqual(rows, [], 'every schema the bench made was dropped');
    } finally {
      await client.end();
    }
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
});
