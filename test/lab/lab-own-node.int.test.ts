/**
 * The lab's own node (what `bistro lab` starts without --url): server CPU and peak memory per
 * phase, the baseline in every round, medians within their ranges, none of the caller's BISTRO_
 * settings passed on; and `--nodes 3` on PostgreSQL and Redis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLabOptions } from '../../src/lab/lab-options.ts';
import { runLab } from '../../src/lab/run-lab.ts';
import pg from 'pg';
import { postgresUrl } from '../helpers/backends.ts';
import { clusterSkipReason, redisUrl } from '../helpers/cluster.ts';

test('the lab’s own node: server CPU and peak memory per phase, medians within each round range', async () => {
  // As a node of a cluster would have them (the web UI's Lab page runs the lab as its child): none may reach the lab's own node.
  const caller = { BISTRO_BUS: 'redis://127.0.0.1:9', BISTRO_DB: 'postgres://nobody@127.0.0.1:9/none', BISTRO_KITCHEN: 'manual' };
  Object.assign(process.env, caller);
  let own;
  try {
    own = await runLab(checkLabOptions({ guests: 3, paceMs: 50, durationS: 0, patterns: ['sse', 'poll-1s'], rounds: 2, requestSamples: 0, seed: 5 }));
  } finally {
    for (const name of Object.keys(caller)) delete process.env[name];
  }
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

const clusterSkip = await clusterSkipReason();

test('--nodes 3: three own nodes on PostgreSQL and Redis, guests spread over them, the schema dropped after', { skip: clusterSkip }, async () => {
  const cluster = await runLab(checkLabOptions({ guests: 6, paceMs: 50, durationS: 0, patterns: ['sse', 'webhook'], rounds: 1, requestSamples: 0, nodes: 3, db: postgresUrl, bus: redisUrl, seed: 9 }));
  assert.equal(cluster.target.kind, 'own-cluster', 'the lab started a cluster');
  assert.equal(cluster.target.url.split(' ').length, 3, 'of three nodes');
  for (const summary of cluster.patterns) {
    assert.equal(summary.rounds[0]?.updates, 6, `${summary.pattern}: every guest heard, whichever node it talked to`);
    assert.ok((summary.serverCpuMs?.median ?? 0) > 0, `${summary.pattern}: the three nodes' CPU is measured`);
  }
  const schema = /schema (lab_[0-9a-f]+)/.exec(cluster.target.database)?.[1];
  assert.ok(schema, `the result names the schema: ${cluster.target.database}`);
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const left = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
    assert.equal(left.rowCount, 0, 'the lab dropped its schema');
  } finally {
    await client.end();
  }
});
