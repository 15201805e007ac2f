/**
 * What the push benchmarks share: the client process on the load CPU, starting Bistro and the push
 * baselines on the server CPU with the memory probe, the trigger each one answers, recording the
 * bytes Bistro sent for the baselines to repeat, and the summary of rounds into medians, ranges and
 * ratios.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { median, startBistro, type Server } from './harness.ts';
import { loadCpu, serverCpu, spawnNode, stopProcess, waitForLine } from './processes.ts';
import type { Command, FireAnswer, OpenAnswer, OpenCommand, TriggerRequest } from './push-clients.ts';
import type { PushFrames } from './push-frames.ts';
import { pushSubjectEnv, type PushBaseline, type PushClient, type PushBaselineServer, type PushBenchmark, type PushMetric } from './suites.ts';

/** Every push server runs with it, so memory is read alike (bench/memory-probe.ts). */
const probeArgs = ['--expose-gc', '--import', './bench/memory-probe.ts'];

/** bench/push-clients.ts in its own process on the load CPU. */
export class PushClients {
  #child = spawnNode(loadCpu, ['bench/push-clients.ts']);
  #lines = createInterface({ input: this.#child.stdout ?? process.stdin });
  #stderr = '';

  constructor() {
    this.#child.stderr?.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-2000)));
  }

  async #send<T>(command: Command): Promise<T> {
    const done = new AbortController();
    const answer = Promise.race([
      once(this.#lines, 'line', { signal: done.signal }) as Promise<[string]>,
      once(this.#child, 'exit', { signal: done.signal }).then(([code]) => {
        throw new Error(`push client process exited with ${String(code)}: ${this.#stderr}`);
      }),
    ]);
    this.#child.stdin?.write(`${JSON.stringify(command)}\n`);
    const [line] = await answer.finally(() => done.abort());
    const result: unknown = JSON.parse(line);
    if (typeof result === 'object' && result !== null && 'error' in result) throw new Error(`push clients failed: ${String(result.error)}`);
    return result as T;
  }

  open(command: Omit<OpenCommand, 'op'>): Promise<OpenAnswer> {
    return this.#send({ op: 'open', ...command });
  }

  fire(url: string, trigger: TriggerRequest, timeoutMs = 30_000): Promise<FireAnswer> {
    return this.#send({ op: 'fire', url, trigger, timeoutMs });
  }

  /** Closes the group; answers how many of its connections had ended or answered on their own. */
  async closeAll(): Promise<{ dropped: number }> {
    return this.#send({ op: 'close' });
  }

  async close(): Promise<void> {
    this.#child.stdin?.end();
    await stopProcess(this.#child);
  }
}

/** A push server under test: where it listens, the trigger that makes it send one event, and the cursor to subscribe after. */
export interface PushServer extends Server {
  trigger(): TriggerRequest;
  /** Where clients start: Bistro's head of the log, so no backlog is replayed. */
  after(): Promise<string>;
  token?: string;
}

export async function startPushBistro(dir: string, adminToken: string, env: Record<string, string> | undefined, profileDir: string | undefined): Promise<PushServer> {
  const server = await startBistro(dir, { ...pushSubjectEnv, ...env }, adminToken, profileDir, probeArgs);
  const itemResponse = await fetch(`${server.url}/menu/fish-and-chips`);
  if (!itemResponse.ok) throw new Error(`GET /menu/fish-and-chips answered ${itemResponse.status}`);
  const item = (await itemResponse.json()) as { priceCents: number };
  let fired = 0;
  return {
    ...server,
    // The price alternates, so every PUT is a real change and commits one menu.item.updated.
    trigger: () => ({
      method: 'PUT',
      path: '/menu/fish-and-chips',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...item, priceCents: item.priceCents + (++fired % 2) }),
    }),
    after: () => headCursor(server.url),
  };
}

const baselineFiles: Record<PushBaselineServer, { file: string; label: string }> = {
  bare: { file: 'bench/baseline-push.ts', label: 'bare node:http holding requests and streams, bare `ws` send loop, same bytes' },
  socketio: { file: 'bench/baseline-socketio.ts', label: 'Socket.IO 4 `io.emit`, WebSocket transport, same CloudEvent' },
};

export function pushBaselineLabel(kind: PushBaselineServer): string {
  return baselineFiles[kind].label;
}

export async function startPushBaseline(kind: PushBaselineServer, frames: PushFrames): Promise<PushServer> {
  const child = spawnNode(serverCpu, [...probeArgs, baselineFiles[kind].file]);
  child.stdin?.write(`${JSON.stringify(frames)}\n`);
  const match = await waitForLine(child, /listening (\d+)/);
  return {
    url: `http://127.0.0.1:${match[1] ?? ''}`,
    child,
    trigger: () => ({ method: 'POST', path: '/trigger', headers: {} }),
    after: () => Promise.resolve('0'),
  };
}

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** The server's memory after a forced GC (bench/memory-probe.ts answers SIGUSR2). */
export async function probeMemory(child: ChildProcess): Promise<Memory> {
  const line = waitForLine(child, /memory (\{[^\n]*\})\n/, 10_000);
  child.kill('SIGUSR2');
  return JSON.parse((await line)[1] ?? '{}') as Memory;
}

/** The cursor of the newest event: paging `GET /events` until a page comes back empty. */
export async function headCursor(url: string): Promise<string> {
  let after = '0';
  for (;;) {
    const response = await fetch(`${url}/events?after=${after}&limit=500`);
    if (!response.ok) throw new Error(`GET /events answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    if (page.items.length === 0 || page.nextCursor === null) return page.nextCursor ?? after;
    after = page.nextCursor;
  }
}

/** One event through Bistro's `kind` of connection: the bytes the baselines repeat (the other kinds' frames stay empty). */
export async function recordFrames(clients: PushClients, bistro: PushServer, kind: PushClient): Promise<PushFrames> {
  const opened = await clients.open({ kind, url: bistro.url, count: 1, after: await bistro.after() });
  if (opened.opened !== 1) throw new Error(`recording Bistro's ${kind} frames: the connection failed: ${opened.firstError ?? 'unknown'}`);
  const fired = await clients.fire(bistro.url, bistro.trigger(), 10_000);
  await clients.closeAll();
  if (fired.sample === null) throw new Error(`recording Bistro's ${kind} frames: no event arrived within 10 s (trigger answered ${fired.triggerStatus})`);
  const frames: PushFrames = { wsFrame: '', subscribeResult: '', sseFrame: '', longPollBody: '' };
  if (kind === 'ws') Object.assign(frames, { wsFrame: fired.sample, subscribeResult: opened.readySample ?? '' });
  if (kind === 'sse') frames.sseFrame = fired.sample;
  if (kind === 'longpoll') frames.longPollBody = fired.sample;
  return frames;
}

export interface PushOptions {
  rounds: number;
  /** Replaces every push benchmark's connection count (a smoke run). */
  connections?: number | undefined;
  profileDir?: string | undefined;
  log(line: string): void;
}

/** Sockets per process this host allows, less room for the server's own files. */
export function connectionsAllowed(requested: number, warnings: string[]): number {
  const limit = fileLimit();
  if (requested + 200 <= limit) return requested;
  const allowed = Math.max(1, limit - 200);
  warnings.push(`${requested.toLocaleString('en-US')} connections cannot run here: \`ulimit -n\` is ${limit} per process (hard limit too), so ${allowed.toLocaleString('en-US')} ran`);
  return allowed;
}

/** Open file descriptors this process (and so its children) may hold: the cap on connections per process. */
export function fileLimit(): number {
  const result = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const limit = Number(result.stdout.trim());
  return result.status === 0 && Number.isFinite(limit) ? limit : Infinity;
}

/** One round of one side: named figures, null where unknown. */
export type PushRound = Record<string, number | null>;

export interface PushSide {
  rounds: PushRound[];
  median: Record<string, number | null>;
  /** [least, greatest] over rounds. */
  range: Record<string, [number, number] | null>;
}

export interface PushComparison {
  kind: PushBaselineServer;
  label: string;
  side: PushSide;
  /** Bistro ÷ baseline of the benchmark's `ratioOf`, medians of the same run. */
  ratio: number | null;
  roundRatios: number[];
  min: number | null;
  max: number | null;
  met: boolean | null;
}

export interface PushResult {
  name: string;
  title: string;
  measure: PushBenchmark['measure'];
  client: PushBenchmark['client'];
  /** Connections measured (what `ulimit -n` allowed). */
  connections: number;
  requestedConnections: number;
  ratioOf: PushMetric;
  note?: string;
  /** Bistro's environment on top of the bench defaults. */
  subjectEnv: Record<string, string>;
  /** Why a figure may mislead: fewer connections than asked, a busy client. */
  warnings: string[];
  subject: PushSide;
  comparisons: PushComparison[];
  goal: PushBenchmark['goal'] | null;
  goalMet: boolean | null;
  /** Connections that failed to open, deliveries that never came, streams that ended early. */
  failures: number;
}

export function summarisePush(rounds: PushRound[]): PushSide {
  const names = [...new Set(rounds.flatMap((round) => Object.keys(round)))];
  const side: PushSide = { rounds, median: {}, range: {} };
  for (const name of names) {
    const values = rounds.map((round) => round[name]).filter((value): value is number => typeof value === 'number');
    side.median[name] = values.length === rounds.length ? Math.round(median(values) * 1000) / 1000 : null;
    side.range[name] = values.length === 0 ? null : [Math.min(...values), Math.max(...values)];
  }
  return side;
}

const ratio = (subject: number | null | undefined, baseline: number | null | undefined) =>
  typeof subject === 'number' && typeof baseline === 'number' && baseline > 0 ? Math.round((subject / baseline) * 1000) / 1000 : null;

export function comparePush(baseline: PushBaseline, side: PushSide, subject: PushSide, metric: PushMetric): PushComparison {
  const value = ratio(subject.median[metric], side.median[metric]);
  const min = baseline.min ?? null;
  const max = baseline.max ?? null;
  const bounded = min !== null || max !== null;
  return {
    kind: baseline.kind,
    label: pushBaselineLabel(baseline.kind),
    side,
    ratio: value,
    roundRatios: side.rounds.map((round, index) => ratio(subject.rounds[index]?.[metric], round[metric])).filter((each): each is number => each !== null),
    min,
    max,
    met: !bounded ? null : value !== null && (min === null || value >= min) && (max === null || value <= max),
  };
}

/** Order of sides in a round: baselines first, reversed every other round, so drift favours none. */
export function roundOrder<T>(baselines: T[], round: number): (T | 'subject')[] {
  const order: (T | 'subject')[] = [...baselines, 'subject'];
  return round % 2 === 1 ? order.reverse() : order;
}

/** The result of a push benchmark from its rounds: medians, ranges, ratios, verdicts and warnings. */
export function toPushResult(
  benchmark: PushBenchmark,
  run: { connections: number; requested: number; warnings: string[]; subjectRounds: PushRound[]; baselines: { baseline: PushBaseline; rounds: PushRound[] }[] },
): PushResult {
  const subject = summarisePush(run.subjectRounds);
  const comparisons = run.baselines.map((each) => comparePush(each.baseline, summarisePush(each.rounds), subject, benchmark.ratioOf));
  const warnings = [...run.warnings];
  for (const [kind, side] of [['Bistro', subject] as const, ...comparisons.map((each) => [each.kind, each.side] as const)]) {
    const busy = side.median['clientCpu'];
    if (typeof busy === 'number' && busy >= 0.9) warnings.push(`the client process used ${Math.round(busy * 100)}% of its core against ${kind}: it may be the limit there`);
  }
  const goalValue = benchmark.goal ? subject.median[benchmark.goal.metric] : null;
  const verdicts = [...(benchmark.goal ? [typeof goalValue === 'number' && goalValue <= benchmark.goal.max] : []), ...comparisons.flatMap((each) => (each.met === null ? [] : [each.met]))];
  return {
    name: benchmark.name,
    title: benchmark.title,
    measure: benchmark.measure,
    client: benchmark.client,
    connections: run.connections,
    requestedConnections: run.requested,
    ratioOf: benchmark.ratioOf,
    ...(benchmark.note ? { note: benchmark.note } : {}),
    subjectEnv: { ...pushSubjectEnv, ...benchmark.env },
    warnings,
    subject,
    comparisons,
    goal: benchmark.goal ?? null,
    goalMet: verdicts.length === 0 ? null : verdicts.every(Boolean),
    failures: [subject, ...comparisons.map((each) => each.side)].flatMap((side) => side.rounds).reduce((sum, round) => sum + (round['failures'] ?? 0), 0),
  };
}
