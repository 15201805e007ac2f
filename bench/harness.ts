/**
 * Runs benchmarks: a fresh Bistro per benchmark, its mirror baseline, a warm-up, then rounds that
 * alternate baseline and subject (ABBA) so drift and noise hit both alike; medians and ratios
 * come from the same run.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { LoadRequest, LoadResult } from './load.ts';
import { cpuSeconds, serverCpu, spawnNode, stopProcess, waitForLine, type LoadWorker } from './processes.ts';
import type { Benchmark, BenchRequest, BenchSetup, Goal } from './suites.ts';
import type { RecordedAnswer } from './baseline-server.ts';

export interface BenchOptions {
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  /** Directory for `--cpu-prof` profiles of every Bistro process; none when absent. */
  profileDir?: string | undefined;
  log(line: string): void;
}

export interface Round extends LoadResult {
  /** Share of one core the server used during the round (null where /proc cannot be read). */
  serverCpu: number | null;
  /**
   * Server CPU microseconds per 2xx answer: unlike req/s this barely moves when other work
   * shares the machine, so it is the steadier measure of cost on a busy host.
   */
  serverCpuUsPerRequest: number | null;
}

export interface Side {
  rounds: Round[];
  median: { rps: number; p50Ms: number; p99Ms: number; serverCpu: number | null; serverCpuUsPerRequest: number | null; loadCpu: number };
  minRps: number;
  maxRps: number;
}

export interface BenchResult {
  name: string;
  title: string;
  unit: string;
  connections: number;
  note?: string;
  requests: LoadRequest[];
  subjectEnv: Record<string, string>;
  /** Bytes of the first answer's body, the same for subject and baseline. */
  responseBytes: number;
  subject: Side;
  baseline: Side | null;
  /** What the baseline was: the bare node:http mirror, or another request on the same Bistro. */
  baselineLabel: string | null;
  /** Median subject rps ÷ median baseline rps. */
  ratio: number | null;
  /** Subject ÷ baseline round by round (each pair measured back to back): how steady the ratio is. */
  roundRatios: number[];
  goal: Goal | null;
  goalMet: boolean | null;
  /** Answers that were not 2xx, or transport errors, in any measured round. */
  failures: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

function summarise(rounds: Round[]): Side {
  const known = (values: (number | null)[]) => values.filter((value): value is number => value !== null);
  const cpus = known(rounds.map((round) => round.serverCpu));
  const costs = known(rounds.map((round) => round.serverCpuUsPerRequest));
  const rps = rounds.map((round) => round.rps);
  return {
    rounds,
    median: {
      rps: Math.round(median(rps)),
      p50Ms: median(rounds.map((round) => round.latencyMs.p50)),
      p99Ms: median(rounds.map((round) => round.latencyMs.p99)),
      serverCpu: cpus.length === rounds.length ? Math.round(median(cpus) * 100) / 100 : null,
      serverCpuUsPerRequest: costs.length === rounds.length ? Math.round(median(costs) * 10) / 10 : null,
      loadCpu: median(rounds.map((round) => round.loadCpu)),
    },
    minRps: Math.min(...rps),
    maxRps: Math.max(...rps),
  };
}

function toLoadRequest(request: BenchRequest): LoadRequest {
  const headers = { ...request.headers };
  if (request.body === undefined) return { method: request.method, path: request.path, headers };
  if (typeof request.body === 'string') return { method: request.method, path: request.path, headers, body: request.body };
  headers['content-type'] ??= 'application/json';
  return { method: request.method, path: request.path, headers, body: JSON.stringify(request.body) };
}

interface Server {
  url: string;
  child: ChildProcess;
}

async function startBistro(dir: string, env: Record<string, string>, adminToken: string, profileDir: string | undefined): Promise<Server> {
  const child = spawnNode(serverCpu, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'src/cli.ts', 'serve'], {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    BISTRO_DB: `sqlite:${join(dir, 'bench.db')}`,
    BISTRO_KITCHEN: 'manual',
    BISTRO_LOG_LEVEL: 'silent',
    BISTRO_SQLITE_SYNCHRONOUS: 'full',
    BISTRO_ADMIN_TOKEN: adminToken,
    ...env,
  });
  const match = await waitForLine(child, /Bistro serving (http:\/\/\S+)/);
  return { url: match[1] ?? '', child };
}

/** Starts now, so it loads while Bistro does; it listens once `answer` hands it what to say. */
function startBaseline(): { child: ChildProcess; answer(answers: RecordedAnswer[]): Promise<Server> } {
  const child = spawnNode(serverCpu, ['bench/baseline-server.ts']);
  return {
    child,
    async answer(answers) {
      child.stdin?.write(`${JSON.stringify(answers)}\n`);
      const match = await waitForLine(child, /listening (\d+)/);
      return { url: `http://127.0.0.1:${match[1] ?? ''}`, child };
    },
  };
}

/** Sends each request once and records what came back, for the mirror to repeat byte for byte. */
async function record(url: string, requests: LoadRequest[]): Promise<RecordedAnswer[]> {
  const answers: RecordedAnswer[] = [];
  for (const request of requests) {
    const fill = (text: string) => text.replaceAll('[<id>]', randomUUID());
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, fill(value)]));
    const requestBody = request.body === undefined ? undefined : fill(request.body);
    const response = await fetch(url + request.path, { method: request.method, headers, ...(requestBody === undefined ? {} : { body: requestBody }) });
    const body = await response.text();
    if (!response.ok) throw new Error(`${request.method} ${request.path} answered ${response.status} while recording: ${body.slice(0, 500)}`);
    const kept: Record<string, string> = {};
    for (const name of ['content-type', 'etag', 'location']) {
      const value = response.headers.get(name);
      if (value !== null) kept[name] = value;
    }
    answers.push({ method: request.method, path: request.path, ...(requestBody === undefined ? {} : { requestBody }), status: response.status, headers: kept, body });
  }
  return answers;
}

async function guest(url: string): Promise<string> {
  const response = await fetch(`${url}/guests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ table: 7, name: 'Bench' }) });
  if (response.status !== 201) throw new Error(`guest registration answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

async function measure(load: LoadWorker, server: Server, requests: LoadRequest[], connections: number, seconds: number): Promise<Round> {
  const before = cpuSeconds(server.child.pid);
  const result = await load.run({ url: server.url, requests, connections, durationSeconds: seconds });
  const after = cpuSeconds(server.child.pid);
  const used = before === null || after === null ? null : after - before;
  return {
    ...result,
    serverCpu: used === null ? null : Math.round((used / result.durationSeconds) * 100) / 100,
    serverCpuUsPerRequest: used === null || result.ok === 0 ? null : Math.round((used * 1e7) / result.ok) / 10,
  };
}

function judge(goal: Goal | null, rps: number, ratio: number | null): boolean | null {
  if (!goal) return null;
  if (goal.kind === 'throughput') return rps >= goal.min;
  return ratio === null ? null : ratio >= goal.min;
}

export async function runBenchmark(benchmark: Benchmark, load: LoadWorker, options: BenchOptions): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-bench-'));
  const adminToken = `bench-admin-${randomUUID()}`;
  const children: ChildProcess[] = [];
  try {
    const starting = benchmark.baseline === 'mirror' ? startBaseline() : null;
    if (starting) children.push(starting.child);
    const started = Date.now();
    const subject = await startBistro(dir, benchmark.subject.env ?? {}, adminToken, options.profileDir);
    children.push(subject.child);
    options.log(`  Bistro up at ${subject.url} in ${Date.now() - started} ms`);
    const setup: BenchSetup = { guestToken: await guest(subject.url), adminToken };
    const requests = benchmark.requests(setup).map(toLoadRequest);
    const connections = benchmark.connections ?? 10;
    const answers = await record(subject.url, requests);

    // A `same-node` baseline is another request (e.g. the REST read of the same data) on this very Bistro.
    const sameNode = typeof benchmark.baseline === 'object' ? benchmark.baseline : null;
    const baselineRequests = sameNode ? sameNode.requests(setup).map(toLoadRequest) : requests;
    if (sameNode) await record(subject.url, baselineRequests);
    const baseline = starting ? await starting.answer(answers) : sameNode ? subject : null;
    const baselineLabel = starting ? 'bare node:http, same bytes' : sameNode ? sameNode.label : null;

    if (options.warmupSeconds > 0) {
      options.log(`  warm-up ${options.warmupSeconds} s`);
      if (baseline) await measure(load, baseline, baselineRequests, connections, options.warmupSeconds);
      await measure(load, subject, requests, connections, options.warmupSeconds);
    }

    const subjectRounds: Round[] = [];
    const baselineRounds: Round[] = [];
    for (let round = 0; round < options.rounds; round++) {
      // ABBA: the side measured first alternates, so warming or drift favours neither.
      const order = round % 2 === 0 ? ['baseline', 'subject'] : ['subject', 'baseline'];
      for (const side of order) {
        if (side === 'baseline' && baseline) baselineRounds.push(await measure(load, baseline, baselineRequests, connections, options.seconds));
        if (side === 'subject') subjectRounds.push(await measure(load, subject, requests, connections, options.seconds));
      }
      const last = subjectRounds.at(-1);
      const lastBaseline = baselineRounds.at(-1);
      options.log(`  round ${round + 1}/${options.rounds}: bistro ${last?.rps ?? 0}/s${lastBaseline ? `, baseline ${lastBaseline.rps}/s` : ''}`);
    }

    const subjectSide = summarise(subjectRounds);
    const baselineSide = baseline ? summarise(baselineRounds) : null;
    const ratio = baselineSide && baselineSide.median.rps > 0 ? Math.round((subjectSide.median.rps / baselineSide.median.rps) * 1000) / 1000 : null;
    const failures = [...subjectRounds, ...baselineRounds].reduce((sum, round) => sum + round.non2xx + round.errors + round.timeouts, 0);
    return {
      name: benchmark.name,
      title: benchmark.title,
      unit: benchmark.unit ?? 'req',
      connections,
      ...(benchmark.note ? { note: benchmark.note } : {}),
      requests,
      subjectEnv: benchmark.subject.env ?? {},
      responseBytes: Buffer.byteLength(answers[0]?.body ?? ''),
      subject: subjectSide,
      baseline: baselineSide,
      baselineLabel,
      ratio,
      roundRatios: baselineRounds.map((round, index) => Math.round(((subjectRounds[index]?.rps ?? 0) / Math.max(1, round.rps)) * 1000) / 1000),
      goal: benchmark.goal ?? null,
      goalMet: judge(benchmark.goal ?? null, subjectSide.median.rps, ratio),
      failures,
    };
  } finally {
    await Promise.all(children.map((child) => stopProcess(child)));
    rmSync(dir, { recursive: true, force: true });
  }
}
