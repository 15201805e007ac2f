/**
 * The load generator: autocannon in its own process (pinned to its own CPU by the harness). Reads
 * one LoadConfig JSON per stdin line, runs it, and answers one JSON line: 2xx per second and
 * latency percentiles measured to the microsecond (or `{error}`).
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { answerCommands, isMain } from './command-loop.ts';
import { percentile } from './bench-http.ts';

export interface LoadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadConfig {
  url: string;
  requests: LoadRequest[];
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  /** Answers with a 2xx status per second of the run. */
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
  statusCodes: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Share of one core the load generator itself used: near 1 means the client, not the server, was the limit. */
  loadCpu: number;
}

const idTag = '[<id>]';

/** Latencies are reported to the microsecond. */
const microseconds = (ms: number) => Math.round(ms * 1000) / 1000;

/** A request whose template holds `[<id>]` gets a fresh id in every send (autocannon's own idReplacement covers bodies only). */
function withIds(request: LoadRequest): autocannon.Request {
  const templated = Object.values(request.headers).some((value) => value.includes(idTag)) || (request.body?.includes(idTag) ?? false);
  const plain = { ...request, method: request.method as autocannon.Request['method'] };
  if (!templated) return plain;
  return {
    ...plain,
    setupRequest: (raw) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name] = value.replaceAll(idTag, randomUUID());
      return { ...raw, headers, ...(request.body === undefined ? {} : { body: request.body.replaceAll(idTag, randomUUID()) }) };
    },
  };
}

export async function runLoad(config: LoadConfig): Promise<LoadResult> {
  // Float64Array grown by doubling: a 5 s round at 30k req/s keeps 150k samples without GC churn.
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const cpuBefore = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: config.url, connections: config.connections, duration: config.durationSeconds, requests: config.requests.map(withIds) },
      (error: unknown, done) => (error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode < 200 || statusCode > 299) return;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTimeMs;
    });
  });
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.subarray(0, count).sort();
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
  return {
    rps: Math.round(result['2xx'] / result.duration),
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
    statusCodes,
    loadCpu: Math.round(((cpu.user + cpu.system) / 1e6 / result.duration) * 100) / 100,
    latencyMs: { p50: microseconds(percentile(sorted, 50)), p90: microseconds(percentile(sorted, 90)), p99: microseconds(percentile(sorted, 99)), max: microseconds(percentile(sorted, 100)) },
  };
}

if (isMain(import.meta.url)) answerCommands<LoadConfig>(runLoad);
