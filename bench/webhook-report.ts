/** The webhook benchmarks' part of latest.md: figures as medians with the range over rounds. */
import type { PushSide } from './push-harness.ts';
import type { WebhookResult } from './webhook-bench.ts';
import { figure, ms, share, whole } from './report-format.ts';


function sideCell(result: WebhookResult, side: PushSide): string {
  if (result.measure === 'throughput') return `${figure(side, 'deliveriesPerSecond', whole)} deliveries/s`;
  return `p50 ${figure(side, 'p50Ms', ms)}, p95 ${figure(side, 'p95Ms', ms)}, p99 ${figure(side, 'p99Ms', ms)} ms`;
}

function ratioCell(result: WebhookResult): string {
  const comparison = result.comparison;
  if (!comparison || comparison.ratio === null) return '—';
  const spread = comparison.roundRatios.length > 1 ? ` (${Math.min(...comparison.roundRatios).toFixed(2)}–${Math.max(...comparison.roundRatios).toFixed(2)})` : '';
  const p50 = result.measure === 'latency' ? p50Ratio(result) : null;
  return `${comparison.ratio.toFixed(2)}×${spread}${p50 === null ? '' : `; p50 ${p50.toFixed(2)}×`}`;
}

function p50Ratio(result: WebhookResult): number | null {
  const subject = result.subject.median['p50Ms'];
  const baseline = result.comparison?.side.median['p50Ms'];
  return typeof subject === 'number' && typeof baseline === 'number' && baseline > 0 ? subject / baseline : null;
}

function notes(result: WebhookResult): string {
  const parts: string[] = [];
  if (result.note) parts.push(result.note);
  const sides: [string, PushSide][] = [['Bistro', result.subject], ...(result.comparison ? [['baseline', result.comparison.side] as [string, PushSide]] : [])];
  if (result.measure === 'throughput') {
    parts.push(`${whole(result.events ?? 0)} events a round`);
    if (result.comparison) parts.push(`baseline: ${result.comparison.label}`);
    parts.push(`replay calls answered after ${figure(result.subject, 'startMs', ms)} ms`);
    parts.push(`sender CPU µs per delivery ${sides.map(([name, side]) => `${name} ${figure(side, 'serverCpuUsPerDelivery', whole)}`).join(', ')}`);
    parts.push(`receiver CPU ${sides.map(([name, side]) => `${name} ${figure(side, 'receiverCpu', share)}`).join(', ')}`);
  } else {
    parts.push(`${result.ratePerSecond ?? 0} orders/s`);
    if (result.comparison) parts.push(`baseline: ${result.comparison.label}; ratio of p99`);
    parts.push(`p99 from sending the POST (its commit included) ${sides.map(([name, side]) => `${name} ${figure(side, 'fromSendP99Ms', ms)}`).join(', ')} ms`);
    parts.push(`POST /orders p99 ${sides.map(([name, side]) => `${name} ${figure(side, 'orderP99Ms', ms)}`).join(', ')} ms`);
    parts.push(`Bistro CPU ${sides.map(([name, side]) => `${name} ${figure(side, 'serverCpu', share)}`).join(', ')}`);
    if (result.comparison) parts.push(`calls to the dead endpoint per round (each hangs until Bistro's 2 s timeout) ${figure(result.subject, 'hung', whole)}`);
  }
  parts.push(`${whole(result.lost)} lost, ${whole(result.duplicated)} duplicated (counted by webhook-id at the receiver)`);
  parts.push(...result.warnings);
  if (result.failures > 0) parts.push(`**${whole(result.failures)} failures (orders refused, unsigned deliveries or baseline errors)**`);
  return `- ${result.title}: ${parts.join('; ')}.`;
}

export function webhookMarkdown(results: WebhookResult[]): string[] {
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  const rows = results.map((result) => {
    const goals = result.goals.map((goal) => `${goal.text} ${verdict(goal.met)}`);
    if (result.lost + result.duplicated > 0) goals.push('**deliveries lost or duplicated**');
    return [
      result.title,
      sideCell(result, result.subject),
      result.comparison ? sideCell(result, result.comparison.side) : '—',
      ratioCell(result),
      goals.join('; ') || 'context',
    ];
  });
  return [
    '## Webhooks',
    '',
    'Receiver (and order client) in its own process on the other CPU, one clock for both ends. Medians over rounds, (range); ratio: Bistro median ÷ baseline median of this run, (round-by-round range).',
    '',
    '| benchmark | Bistro | baseline | ratio | goal |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    ...results.map(notes),
  ];
}
