/**
 * Scale-out benchmarks on PostgreSQL and Redis (suites.ts `scaleBenchmarks`). Every node gets a
 * fresh schema, dropped after; rounds rotate between Bistro and its baseline (baseline first,
 * reversed every other round), medians and ratios from the same run.
 *
 * `scale.write`: autocannon (bench/load.ts, load CPU) posts orders to one node on the server CPU,
 * against a bare insert loop of the same rows (bench/scale-insert-loop.ts, server CPU). While each
 * round runs, pg_stat_activity is sampled for the side's own connections (told apart by
 * application_name), so the table can say what PostgreSQL's backends were waiting on.
 *
 * `scale.notify`: two nodes on one schema rung by Redis; the client (bench/scale-notify-client.ts,
 * load CPU) places orders on A and reads them on a socket held on B. Baseline: raw ioredis
 * publish → subscribe between two processes pinned like A and B (bench/scale-redis-peer.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { startBistro, type Server } from './harness.ts';
import type { CollectAnswer, PeerCommand } from './scale-redis-peer.ts';
import type { InsertLoopAnswer, InsertLoopCommand } from './scale-insert-loop.ts';
import type { NotifyAnswer, NotifyCommand } from './scale-notify-client.ts';
import { cpuSeconds, loadCpu, LoadWorker, serverCpu, spawnNode, stopProcess } from './processes.ts';
import { roundOrder, summarisePush, type PushRound, type PushSide } from './push-harness.ts';
import type { ScaleBenchmark } from './suites.ts';
import { percentile } from './bench-http.ts';

export const scalePostgresUrl = process.env['BENCH_POSTGRES_URL'] ?? process.env['BISTRO_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const scaleRedisUrl = process.env['BENCH_REDIS_URL'] ?? process.env['BISTRO_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A child process answering one JSON command line with one JSON line (bench/command-loop.ts). */
class Commanded<C> {
  #child: ChildProcess;
  #lines;
  #stderr = '';

  constructor(
    readonly name: string,
    cpu: number,
    args: string[],
  ) {
    this.#child = spawnNode(cpu, args);
    this.#lines = createInterface({ input: this.#child.stdout ?? process.stdin });
    this.#child.stderr?.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-2000)));
  }

  get child(): ChildProcess {
    return this.#child;
  }

  async send<T>(command: C): Promise<T> {
    const done = new AbortController();
    const answer = Promise.race([
      once(this.#lines, 'line', { signal: done.signal }) as Promise<[string]>,
      once(this.#child, 'exit', { signal: done.signal }).then(([code]) => {
        throw new Error(`${this.name} exited with ${String(code)}: ${this.#stderr}`);
      }),
    ]);
    this.#child.stdin?.write(`${JSON.stringify(command)}\n`);
    const [line] = await answer.finally(() => done.abort());
    const result: unknown = JSON.parse(line);
    if (typeof result === 'object' && result !== null && 'error' in result) throw new Error(`${this.name} failed: ${String(result.error)}`);
    return result as T;
  }

  async close(): Promise<void> {
    this.#child.stdin?.end();
    await stopProcess(this.#child);
  }
}

export interface ScaleOptions {
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  profileDir?: string | undefined;
  log(line: string): void;
}

export interface ScaleResult {
  name: string;
  title: string;
  measure: ScaleBenchmark['measure'];
  note?: string;
  subjectEnv: Record<string, string>;
  /** write: connections and insert-loop workers; notify: orders (and messages) per second. */
  connections?: number;
  ratePerSecond?: number;
  subject: PushSide;
  baseline: { label: string; side: PushSide };
  /** write: Bistro orders/s ÷ baseline orders/s; notify: Bistro p99 − baseline p99 (ms). Medians of this run. */
  comparison: { of: string; value: number | null; rounds: number[] };
  goals: { text: string; met: boolean }[];
  goalMet: boolean | null;
  /** notify: orders with no event on B, events seen twice (both sides' rounds). */
  lost: number;
  duplicated: number;
  /** Orders refused, answers not 2xx, baseline errors, events of orders not placed. */
  failures: number;
  /** write: mean PostgreSQL backends of each side by what they waited on (`CPU` when running), over the measured rounds. */
  waits?: { bistro: Record<string, number>; baseline: Record<string, number> };
  warnings: string[];
}

const sum = (rounds: PushRound[], name: string) => rounds.reduce((total, round) => total + (round[name] ?? 0), 0);
const newSchema = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

async function dropSchemas(schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: scalePostgresUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** Why the scale benchmarks cannot run here (no PostgreSQL, or no Redis for `notify`), or undefined. */
export async function scaleUnavailable(needRedis: boolean): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: scalePostgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch {
    return `no PostgreSQL at ${scalePostgresUrl} (set BENCH_POSTGRES_URL)`;
  } finally {
    await client.end().catch(() => {});
  }
  if (!needRedis) return undefined;
  const { Redis } = await import('ioredis');
  const redis = new Redis(scaleRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch {
    return `no Redis at ${scaleRedisUrl} (set BENCH_REDIS_URL)`;
  } finally {
    redis.disconnect();
  }
}

async function guestToken(url: string): Promise<string> {
  const response = await fetch(`${url}/guests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ table: 7, name: 'Bench' }) });
  if (response.status !== 201) throw new Error(`guest registration answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

interface Side {
  name: string;
  rounds: PushRound[];
  measure(seconds: number): Promise<PushRound>;
}

async function rotate(subject: Side, baseline: Side, options: ScaleOptions, figure: string): Promise<void> {
  if (options.warmupSeconds > 0) {
    options.log(`  warm-up ${options.warmupSeconds} s`);
    for (const side of [baseline, subject]) await side.measure(options.warmupSeconds);
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const side of roundOrder([baseline], round)) {
      if (side === 'subject') subject.rounds.push(await subject.measure(options.seconds));
      else side.rounds.push(await side.measure(options.seconds));
    }
    options.log(`  round ${round + 1}/${options.rounds}: ${figure} ${[subject, baseline].map((side) => `${side.name} ${side.rounds.at(-1)?.[figure] ?? '?'}`).join(', ')}`);
  }
}

/**
 * Samples pg_stat_activity every 10 ms while `work` runs: the mean number of active backends whose
 * application_name is `application`, by wait event (`CPU` when not waiting).
 */
async function sampleWaits<T>(application: string, work: Promise<T>): Promise<{ result: T; waits: Record<string, number> }> {
  const client = new pg.Client({ connectionString: scalePostgresUrl });
  await client.connect();
  const counts: Record<string, number> = {};
  let samples = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const { rows } = await client.query<{ wait: string; n: string }>(
        `select coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait, count(*) as n from pg_stat_activity where application_name = $1 and state = 'active' group by 1`,
        [application],
      );
      samples++;
      for (const row of rows) counts[row.wait] = (counts[row.wait] ?? 0) + Number(row.n);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    const result = await work;
    return { result, waits: Object.fromEntries(Object.entries(counts).map(([wait, n]) => [wait, n / Math.max(1, samples)])) };
  } finally {
    done = true;
    await sampler.catch(() => {});
    await client.end();
  }
}

function addWaits(total: Record<string, number>, add: Record<string, number>): void {
  for (const [wait, n] of Object.entries(add)) total[wait] = (total[wait] ?? 0) + n;
}

const meanWaits = (total: Record<string, number>, rounds: number) =>
  Object.fromEntries(
    Object.entries(total)
      .map(([wait, n]) => [wait, Math.round((n / Math.max(1, rounds)) * 100) / 100] as const)
      .sort((a, b) => b[1] - a[1]),
  );

async function runWrite(benchmark: ScaleBenchmark, options: ScaleOptions, cleanup: { children: ChildProcess[]; schemas: string[]; closers: (() => Promise<void>)[] }, dir: string): Promise<ScaleResult> {
  const connections = benchmark.connections ?? 10;
  const schema = newSchema('bench_w');
  const loopSchema = newSchema('bench_loop');
  cleanup.schemas.push(schema, loopSchema);
  const application = `bench-bistro-${schema}`;
  // PGAPPNAME names Bistro's connections, so the sampler counts its backends and no one else's.
  const env = { BISTRO_DB: scalePostgresUrl, BISTRO_DB_SCHEMA: schema, PGAPPNAME: application };
  const adminToken = `bench-admin-${randomUUID()}`;
  const loop = new Commanded<InsertLoopCommand>('insert loop', serverCpu, [...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, 'insert-loop')}`] : []), 'bench/scale-insert-loop.ts']);
  cleanup.closers.push(async () => {
    await loop.send({ op: 'close' }).catch(() => {});
    await loop.close();
  });
  const bistro = await startBistro(dir, env, adminToken, options.profileDir);
  cleanup.children.push(bistro.child);
  const load = new LoadWorker();
  cleanup.closers.push(() => load.close());
  const token = await guestToken(bistro.url);
  const body = JSON.stringify({ items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] });
  const requests = [{ method: 'POST', path: '/orders', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body }];
  const first = await fetch(`${bistro.url}/orders`, { method: 'POST', headers: requests[0]?.headers ?? {}, body });
  if (first.status !== 201) throw new Error(`POST /orders answered ${first.status}: ${await first.text()}`);
  // The baseline repeats the rows Bistro just wrote for that order: same columns, same JSON sizes.
  const sizes = await loop.send<{ orderBytes: number; eventBytes: number }>({ op: 'setup', url: scalePostgresUrl, from: schema, schema: loopSchema, poolSize: 10 });

  const bistroWaits: Record<string, number> = {};
  const loopWaits: Record<string, number> = {};
  let measuring = false;
  /** The share of its core a side used and its CPU per order, from its process's CPU seconds before and after a round. */
  const cpuFigures = (before: number | null, after: number | null, result: { durationSeconds: number; ok: number }) => {
    const used = before === null || after === null ? null : after - before;
    return {
      serverCpu: used === null ? null : Math.round((used / result.durationSeconds) * 100) / 100,
      cpuUsPerOrder: used === null || result.ok === 0 ? null : Math.round((used * 1e6) / result.ok),
    };
  };
  const subject: Side = {
    name: 'bistro',
    rounds: [],
    async measure(seconds) {
      const before = cpuSeconds(bistro.child.pid);
      const { result, waits } = await sampleWaits(application, load.run({ url: bistro.url, requests, connections, durationSeconds: seconds }));
      const after = cpuSeconds(bistro.child.pid);
      if (measuring) addWaits(bistroWaits, waits);
      return {
        ordersPerSecond: result.rps,
        p50Ms: result.latencyMs.p50,
        p99Ms: result.latencyMs.p99,
        ...cpuFigures(before, after, result),
        loadCpu: result.loadCpu,
        failures: result.non2xx + result.errors + result.timeouts,
      };
    },
  };
  const baseline: Side = {
    name: 'insert-loop',
    rounds: [],
    async measure(seconds) {
      const before = cpuSeconds(loop.child.pid);
      const { result, waits } = await sampleWaits('bench-insert-loop', loop.send<InsertLoopAnswer>({ op: 'run', seconds, concurrency: connections }));
      const after = cpuSeconds(loop.child.pid);
      if (measuring) addWaits(loopWaits, waits);
      return {
        ordersPerSecond: result.rps,
        p50Ms: result.latencyMs.p50,
        p99Ms: result.latencyMs.p99,
        ...cpuFigures(before, after, result),
        failures: result.errors,
      };
    },
  };
  if (options.warmupSeconds > 0) {
    options.log(`  warm-up ${options.warmupSeconds} s`);
    for (const side of [baseline, subject]) await side.measure(options.warmupSeconds);
  }
  measuring = true;
  await rotate(subject, baseline, { ...options, warmupSeconds: 0 }, 'ordersPerSecond');

  const subjectSide = summarisePush(subject.rounds);
  const baselineSide = summarisePush(baseline.rounds);
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? Math.round((a / b) * 1000) / 1000 : null);
  const warnings: string[] = [];
  const busy = subjectSide.median['loadCpu'];
  if (typeof busy === 'number' && busy >= 0.9) warnings.push(`the load generator used ${Math.round(busy * 100)}% of its core against Bistro: it may be the limit`);
  return {
    name: benchmark.name,
    title: benchmark.title,
    measure: 'write',
    ...(benchmark.note ? { note: benchmark.note } : {}),
    subjectEnv: { BISTRO_DB: 'postgres (fresh schema)', BISTRO_KITCHEN: 'manual' },
    connections,
    subject: subjectSide,
    baseline: { label: `bare pg Pool of 10, ${connections} workers, one transaction per order (orders row ${sizes.orderBytes} B, events row ${sizes.eventBytes} B as JSON), seq from a sequence`, side: baselineSide },
    comparison: {
      of: 'orders/s, Bistro ÷ insert loop',
      value: ratio(subjectSide.median['ordersPerSecond'], baselineSide.median['ordersPerSecond']),
      rounds: baseline.rounds.map((round, index) => ratio(subject.rounds[index]?.['ordersPerSecond'], round['ordersPerSecond'])).filter((each): each is number => each !== null),
    },
    goals: [],
    goalMet: null,
    lost: 0,
    duplicated: 0,
    failures: sum([...subject.rounds, ...baseline.rounds], 'failures'),
    waits: { bistro: meanWaits(bistroWaits, subject.rounds.length), baseline: meanWaits(loopWaits, baseline.rounds.length) },
    warnings,
  };
}

async function runNotify(benchmark: ScaleBenchmark, options: ScaleOptions, cleanup: { children: ChildProcess[]; schemas: string[]; closers: (() => Promise<void>)[] }, dir: string): Promise<ScaleResult> {
  const ratePerSecond = benchmark.ratePerSecond ?? 50;
  const schema = newSchema('bench_n');
  cleanup.schemas.push(schema);
  const env = { BISTRO_DB: scalePostgresUrl, BISTRO_DB_SCHEMA: schema, BISTRO_BUS: scaleRedisUrl, BISTRO_BUS_CATCH_UP_MS: '60000' };
  const adminToken = `bench-admin-${randomUUID()}`;
  const client = new Commanded<NotifyCommand | { op: 'close' }>('notify client', loadCpu, ['bench/scale-notify-client.ts']);
  const subscriber = new Commanded<PeerCommand>('redis subscriber', serverCpu, ['bench/scale-redis-peer.ts']);
  const publisher = new Commanded<PeerCommand>('redis publisher', serverCpu, ['bench/scale-redis-peer.ts']);
  for (const each of [client, subscriber, publisher]) cleanup.closers.push(() => each.close());
  // One after another: A migrates and seeds, B finds it done.
  const nodeA: Server = await startBistro(mkdtempSync(join(dir, 'a-')), env, adminToken, options.profileDir);
  cleanup.children.push(nodeA.child);
  const nodeB: Server = await startBistro(mkdtempSync(join(dir, 'b-')), env, adminToken, options.profileDir);
  cleanup.children.push(nodeB.child);
  const token = await guestToken(nodeA.url);
  const channel = `bench:scale:${randomUUID()}`;
  await subscriber.send({ op: 'subscribe', url: scaleRedisUrl, channel });
  const timeoutMs = 10_000;
  const graceMs = 300;

  const subject: Side = {
    name: 'bistro',
    rounds: [],
    async measure(seconds) {
      const cpu = [nodeA, nodeB].map((node) => cpuSeconds(node.child.pid));
      const answer = await client.send<NotifyAnswer>({ op: 'notify', writeUrl: nodeA.url, readUrl: nodeB.url, token, ratePerSecond, seconds, timeoutMs, graceMs });
      const used = [nodeA, nodeB].map((node, index) => {
        const before = cpu[index];
        const after = cpuSeconds(node.child.pid);
        return before === null || before === undefined || after === null ? null : Math.round(((after - before) / seconds) * 100) / 100;
      });
      const times = answer.latencyMs;
      return {
        p50Ms: percentile(times, 50),
        p99Ms: percentile(times, 99),
        maxMs: percentile(times, 100),
        fromSendP99Ms: percentile(answer.fromSendMs, 99),
        orderP99Ms: percentile(answer.orderMs, 99),
        events: times.length,
        nodeACpu: used[0] ?? null,
        nodeBCpu: used[1] ?? null,
        clientCpu: answer.clientCpu,
        lost: answer.lost,
        duplicated: answer.duplicated,
        failures: answer.failedOrders + answer.strangers,
      };
    },
  };
  const baseline: Side = {
    name: 'redis',
    rounds: [],
    async measure(seconds) {
      await subscriber.send({ op: 'start' });
      const { sent } = await publisher.send<{ sent: number }>({ op: 'publish', url: scaleRedisUrl, channel, ratePerSecond, seconds });
      const answer = await subscriber.send<CollectAnswer>({ op: 'collect', expected: sent, timeoutMs, graceMs });
      const times = answer.latencyMs;
      return {
        p50Ms: percentile(times, 50),
        p99Ms: percentile(times, 99),
        maxMs: percentile(times, 100),
        events: times.length,
        lost: sent - answer.distinct,
        duplicated: answer.total - answer.distinct,
        failures: 0,
      };
    },
  };
  await rotate(subject, baseline, options, 'p99Ms');

  const subjectSide = summarisePush(subject.rounds);
  const baselineSide = summarisePush(baseline.rounds);
  const difference = (a: number | null | undefined, b: number | null | undefined) => (typeof a === 'number' && typeof b === 'number' ? Math.round((a - b) * 1000) / 1000 : null);
  const over = difference(subjectSide.median['p99Ms'], baselineSide.median['p99Ms']);
  const goals = benchmark.goal ? [{ text: `p99 ≤ raw p99 + ${benchmark.goal.maxP99OverBaselineMs} ms`, met: over !== null && over <= benchmark.goal.maxP99OverBaselineMs }] : [];
  const all = [...subject.rounds, ...baseline.rounds];
  return {
    name: benchmark.name,
    title: benchmark.title,
    measure: 'notify',
    ...(benchmark.note ? { note: benchmark.note } : {}),
    subjectEnv: { ...env, BISTRO_DB: 'postgres (fresh schema, shared by both nodes)' },
    ratePerSecond,
    subject: subjectSide,
    baseline: { label: 'raw ioredis PUBLISH → SUBSCRIBE message, publisher and subscriber each in its own process on the server CPU (where A and B run), timed with CLOCK_MONOTONIC', side: baselineSide },
    comparison: {
      of: 'p99 ms, Bistro − raw Redis hop',
      value: over,
      rounds: baseline.rounds.map((round, index) => difference(subject.rounds[index]?.['p99Ms'], round['p99Ms'])).filter((each): each is number => each !== null),
    },
    goals,
    goalMet: goals.length === 0 ? null : goals.every((goal) => goal.met),
    lost: sum(all, 'lost'),
    duplicated: sum(all, 'duplicated'),
    failures: sum(all, 'failures'),
    warnings: [],
  };
}

export async function runScaleBenchmark(benchmark: ScaleBenchmark, options: ScaleOptions): Promise<ScaleResult> {
  const unavailable = await scaleUnavailable(benchmark.measure === 'notify');
  if (unavailable) throw new Error(`${benchmark.name} cannot run: ${unavailable}`);
  const dir = mkdtempSync(join(tmpdir(), 'bistro-bench-scale-'));
  const cleanup = { children: [] as ChildProcess[], schemas: [] as string[], closers: [] as (() => Promise<void>)[] };
  try {
    const result = benchmark.measure === 'write' ? await runWrite(benchmark, options, cleanup, dir) : await runNotify(benchmark, options, cleanup, dir);
    // A lost or repeated event is a bug, not a slow figure: the bench fails (run.ts exits non-zero).
    if (result.lost + result.duplicated > 0) result.goalMet = false;
    return result;
  } finally {
    for (const close of cleanup.closers) await close().catch(() => {});
    await Promise.all(cleanup.children.map((child) => stopProcess(child)));
    await dropSchemas(cleanup.schemas).catch((error: unknown) => options.log(`  dropping ${cleanup.schemas.join(', ')}: ${String(error)}`));
    rmSync(dir, { recursive: true, force: true });
  }
}
