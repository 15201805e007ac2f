/**
 * Webhook benchmarks: Bistro nodes on the server CPU ring the receiver process on the load CPU
 * (bench/webhook-receiver.ts), which counts every delivery by webhook-id and times it on its own
 * clock. Rounds rotate between the sides (baseline first, reversed every other round), as in the
 * other benchmarks; medians and ratios come from the same run.
 *
 * Throughput: N order.placed events are placed before the endpoint exists, so nothing is queued
 * until a round's replay calls queue them all; the baseline is a bare undici POST loop sending the
 * same bodies (recorded from Bistro's first drain) to the same receiver. Latency: orders at a
 * steady rate, each timed from its 201 to the first byte of its delivery.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import { startBistro, type Server } from './harness.ts';
import { cpuSeconds, loadCpu, serverCpu, spawnNode, stopProcess, waitForLine } from './processes.ts';
import { headCursor, roundOrder, summarisePush, type PushRound, type PushSide } from './push-harness.ts';
import type { DrainAnswer, DrainCommand, LatencyAnswer, LatencyCommand, ReceiverCommand } from './webhook-receiver.ts';
import { webhookSubjectEnv, type WebhookBenchmark } from './suites.ts';
import { percentile } from './bench-http.ts';

/** bench/webhook-receiver.ts in its own process on the load CPU. */
export class WebhookReceiver {
  #child = spawnNode(loadCpu, ['bench/webhook-receiver.ts']);
  #lines = createInterface({ input: this.#child.stdout ?? process.stdin });
  #stderr = '';
  #urls: Promise<{ url: string; deadUrl: string }>;

  constructor() {
    this.#child.stderr?.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-2000)));
    this.#urls = this.#send({ op: 'listen' });
  }

  async #send<T>(command: ReceiverCommand): Promise<T> {
    const done = new AbortController();
    const answer = Promise.race([
      once(this.#lines, 'line', { signal: done.signal }) as Promise<[string]>,
      once(this.#child, 'exit', { signal: done.signal }).then(([code]) => {
        throw new Error(`webhook receiver exited with ${String(code)}: ${this.#stderr}`);
      }),
    ]);
    this.#child.stdin?.write(`${JSON.stringify(command)}\n`);
    const [line] = await answer.finally(() => done.abort());
    const result: unknown = JSON.parse(line);
    if (typeof result === 'object' && result !== null && 'error' in result) throw new Error(`webhook receiver failed: ${String(result.error)}`);
    return result as T;
  }

  /** The live listener (answers 200) and the dead one (never answers). */
  urls(): Promise<{ url: string; deadUrl: string }> {
    return this.#urls;
  }

  drain(command: Omit<DrainCommand, 'op'>): Promise<DrainAnswer> {
    return this.#send({ op: 'drain', ...command });
  }

  latency(command: Omit<LatencyCommand, 'op'>): Promise<LatencyAnswer> {
    return this.#send({ op: 'latency', ...command });
  }

  async close(): Promise<void> {
    this.#child.stdin?.end();
    await stopProcess(this.#child);
  }
}

export interface WebhookOptions {
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  profileDir?: string | undefined;
  log(line: string): void;
}

export interface WebhookComparison {
  label: string;
  side: PushSide;
  /** The figure divided: deliveries/s (throughput) or p99 (latency beside a dead endpoint). */
  ratioOf: string;
  /** Bistro ÷ baseline, medians of this run. */
  ratio: number | null;
  roundRatios: number[];
}

export interface WebhookResult {
  name: string;
  title: string;
  measure: WebhookBenchmark['measure'];
  note?: string;
  subjectEnv: Record<string, string>;
  /** Throughput: events per round; latency: orders per second. */
  events?: number;
  ratePerSecond?: number;
  subject: PushSide;
  comparison: WebhookComparison | null;
  goals: { text: string; met: boolean }[];
  goalMet: boolean;
  /** Over every measured round of every side: expected − distinct, and total − distinct, at the receiver. */
  lost: number;
  duplicated: number;
  /** Anything else that went wrong: orders refused, deliveries without the signature headers, baseline errors. */
  failures: number;
  warnings: string[];
}

const ratio = (subject: number | null | undefined, baseline: number | null | undefined) =>
  typeof subject === 'number' && typeof baseline === 'number' && baseline > 0 ? Math.round((subject / baseline) * 1000) / 1000 : null;

async function json(url: string, init: { method?: string; token?: string; body?: unknown }): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- answers of several operations
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

async function guestToken(url: string): Promise<string> {
  const answer = await json(`${url}/guests`, { body: { table: 7, name: 'Bench' } });
  if (answer.status !== 201) throw new Error(`guest registration answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.token as string;
}

async function registerEndpoint(bistro: Server, adminToken: string, url: string): Promise<{ id: string; secret: string }> {
  const answer = await json(`${bistro.url}/webhooks`, { token: adminToken, body: { url, types: ['order.placed'], description: 'bench' } });
  if (answer.status !== 201) throw new Error(`registering ${url} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as { id: string; secret: string };
}

/** Places `count` orders, 16 at a time (the setup, not measured). */
async function placeOrders(url: string, token: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      const answer = await json(`${url}/orders`, { token, body: { items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] } });
      if (answer.status !== 201) throw new Error(`POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

interface Side {
  name: string;
  rounds: PushRound[];
  measure(): Promise<PushRound>;
}

/** Rounds rotating between the sides (the subject last), after one warm-up each. */
async function rotate(subject: Side, baseline: Side | null, options: WebhookOptions, figure: string, warmUp: boolean): Promise<void> {
  const sides = baseline ? [baseline] : [];
  if (warmUp) {
    options.log('  warm-up');
    for (const side of [...sides, subject]) await side.measure();
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const side of roundOrder(sides, round)) {
      if (side === 'subject') subject.rounds.push(await subject.measure());
      else side.rounds.push(await side.measure());
    }
    const line = (side: Side) => `${side.name} ${side.rounds.at(-1)?.[figure] ?? '?'}`;
    options.log(`  round ${round + 1}/${options.rounds}: ${figure} ${[subject, ...sides].map(line).join(', ')}`);
  }
}

const sum = (rounds: PushRound[], name: string) => rounds.reduce((total, round) => total + (round[name] ?? 0), 0);

function throughputRound(answer: DrainAnswer, expected: number, cpuUsed: number | null): PushRound {
  return {
    deliveriesPerSecond: Math.round(answer.distinct / Math.max(answer.spanMs / 1000, 1e-6)),
    spanMs: answer.spanMs,
    startMs: answer.startMs,
    serverCpuUsPerDelivery: cpuUsed === null ? null : Math.round((cpuUsed * 1e6) / Math.max(1, answer.distinct)),
    receiverCpu: answer.receiverCpu,
    lost: expected - answer.distinct,
    duplicated: answer.total - answer.distinct,
    failures: answer.malformed,
  };
}

async function runThroughput(benchmark: WebhookBenchmark, receiver: WebhookReceiver, options: WebhookOptions, children: ChildProcess[], dir: string): Promise<WebhookResult> {
  const adminToken = `bench-admin-${randomUUID()}`;
  const env: Record<string, string> = { ...webhookSubjectEnv, ...benchmark.env };
  const bistro = await startBistro(dir, env, adminToken, options.profileDir);
  children.push(bistro.child);
  const { url: receiverUrl } = await receiver.urls();
  const events = Math.max(1, Math.round((benchmark.eventsPerSecondOfRound ?? 1000) * options.seconds));
  const token = await guestToken(bistro.url);
  const after = await headCursor(bistro.url);
  options.log(`  placing ${events.toLocaleString('en-US')} orders`);
  await placeOrders(bistro.url, token, events);
  // Registered after the orders, so its cursor starts past them: only replay queues them.
  const endpoint = await registerEndpoint(bistro, adminToken, `${receiverUrl}/bistro`);
  const timeoutMs = Math.max(30_000, events * 10);
  const bistroDrain = (record: boolean) =>
    receiver.drain({ path: '/bistro', source: { kind: 'bistro', url: bistro.url, token: adminToken, endpointId: endpoint.id, after }, expected: events, record, timeoutMs, graceMs: 300 });
  // Bistro's first drain records the bodies the baseline sends; it warms Bistro up as well.
  const recorded = await bistroDrain(true);
  if (recorded.distinct !== events || !recorded.bodies) throw new Error(`recording Bistro's deliveries: ${recorded.distinct} of ${events} arrived`);

  // Bistro's per-endpoint limit (its default unless set): the most it may have in flight to this receiver.
  const concurrency = Number(env['BISTRO_WEBHOOK_ENDPOINT_CONCURRENCY'] ?? process.env['BISTRO_WEBHOOK_ENDPOINT_CONCURRENCY'] ?? 8);
  const baselineChild = spawnNode(serverCpu, [...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, 'undici')}`] : []), 'bench/webhook-baseline.ts']);
  children.push(baselineChild);
  baselineChild.stdin?.write(`${JSON.stringify({ target: `${receiverUrl}/baseline`, concurrency, secret: endpoint.secret, deliveries: recorded.bodies })}\n`);
  const baselineUrl = `http://127.0.0.1:${(await waitForLine(baselineChild, /listening (\d+)/))[1] ?? ''}`;
  let baselineErrors = 0;

  const measured = (name: string, child: ChildProcess, drain: () => Promise<DrainAnswer>): Side => ({
    name,
    rounds: [],
    async measure() {
      const before = cpuSeconds(child.pid);
      const answer = await drain();
      const after = cpuSeconds(child.pid);
      return throughputRound(answer, events, before === null || after === null ? null : after - before);
    },
  });
  const subject = measured('bistro', bistro.child, () => bistroDrain(false));
  const baseline = measured('undici', baselineChild, async () => {
    const answer = await receiver.drain({ path: '/baseline', source: { kind: 'baseline', url: baselineUrl }, expected: events, timeoutMs, graceMs: 300 });
    const last = await json(`${baselineUrl}/last`, {});
    baselineErrors += Number(last.body?.failed ?? 0);
    return answer;
  });
  await rotate(subject, baseline, options, 'deliveriesPerSecond', options.warmupSeconds > 0);

  const subjectSide = summarisePush(subject.rounds);
  const baselineSide = summarisePush(baseline.rounds);
  const value = ratio(subjectSide.median['deliveriesPerSecond'], baselineSide.median['deliveriesPerSecond']);
  const perSecond = subjectSide.median['deliveriesPerSecond'] ?? 0;
  const goals = [];
  if (benchmark.goal.minRatio !== undefined) goals.push({ text: `≥ ${benchmark.goal.minRatio}× undici`, met: value !== null && value >= benchmark.goal.minRatio });
  if (benchmark.goal.minPerSecond !== undefined) goals.push({ text: `≥ ${benchmark.goal.minPerSecond.toLocaleString('en-US')}/s`, met: perSecond >= benchmark.goal.minPerSecond });
  const warnings: string[] = [];
  for (const [name, side] of [['Bistro', subjectSide], ['undici', baselineSide]] as const) {
    const busy = side.median['receiverCpu'];
    if (typeof busy === 'number' && busy >= 0.9) warnings.push(`the receiver used ${Math.round(busy * 100)}% of its core against ${name}: it may be the limit there`);
  }
  const all = [...subject.rounds, ...baseline.rounds];
  return {
    name: benchmark.name,
    title: benchmark.title,
    measure: 'throughput',
    ...(benchmark.note ? { note: benchmark.note } : {}),
    subjectEnv: env,
    events,
    subject: subjectSide,
    comparison: {
      label: `bare undici.request POST loop, ${concurrency} in flight on a keep-alive Agent, same bodies and signed headers`,
      side: baselineSide,
      ratioOf: 'deliveriesPerSecond',
      ratio: value,
      roundRatios: baseline.rounds.map((round, index) => ratio(subject.rounds[index]?.['deliveriesPerSecond'], round['deliveriesPerSecond'])).filter((each): each is number => each !== null),
    },
    goals,
    goalMet: goals.every((goal) => goal.met),
    lost: sum(all, 'lost'),
    duplicated: sum(all, 'duplicated'),
    failures: sum(all, 'failures') + baselineErrors,
    warnings,
  };
}

let nodes = 0;

/** A node ringing one live endpoint (and a dead one beside it when asked), and its latency rounds. */
async function latencyNode(name: string, dead: boolean, benchmark: WebhookBenchmark, receiver: WebhookReceiver, options: WebhookOptions, children: ChildProcess[], dir: string): Promise<Side> {
  const adminToken = `bench-admin-${randomUUID()}`;
  const bistro = await startBistro(mkdtempSync(join(dir, 'node-')), { ...webhookSubjectEnv, ...benchmark.env }, adminToken, options.profileDir);
  children.push(bistro.child);
  const { url, deadUrl } = await receiver.urls();
  const path = `/live-${++nodes}`;
  await registerEndpoint(bistro, adminToken, `${url}${path}`);
  // On its own port, as a dead receiver would be its own host: it holds only its own sockets of the pool.
  if (dead) await registerEndpoint(bistro, adminToken, `${deadUrl}/dead`);
  const token = await guestToken(bistro.url);
  const ratePerSecond = benchmark.ratePerSecond ?? 50;
  return {
    name,
    rounds: [],
    async measure() {
      const before = cpuSeconds(bistro.child.pid);
      const answer = await receiver.latency({ url: bistro.url, token, paths: [path], ratePerSecond, seconds: options.seconds, timeoutMs: 10_000, graceMs: 300 });
      const after = cpuSeconds(bistro.child.pid);
      const live = answer.paths[path];
      if (!live) throw new Error(`no deliveries were counted on ${path}`);
      const times = live.fromAnswerMs;
      return {
        p50Ms: percentile(times, 50),
        p95Ms: percentile(times, 95),
        p99Ms: percentile(times, 99),
        maxMs: percentile(times, 100),
        fromSendP99Ms: percentile(live.fromSendMs, 99),
        orderP99Ms: percentile(answer.orderMs, 99),
        beforeAnswer: times.filter((time) => time < 0).length,
        orders: answer.orders,
        serverCpu: before === null || after === null ? null : Math.round(((after - before) / options.seconds) * 100) / 100,
        clientCpu: answer.clientCpu,
        hung: answer.hung,
        lost: live.lost,
        duplicated: live.duplicated,
        failures: answer.failedOrders,
      };
    },
  };
}

async function runLatency(benchmark: WebhookBenchmark, receiver: WebhookReceiver, options: WebhookOptions, children: ChildProcess[], dir: string): Promise<WebhookResult> {
  const alone = await latencyNode(benchmark.deadEndpoint ? 'alone' : 'bistro', false, benchmark, receiver, options, children, dir);
  const beside = benchmark.deadEndpoint ? await latencyNode('beside-dead', true, benchmark, receiver, options, children, dir) : null;
  const subject = beside ?? alone;
  const baseline = beside ? alone : null;
  await rotate(subject, baseline, options, 'p99Ms', options.warmupSeconds > 0);
  const subjectSide = summarisePush(subject.rounds);
  const baselineSide = baseline ? summarisePush(baseline.rounds) : null;
  const p99 = subjectSide.median['p99Ms'];
  const value = baselineSide ? ratio(p99, baselineSide.median['p99Ms']) : null;
  const goals = [];
  if (benchmark.goal.maxP99Ms !== undefined) goals.push({ text: `p99 ≤ ${benchmark.goal.maxP99Ms} ms`, met: typeof p99 === 'number' && p99 <= benchmark.goal.maxP99Ms });
  if (benchmark.goal.maxRatio !== undefined) goals.push({ text: `p99 ≤ ${benchmark.goal.maxRatio}× alone`, met: value !== null && value <= benchmark.goal.maxRatio });
  const warnings: string[] = [];
  const early = sum(subject.rounds, 'beforeAnswer') + (baseline ? sum(baseline.rounds, 'beforeAnswer') : 0);
  if (early > 0) warnings.push(`${early} deliveries arrived before their order's 201 (negative latencies, kept as measured)`);
  if (beside && sum(beside.rounds, 'hung') === 0) warnings.push('the dead endpoint was never called: the comparison shows nothing');
  const all = [...subject.rounds, ...(baseline?.rounds ?? [])];
  return {
    name: benchmark.name,
    title: benchmark.title,
    measure: 'latency',
    ...(benchmark.note ? { note: benchmark.note } : {}),
    subjectEnv: { ...webhookSubjectEnv, ...benchmark.env },
    ratePerSecond: benchmark.ratePerSecond ?? 50,
    subject: subjectSide,
    comparison:
      baseline && baselineSide
        ? {
            label: 'the live endpoint alone on a node like it',
            side: baselineSide,
            ratioOf: 'p99Ms',
            ratio: value,
            roundRatios: baseline.rounds.map((round, index) => ratio(subject.rounds[index]?.['p99Ms'], round['p99Ms'])).filter((each): each is number => each !== null),
          }
        : null,
    goals,
    goalMet: goals.every((goal) => goal.met),
    lost: sum(all, 'lost'),
    duplicated: sum(all, 'duplicated'),
    failures: sum(all, 'failures'),
    warnings,
  };
}

export async function runWebhookBenchmark(benchmark: WebhookBenchmark, receiver: WebhookReceiver, options: WebhookOptions): Promise<WebhookResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-bench-webhooks-'));
  const children: ChildProcess[] = [];
  try {
    const result = benchmark.measure === 'throughput' ? await runThroughput(benchmark, receiver, options, children, dir) : await runLatency(benchmark, receiver, options, children, dir);
    // Counted by the receiver: a lost or duplicated delivery fails the bench (run.ts exits non-zero).
    if (result.lost + result.duplicated > 0) result.goalMet = false;
    return result;
  } finally {
    await Promise.all(children.map((child) => stopProcess(child)));
    rmSync(dir, { recursive: true, force: true });
  }
}
