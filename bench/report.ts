/** The bench's results document (JSON) and the readable table made from it (Markdown, also for stdout). */
import type { BenchResult } from './harness.ts';
import type { Pinning } from './processes.ts';

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  command: string;
  settings: { seconds: number; rounds: number; warmupSeconds: number; only: string[] | null };
  machine: { cpus: number; cpuModel: string; node: string; platform: string; pinning: Pinning };
  commit: string | null;
  benchmarks: BenchResult[];
}

const number = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(2));
const share = (value: number | null) => (value === null ? '?' : `${Math.round(value * 100)}%`);
const micros = (value: number | null) => (value === null ? '?' : value.toFixed(0));

function goalCell(result: BenchResult): string {
  if (!result.goal) return 'context';
  const target = result.goal.kind === 'ratio' ? `≥ ${result.goal.min}×` : `≥ ${number(result.goal.min)}/s`;
  return `${target} ${result.goalMet === true ? 'met' : result.goalMet === false ? '**missed**' : '?'}`;
}

function row(result: BenchResult): string {
  const { subject, baseline } = result;
  return [
    result.title,
    `${number(subject.median.rps)} ${result.unit}/s`,
    baseline ? `${number(baseline.median.rps)} ${result.unit}/s` : '—',
    result.ratio === null ? '—' : `${result.ratio.toFixed(2)}×`,
    `${ms(subject.median.p50Ms)} / ${ms(subject.median.p99Ms)}`,
    `${micros(subject.median.serverCpuUsPerRequest)} / ${baseline ? micros(baseline.median.serverCpuUsPerRequest) : '—'}`,
    `${number(subject.minRps)}–${number(subject.maxRps)}`,
    goalCell(result),
  ].join(' | ');
}

export function toMarkdown(report: BenchReport): string {
  const { settings, machine } = report;
  const lines = [
    `# Bistro bench — ${report.startedAt}`,
    '',
    `\`${report.command}\` · commit ${report.commit ?? 'unknown'} · node ${machine.node} · ${machine.cpus}× ${machine.cpuModel}`,
    `${settings.rounds} rounds × ${settings.seconds} s after ${settings.warmupSeconds} s warm-up, baseline and Bistro rounds interleaved; medians. ` +
      (machine.pinning.pinned ? 'Servers pinned to CPU 0, load generator (autocannon) to CPU 1.' : `Not pinned: ${machine.pinning.reason ?? 'unknown'}.`),
    'Ratio: Bistro median ÷ baseline median of this run. Server CPU per answer moves less than req/s when other work shares the host.',
    '',
    '| benchmark | Bistro | baseline | ratio | Bistro p50 / p99 ms | server CPU µs per answer, Bistro / baseline | Bistro range over rounds | goal |',
    '|---|---|---|---|---|---|---|---|',
    ...report.benchmarks.map((result) => `| ${row(result)} |`),
    '',
  ];
  for (const result of report.benchmarks) {
    const notes: string[] = [];
    if (result.note) notes.push(result.note);
    notes.push(`${result.connections} connections, ${number(result.responseBytes)}-byte answers`);
    notes.push(`Bistro used ${share(result.subject.median.serverCpu)} of its core, the load generator ${share(result.subject.median.loadCpu)} of its own`);
    if (result.baselineLabel) notes.push(`baseline: ${result.baselineLabel}`);
    if (result.baseline) notes.push(`baseline p50 / p99 ${ms(result.baseline.median.p50Ms)} / ${ms(result.baseline.median.p99Ms)} ms`);
    if (result.roundRatios.length > 1) notes.push(`round-by-round ratios ${Math.min(...result.roundRatios).toFixed(2)}–${Math.max(...result.roundRatios).toFixed(2)}`);
    if (result.baseline && result.baseline.median.loadCpu >= 0.9) {
      notes.push(`the load generator used ${share(result.baseline.median.loadCpu)} of its core against the baseline, so the baseline may be client-bound and the true ratio lower still`);
    }
    if (result.failures > 0) notes.push(`**${number(result.failures)} non-2xx answers or errors**`);
    lines.push(`- ${result.title}: ${notes.join('; ')}.`);
  }
  return `${lines.join('\n')}\n`;
}
