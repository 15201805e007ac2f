/**
 * `npm run bench`: runs the benchmarks of bench/suites.ts and writes bench/results/<time>.json,
 * latest.json and latest.md. Settings: BENCH_SECONDS (5), BENCH_ROUNDS (5), BENCH_WARMUP_SECONDS (2),
 * BENCH_QUICK=1 (1 s × 1 round, no warm-up), BENCH_ONLY=name,… , BENCH_RESULTS_DIR, BENCH_PROFILE_DIR,
 * BENCH_CONNECTIONS (replaces every push benchmark's connection count). Exits 1 when a webhook
 * benchmark's receiver counted a delivery lost or duplicated, or a scale benchmark an event.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runBenchmark } from './harness.ts';
import { detectPinning, LoadWorker, repoRoot } from './processes.ts';
import { runDeliveryBenchmark } from './push-delivery.ts';
import { PushClients } from './push-harness.ts';
import { runMemoryBenchmark } from './push-memory.ts';
import { toMarkdown, type BenchReport } from './report.ts';
import {
  benchmarks as allBenchmarks,
  pushBenchmarks as allPushBenchmarks,
  scaleBenchmarks as allScaleBenchmarks,
  webhookBenchmarks as allWebhookBenchmarks,
  type Benchmark,
  type PushBenchmark,
  type ScaleBenchmark,
  type WebhookBenchmark,
} from './suites.ts';
import { runWebhookBenchmark, WebhookReceiver } from './webhook-bench.ts';
import { runScaleBenchmark } from './scale-bench.ts';

export interface RunOptions {
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  /** Names to run, or a group such as `rest` for every `rest.…`, `push.wake` for every `push.wake.…`; all when null. */
  only: string[] | null;
  resultsDir: string;
  profileDir?: string | undefined;
  /** Replaces every push benchmark's connection count (a smoke run); each its own when absent. */
  connections?: number | undefined;
  log(line: string): void;
}

function positive(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || (!allowZero && parsed === 0)) throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, not "${value}"`);
  return parsed;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): RunOptions {
  const quick = env['BENCH_QUICK'] === '1';
  return {
    seconds: positive('BENCH_SECONDS', env['BENCH_SECONDS'], quick ? 1 : 5),
    rounds: Math.round(positive('BENCH_ROUNDS', env['BENCH_ROUNDS'], quick ? 1 : 5)),
    warmupSeconds: positive('BENCH_WARMUP_SECONDS', env['BENCH_WARMUP_SECONDS'], quick ? 0 : 2, true),
    only: env['BENCH_ONLY'] ? env['BENCH_ONLY'].split(',').map((name) => name.trim()).filter((name) => name !== '') : null,
    resultsDir: env['BENCH_RESULTS_DIR'] ?? join(repoRoot, 'bench', 'results'),
    profileDir: env['BENCH_PROFILE_DIR'] || undefined,
    connections: env['BENCH_CONNECTIONS'] ? Math.round(positive('BENCH_CONNECTIONS', env['BENCH_CONNECTIONS'], 1)) : undefined,
    log: (line) => console.error(line),
  };
}

function selected(only: string[] | null): { http: Benchmark[]; push: PushBenchmark[]; webhooks: WebhookBenchmark[]; scale: ScaleBenchmark[] } {
  if (only === null) return { http: allBenchmarks, push: allPushBenchmarks, webhooks: allWebhookBenchmarks, scale: allScaleBenchmarks };
  const matches = (benchmark: string, name: string) => benchmark === name || benchmark.startsWith(`${name}.`);
  const chosen = <T extends { name: string }>(list: T[]) => list.filter((benchmark) => only.some((name) => matches(benchmark.name, name)));
  const choice = { http: chosen(allBenchmarks), push: chosen(allPushBenchmarks), webhooks: chosen(allWebhookBenchmarks), scale: chosen(allScaleBenchmarks) };
  if (choice.http.length + choice.push.length + choice.webhooks.length + choice.scale.length === 0) {
    const names = [...allBenchmarks, ...allPushBenchmarks, ...allWebhookBenchmarks, ...allScaleBenchmarks].map((benchmark) => benchmark.name);
    throw new Error(`BENCH_ONLY=${only.join(',')} matches none of: ${names.join(', ')}`);
  }
  return choice;
}

function gitCommit(): string | null {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  if (head.status !== 0) return null;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' }).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '+changes' : ''}`;
}

/** Runs the chosen benchmarks and writes the results; returns the report and where it went. */
export async function runBench(options: RunOptions): Promise<{ report: BenchReport; jsonFile: string; markdown: string }> {
  const benchmarks = selected(options.only);
  const startedAt = new Date().toISOString();
  const pinning = detectPinning();
  if (!pinning.pinned) options.log(`not pinning to CPUs: ${pinning.reason ?? 'unknown'}`);
  const results = [];
  if (benchmarks.http.length > 0) {
    const load = new LoadWorker();
    try {
      for (const benchmark of benchmarks.http) {
        options.log(`${benchmark.name}: ${benchmark.title}`);
        results.push(await runBenchmark(benchmark, load, options));
      }
    } finally {
      await load.close();
    }
  }
  const pushResults = [];
  if (benchmarks.push.length > 0) {
    const clients = new PushClients();
    try {
      for (const benchmark of benchmarks.push) {
        options.log(`${benchmark.name}: ${benchmark.title}`);
        const run = benchmark.measure === 'memory' ? runMemoryBenchmark : runDeliveryBenchmark;
        pushResults.push(await run(benchmark, clients, options));
      }
    } finally {
      await clients.close();
    }
  }
  const webhookResults = [];
  if (benchmarks.webhooks.length > 0) {
    const receiver = new WebhookReceiver();
    try {
      for (const benchmark of benchmarks.webhooks) {
        options.log(`${benchmark.name}: ${benchmark.title}`);
        webhookResults.push(await runWebhookBenchmark(benchmark, receiver, options));
      }
    } finally {
      await receiver.close();
    }
  }
  const scaleResults = [];
  for (const benchmark of benchmarks.scale) {
    options.log(`${benchmark.name}: ${benchmark.title}`);
    scaleResults.push(await runScaleBenchmark(benchmark, options));
  }
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: 'npm run bench',
    settings: { seconds: options.seconds, rounds: options.rounds, warmupSeconds: options.warmupSeconds, only: options.only, connections: options.connections ?? null },
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, platform: process.platform, pinning },
    commit: gitCommit(),
    benchmarks: results,
    push: pushResults,
    webhooks: webhookResults,
    scale: scaleResults,
  };
  mkdirSync(options.resultsDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const jsonFile = join(options.resultsDir, `${startedAt.replace(/[:.]/g, '-')}.json`);
  const markdown = toMarkdown(report);
  writeFileSync(jsonFile, json);
  writeFileSync(join(options.resultsDir, 'latest.json'), json);
  writeFileSync(join(options.resultsDir, 'latest.md'), markdown);
  return { report, jsonFile, markdown };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runBench(optionsFromEnv()).then(
    ({ report, markdown, jsonFile }) => {
      process.stdout.write(`\n${markdown}\nresults: ${jsonFile}\n`);
      // A webhook lost or sent twice is a bug, not a slow figure: the run fails.
      const broken = [...report.webhooks, ...report.scale].filter((result) => result.lost + result.duplicated > 0);
      if (broken.length > 0) {
        console.error(`deliveries or events lost or duplicated in ${broken.map((result) => result.name).join(', ')}`);
        process.exitCode = 1;
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
