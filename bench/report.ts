/** The bench's results document (JSON) and the readable table made from it (Markdown, also for stdout). */
import type { BenchResult, Side } from './harness.ts';
import type { Pinning } from './processes.ts';
import { pushMarkdown } from './push-report.ts';
import type { PushResult } from './push-harness.ts';
import type { ScaleResult } from './scale-bench.ts';
import { scaleMarkdown } from './scale-report.ts';
import type { WebhookResult } from './webhook-bench.ts';
import { webhookMarkdown } from './webhook-report.ts';

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  command: string;
  settings: { seconds: number; rounds: number; warmupSeconds: number; only: string[] | null; connections: number | null };
  machine: { cpus: number; cpuModel: string; node: string; platform: string; pinning: Pinning };
  commit: string | null;
  benchmarks: BenchResult[];
  /** Push benchmarks (bench/push-delivery.ts, bench/push-memory.ts). */
  push: PushResult[];
  /** Webhook benchmarks (bench/webhook-bench.ts). */
  webhooks: WebhookResult[];
  /** Scale-out benchmarks on PostgreSQL and Redis (bench/scale-bench.ts). */
  scale: ScaleResult[];
}

const number = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(2));
const share = (value: number | null) => (value === null ? '?' : `${Math.round(value * 100)}%`);
const micros = (value: number | null) => (value === null ? '?' : value.toFixed(0));

const range = (side: Side, unit: string) => `${number(side.median.rps)} ${unit}/s (${number(side.minRps)}–${number(side.maxRps)})`;

function goalCell(min: number | null, met: boolean | null, text: (min: number) => string): string {
  if (min === null) return 'context';
  return `${text(min)} ${met === true ? 'met' : met === false ? '**missed**' : '?'}`;
}

/** One row per baseline (the subject's figures repeated), or one row alone when there is none. */
function rows(result: BenchResult): string[] {
  const { subject, unit } = result;
  const latency = `${ms(subject.median.p50Ms)} / ${ms(subject.median.p99Ms)}`;
  const throughput = result.goal ? goalCell(result.goal.min, subject.median.rps >= result.goal.min, (min) => `≥ ${number(min)}/s`) : null;
  if (result.comparisons.length === 0) {
    return [[result.title, range(subject, unit), '—', '—', latency, `${micros(subject.median.serverCpuUsPerRequest)} / —`, throughput ?? 'context'].join(' | ')];
  }
  return result.comparisons.map((comparison, index) =>
    [
      index === 0 ? result.title : '〃',
      range(subject, unit),
      `${comparison.kind}: ${range(comparison.side, unit)}`,
      `${comparison.ratio.toFixed(2)}×`,
      latency,
      `${micros(subject.median.serverCpuUsPerRequest)} / ${micros(comparison.side.median.serverCpuUsPerRequest)}`,
      [goalCell(comparison.min, comparison.met, (min) => `≥ ${min}×`), ...(index === 0 && throughput ? [throughput] : [])].join('; '),
    ].join(' | '),
  );
}

export function toMarkdown(report: BenchReport): string {
  const { settings, machine } = report;
  const lines = [
    `# Bistro bench — ${report.startedAt}`,
    '',
    `\`${report.command}\` · commit ${report.commit ?? 'unknown'} · node ${machine.node} · ${machine.cpus}× ${machine.cpuModel}`,
    (report.benchmarks.length > 0 ? `${settings.rounds} rounds × ${settings.seconds} s after ${settings.warmupSeconds} s warm-up` : `${settings.rounds} rounds`) +
      ', baseline and Bistro rounds interleaved; medians. ' +
      (machine.pinning.pinned ? 'Servers pinned to CPU 0, load generator (autocannon), push clients and webhook receiver to CPU 1.' : `Not pinned: ${machine.pinning.reason ?? 'unknown'}.`),
    '',
  ];
  if (report.benchmarks.length > 0) {
    lines.push(
      'Req/s are medians with the range over rounds in brackets; ratio: Bistro median ÷ baseline median of this run. Server CPU per answer moves less than req/s when other work shares the host.',
      '',
      '| benchmark | Bistro | baseline | ratio | Bistro p50 / p99 ms | server CPU µs per answer, Bistro / baseline | goal |',
      '|---|---|---|---|---|---|---|',
      ...report.benchmarks.flatMap((result) => rows(result).map((row) => `| ${row} |`)),
      '',
    );
  }
  for (const result of report.benchmarks) {
    const notes: string[] = [];
    if (result.note) notes.push(result.note);
    notes.push(`${result.connections} connections, ${number(result.responseBytes)}-byte answers`);
    notes.push(`Bistro used ${share(result.subject.median.serverCpu)} of its core, the load generator ${share(result.subject.median.loadCpu)} of its own`);
    for (const comparison of result.comparisons) {
      const { side } = comparison;
      let note = `${comparison.kind}: ${comparison.label}, p50 / p99 ${ms(side.median.p50Ms)} / ${ms(side.median.p99Ms)} ms`;
      if (comparison.roundRatios.length > 1) note += `, round-by-round ratios ${Math.min(...comparison.roundRatios).toFixed(2)}–${Math.max(...comparison.roundRatios).toFixed(2)}`;
      if (side.median.loadCpu >= 0.9) note += ` (the load generator used ${share(side.median.loadCpu)} of its core against it, so it may be client-bound and the true ratio lower still)`;
      notes.push(note);
    }
    if (result.failures > 0) notes.push(`**${number(result.failures)} non-2xx answers or errors**`);
    lines.push(`- ${result.title}: ${notes.join('; ')}.`);
  }
  if (report.push.length > 0) lines.push('', ...pushMarkdown(report.push));
  if (report.webhooks.length > 0) lines.push('', ...webhookMarkdown(report.webhooks));
  if (report.scale.length > 0) lines.push('', ...scaleMarkdown(report.scale));
  return `${lines.join('\n')}\n`;
}
