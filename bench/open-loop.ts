/**
 * An open-loop load generator: requests start on a fixed schedule whatever the answers do, and
 * each latency runs from the moment its request was due, not from when it went out, so a server
 * falling behind shows in the figures instead of slowing the load down (no coordinated omission).
 * Bounded in count and time: it stops scheduling at the end of the run and waits at most
 * `drainMs` for answers still out.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { percentile } from './bench-http.ts';

export interface Call {
  method: Dispatcher.HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Answer {
  status: number;
  latencyMs: number;
  retryAfter: boolean;
  rateLimit: boolean;
  /** A 2xx whose body reports errors (GraphQL field errors). */
  bodyErrors: boolean;
}

export interface StreamFigures {
  sent: number;
  /** Answers by HTTP status; `error` for a request with no answer (reset, timeout). */
  byStatus: Record<string, number>;
  /** Latency of every answer, and of the 2xx answers alone. */
  allMs: Percentiles;
  okMs: Percentiles;
  /** 429 and 503 answers, and how many of them lacked Retry-After (and, for 429, RateLimit). */
  refused: number;
  refusedWithoutRetryAfter: number;
  limitedWithoutRateLimit: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface GeneratorFigures {
  /** Share of one core the generator process used during the run. */
  cpu: number;
  /** Its own event-loop delay: high values mean the generator, not the server, set the pace. */
  eventLoopDelayMs: { p99: number; max: number };
}

const drainMs = 10_000;

function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const round = (value: number) => Math.round(value * 100) / 100;
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0) };
}

export function summarise(answers: readonly (Answer | 'error')[]): StreamFigures {
  const byStatus: Record<string, number> = {};
  const all: number[] = [];
  const ok: number[] = [];
  let refused = 0;
  let refusedWithoutRetryAfter = 0;
  let limitedWithoutRateLimit = 0;
  for (const answer of answers) {
    const key = answer === 'error' ? 'error' : answer.bodyErrors ? `${answer.status} with errors` : String(answer.status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    if (answer === 'error') continue;
    all.push(answer.latencyMs);
    if (answer.status >= 200 && answer.status < 300 && !answer.bodyErrors) ok.push(answer.latencyMs);
    if (answer.status === 429 || answer.status === 503) {
      refused++;
      if (!answer.retryAfter) refusedWithoutRetryAfter++;
      if (answer.status === 429 && !answer.rateLimit) limitedWithoutRateLimit++;
    }
  }
  return { sent: answers.length, byStatus, allMs: percentiles(all), okMs: percentiles(ok), refused, refusedWithoutRetryAfter, limitedWithoutRateLimit };
}

/**
 * Sends `next(i)` at `ratePerSecond` for `seconds` through `dispatcher`; resolves with every answer
 * once all are in (or `drainMs` passed). `bodyErrors` reads a 2xx body for errors it reports.
 */
export async function runOpenLoop(dispatcher: Dispatcher, ratePerSecond: number, seconds: number, next: (index: number) => Call, bodyErrors?: (text: string) => boolean): Promise<(Answer | 'error')[]> {
  const total = Math.round(ratePerSecond * seconds);
  const answers: (Answer | 'error')[] = [];
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  const send = (index: number) => {
    const due = start + (index * 1000) / ratePerSecond;
    const call = next(index);
    const sent = dispatcher
      .request({ ...call, headersTimeout: drainMs, bodyTimeout: drainMs })
      .then(async (response) => {
        const status = response.statusCode;
        const read = bodyErrors !== undefined && status >= 200 && status < 300;
        const failed = read ? bodyErrors(await response.body.text()) : (await response.body.dump(), false);
        const headers = response.headers;
        answers.push({ status, latencyMs: performance.now() - due, retryAfter: headers['retry-after'] !== undefined, rateLimit: headers['ratelimit'] !== undefined, bodyErrors: failed });
      })
      .catch(() => void answers.push('error'))
      .finally(() => pending.delete(sent));
    pending.add(sent);
  };
  let index = 0;
  await new Promise<void>((resolve) => {
    // A 1 ms tick sends everything that has come due: the schedule holds even when a tick is late.
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * ratePerSecond) / 1000) + 1);
      while (index < due) send(index++);
      if (index >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, drainMs).unref())]);
  for (let missing = answers.length; missing < total; missing++) answers.push('error');
  return answers;
}

/** Measures the generator itself while `work` runs. */
export async function measured<T>(work: () => Promise<T>): Promise<{ result: T; generator: GeneratorFigures }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;
  histogram.disable();
  const delayMs = (nanoseconds: number) => Math.round(Math.max(0, nanoseconds / 1e6 - 5) * 10) / 10;
  return { result, generator: { cpu: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 100) / 100, eventLoopDelayMs: { p99: delayMs(histogram.percentile(99)), max: delayMs(histogram.max) } } };
}
