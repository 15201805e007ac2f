/**
 * Runs benchmarks: a fresh Bistro per benchmark, its baseline servers (each its own process), a
 * warm-up, then rounds that rotate between the baselines and the subject, the order reversed every
 * other round, so drift and noise hit all alike; medians and ratios come from the same run.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { LoadRequest, LoadResult } from './load.ts';
import { cpuSeconds, serverCpu, spawnNode, stopProcess, waitForLine, type LoadWorker } from './processes.ts';
import type { Baseline, BaselineServer, Benchmark, BenchRequest, BenchSetup, Goal } from './suites.ts';
import type { RecordedAnswer } from './baseline-answers.ts';

export interface BenchOptions {
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  /** Directory for `--cpu-prof` profiles of every Bistro process (and of each baseline, in a folder named after its kind); none when absent. */
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

/** Bistro against one baseline of the run. */
export interface Comparison {
  kind: Baseline['kind'];
  /** What the baseline was, for a reader. */
  label: string;
  side: Side;
  /** Median subject rps ÷ median baseline rps. */
  ratio: number;
  /** Subject ÷ baseline round by round (measured back to back): how steady the ratio is. */
  roundRatios: number[];
  /** The least ratio to reach, when this baseline sets one. */
  min: number | null;
  met: boolean | null;
}

export interface BenchResult {
  name: string;
  title: string;
  unit: string;
  connections: number;
  note?: string;
  requests: LoadRequest[];
  subjectEnv: Record<string, string>;
  /** Bytes of the first answer's body, the same for subject and baselines (checked before measuring). */
  responseBytes: number;
  subject: Side;
  comparisons: Comparison[];
  /** A throughput goal on the subject alone. */
  goal: Goal | null;
  /** Every goal of the benchmark (throughput and each baseline's ratio) met; null when it sets none. */
  goalMet: boolean | null;
  /** Answers that were not 2xx, or transport errors, in any measured round. */
  failures: number;
}

export const median = (values: number[]): number => {
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

export interface Server {
  url: string;
  child: ChildProcess;
}

/** `nodeArgs` go before the script, e.g. the push benchmarks' memory probe. */
export async function startBistro(dir: string, env: Record<string, string>, adminToken: string, profileDir: string | undefined, nodeArgs: string[] = []): Promise<Server> {
  const child = spawnNode(serverCpu, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...nodeArgs, 'src/cli.ts', 'serve'], {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    BISTRO_DB: `sqlite:${join(dir, 'bench.db')}`,
    BISTRO_KITCHEN: 'manual',
    BISTRO_LOG_LEVEL: 'silent',
    BISTRO_SQLITE_SYNCHRONOUS: 'full',
    BISTRO_ADMIN_TOKEN: adminToken,
    // The bench measures the node's ceiling from a few principals: rate limits and load shedding would be the result instead.
    BISTRO_RATE_LIMIT: '0',
    BISTRO_MAX_IN_FLIGHT: '0',
    BISTRO_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
  const match = await waitForLine(child, /Bistro serving (http:\/\/\S+)/);
  return { url: match[1] ?? '', child };
}

const baselineFiles: Record<BaselineServer, { file: string; label: string }> = {
  mirror: { file: 'bench/baseline-server.ts', label: 'bare node:http, same bytes' },
  fastify: { file: 'bench/baseline-fastify.ts', label: 'bare Fastify route, same bytes (JSON bodies parsed by Fastify)' },
  jayson: { file: 'bench/baseline-jayson.ts', label: 'jayson JSON-RPC server, same method results' },
  mercurius: { file: 'bench/baseline-mercurius.ts', label: 'mercurius (jit: 1) on a bare Fastify, same schema and resolver results' },
};

/** Starts now, so it loads while Bistro does; it listens once `answer` hands it what to say. */
function startBaseline(kind: BaselineServer, profileDir: string | undefined): { child: ChildProcess; answer(answers: RecordedAnswer[]): Promise<Server> } {
  const child = spawnNode(serverCpu, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, kind)}`] : []), baselineFiles[kind].file]);
  return {
    child,
    async answer(answers) {
      child.stdin?.write(`${JSON.stringify(answers)}\n`);
      const match = await waitForLine(child, /listening (\d+)/);
      return { url: `http://127.0.0.1:${match[1] ?? ''}`, child };
    },
  };
}

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Refuses a baseline that does not answer what Bistro answered (same status, same JSON, same byte count), so no ratio compares different work. */
async function checkSameAnswers(kind: string, server: Server, answers: RecordedAnswer[]): Promise<void> {
  for (const answer of answers) {
    const response = await fetch(server.url + answer.path, {
      method: answer.method,
      headers: answer.requestBody === undefined ? {} : { 'content-type': 'application/json' },
      ...(answer.requestBody === undefined ? {} : { body: answer.requestBody }),
    });
    const body = await response.text();
    const same = response.status === answer.status && Buffer.byteLength(body) === Buffer.byteLength(answer.body) && isDeepStrictEqual(parsed(body), parsed(answer.body));
    if (!same) throw new Error(`the ${kind} baseline answered ${answer.method} ${answer.path} with ${response.status} ${body.slice(0, 300)}, Bistro with ${answer.status} ${answer.body.slice(0, 300)}`);
  }
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

interface RunningBaseline {
  baseline: Baseline;
  label: string;
  server: Server;
  requests: LoadRequest[];
  rounds: Round[];
}

const ratioOf = (subject: number, baseline: number) => Math.round((subject / Math.max(1, baseline)) * 1000) / 1000;

function compare(running: RunningBaseline, subject: Side, subjectRounds: Round[]): Comparison {
  const side = summarise(running.rounds);
  const ratio = ratioOf(subject.median.rps, side.median.rps);
  const min = running.baseline.min ?? null;
  return {
    kind: running.baseline.kind,
    label: running.label,
    side,
    ratio,
    roundRatios: running.rounds.map((round, index) => ratioOf(subjectRounds[index]?.rps ?? 0, round.rps)),
    min,
    met: min === null ? null : ratio >= min,
  };
}

export async function runBenchmark(benchmark: Benchmark, load: LoadWorker, options: BenchOptions): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-bench-'));
  const adminToken = `bench-admin-${randomUUID()}`;
  const children: ChildProcess[] = [];
  try {
    const starting = benchmark.baselines.map((baseline) => (baseline.kind === 'same-node' ? null : startBaseline(baseline.kind, options.profileDir)));
    for (const each of starting) if (each) children.push(each.child);
    const started = Date.now();
    const subject = await startBistro(dir, benchmark.subject.env ?? {}, adminToken, options.profileDir);
    children.push(subject.child);
    options.log(`  Bistro up at ${subject.url} in ${Date.now() - started} ms`);
    const setup: BenchSetup = { guestToken: await guest(subject.url), adminToken };
    const requests = benchmark.requests(setup).map(toLoadRequest);
    const connections = benchmark.connections ?? 10;
    const answers = await record(subject.url, requests);

    const baselines: RunningBaseline[] = [];
    for (const [index, baseline] of benchmark.baselines.entries()) {
      if (baseline.kind === 'same-node') {
        // Another request (e.g. the REST read of the same data) on this very Bistro.
        const sameNodeRequests = baseline.requests(setup).map(toLoadRequest);
        await record(subject.url, sameNodeRequests);
        baselines.push({ baseline, label: baseline.label, server: subject, requests: sameNodeRequests, rounds: [] });
        continue;
      }
      const server = await (starting[index] as ReturnType<typeof startBaseline>).answer(answers);
      await checkSameAnswers(baseline.kind, server, answers);
      baselines.push({ baseline, label: baselineFiles[baseline.kind].label, server, requests, rounds: [] });
    }

    if (options.warmupSeconds > 0) {
      options.log(`  warm-up ${options.warmupSeconds} s`);
      for (const each of baselines) await measure(load, each.server, each.requests, connections, options.warmupSeconds);
      await measure(load, subject, requests, connections, options.warmupSeconds);
    }

    const subjectRounds: Round[] = [];
    for (let round = 0; round < options.rounds; round++) {
      // Baselines first, then Bistro; reversed every other round, so warming or drift favours no side.
      const order: (RunningBaseline | 'subject')[] = [...baselines, 'subject'];
      if (round % 2 === 1) order.reverse();
      for (const side of order) {
        if (side === 'subject') subjectRounds.push(await measure(load, subject, requests, connections, options.seconds));
        else side.rounds.push(await measure(load, side.server, side.requests, connections, options.seconds));
      }
      const others = baselines.map((each) => `${each.baseline.kind} ${each.rounds.at(-1)?.rps ?? 0}/s`).join(', ');
      options.log(`  round ${round + 1}/${options.rounds}: bistro ${subjectRounds.at(-1)?.rps ?? 0}/s${others ? `, ${others}` : ''}`);
    }

    const subjectSide = summarise(subjectRounds);
    const comparisons = baselines.map((each) => compare(each, subjectSide, subjectRounds));
    const failures = [...subjectRounds, ...baselines.flatMap((each) => each.rounds)].reduce((sum, round) => sum + round.non2xx + round.errors + round.timeouts, 0);
    const verdicts = [...(benchmark.goal ? [subjectSide.median.rps >= benchmark.goal.min] : []), ...comparisons.flatMap((each) => (each.met === null ? [] : [each.met]))];
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
      comparisons,
      goal: benchmark.goal ?? null,
      goalMet: verdicts.length === 0 ? null : verdicts.every(Boolean),
      failures,
    };
  } finally {
    await Promise.all(children.map((child) => stopProcess(child)));
    rmSync(dir, { recursive: true, force: true });
  }
}
