/** The scale-out benchmarks' part of latest.md: medians with the range over rounds. */
import type { PushSide } from './push-harness.ts';
import type { ScaleResult } from './scale-bench.ts';
import { figure, ms, share, whole } from './report-format.ts';


function sideCell(result: ScaleResult, side: PushSide): string {
  if (result.measure === 'write') return `${figure(side, 'ordersPerSecond', whole)} orders/s`;
  return `p50 ${figure(side, 'p50Ms', ms)}, p99 ${figure(side, 'p99Ms', ms)} ms`;
}

function comparisonCell(result: ScaleResult): string {
  const { value, rounds } = result.comparison;
  if (value === null) return '—';
  const spread = rounds.length > 1 ? ` (${(result.measure === 'write' ? (v: number) => v.toFixed(2) : ms)(Math.min(...rounds))}–${(result.measure === 'write' ? (v: number) => v.toFixed(2) : ms)(Math.max(...rounds))})` : '';
  return result.measure === 'write' ? `${value.toFixed(2)}×${spread}` : `p99 +${ms(value)} ms${spread}`;
}

const waits = (mean: Record<string, number>) =>
  Object.entries(mean)
    .slice(0, 5)
    .map(([wait, n]) => `${wait} ${n.toFixed(1)}`)
    .join(', ') || 'none seen';

function notes(result: ScaleResult): string {
  const parts: string[] = [];
  if (result.note) parts.push(result.note);
  const sides: [string, PushSide][] = [['Bistro', result.subject], ['baseline', result.baseline.side]];
  parts.push(`baseline: ${result.baseline.label}`);
  if (result.measure === 'write') {
    parts.push(`${result.connections ?? 0} connections`);
    parts.push(`p50 / p99 ms ${sides.map(([name, side]) => `${name} ${figure(side, 'p50Ms', ms)} / ${figure(side, 'p99Ms', ms)}`).join(', ')}`);
    parts.push(`CPU µs per order on CPU 0 ${sides.map(([name, side]) => `${name} ${figure(side, 'cpuUsPerOrder', whole)}`).join(', ')}; share of CPU 0 ${sides.map(([name, side]) => `${name} ${figure(side, 'serverCpu', share)}`).join(', ')}`);
    parts.push(`load generator CPU ${figure(result.subject, 'loadCpu', share)}`);
    if (result.waits) parts.push(`PostgreSQL backends active, mean by wait (\`CPU\`: running): Bistro ${waits(result.waits.bistro)}; baseline ${waits(result.waits.baseline)}`);
  } else {
    parts.push(`${result.ratePerSecond ?? 0} orders (messages) per second`);
    parts.push(`max ${sides.map(([name, side]) => `${name} ${figure(side, 'maxMs', ms)}`).join(', ')} ms`);
    parts.push(`Bistro p99 from sending the POST (its commit included) ${figure(result.subject, 'fromSendP99Ms', ms)} ms; POST /orders p99 ${figure(result.subject, 'orderP99Ms', ms)} ms`);
    parts.push(`CPU node A ${figure(result.subject, 'nodeACpu', share)}, node B ${figure(result.subject, 'nodeBCpu', share)}, client ${figure(result.subject, 'clientCpu', share)}`);
    parts.push(`${whole(result.lost)} lost, ${whole(result.duplicated)} duplicated (orders by subject at B's socket, messages by id at the subscriber)`);
  }
  parts.push(...result.warnings);
  if (result.failures > 0) parts.push(`**${whole(result.failures)} failures (answers not 2xx, orders refused, baseline errors or events of orders not placed)**`);
  return `- ${result.title}: ${parts.join('; ')}.`;
}

export function scaleMarkdown(results: ScaleResult[]): string[] {
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  const rows = results.map((result) => {
    const goals = result.goals.map((goal) => `${goal.text} ${verdict(goal.met)}`);
    if (result.lost + result.duplicated > 0) goals.push('**events lost or duplicated**');
    return [result.title, sideCell(result, result.subject), sideCell(result, result.baseline.side), comparisonCell(result), goals.join('; ') || 'context'];
  });
  return [
    '## Scale-out (PostgreSQL, Redis)',
    '',
    'Each node on a fresh PostgreSQL schema, dropped after. Medians over rounds, (range); write: ratio of medians, (round-by-round range); notify: Bistro p99 − baseline p99, (round by round).',
    '',
    '| benchmark | Bistro | baseline | comparison | goal |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    ...results.map(notes),
  ];
}
