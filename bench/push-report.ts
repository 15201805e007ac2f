/** The push benchmarks' part of latest.md: one row per baseline, figures as medians with the range over rounds. */
import type { PushComparison, PushResult, PushSide } from './push-harness.ts';
import { figure, ms, whole } from './report-format.ts';

const kib = (bytes: number) => (bytes / 1024).toFixed(1);

function sideCell(result: PushResult, side: PushSide): string {
  if (result.measure === 'memory') return `${figure(side, 'rssBytesPerConnection', kib)} KiB RSS, ${figure(side, 'heapBytesPerConnection', kib)} KiB heap`;
  return `${figure(side, 'deliveriesPerSecond', whole)}/s; p50 ${figure(side, 'p50Ms', ms)}, p99 ${figure(side, 'p99Ms', ms)} ms`;
}

function ratioCell(comparison: PushComparison): string {
  if (comparison.ratio === null) return '?';
  const spread = comparison.roundRatios.length > 1 ? ` (${Math.min(...comparison.roundRatios).toFixed(2)}–${Math.max(...comparison.roundRatios).toFixed(2)})` : '';
  return `${comparison.ratio.toFixed(2)}×${spread}`;
}

const verdict = (met: boolean | null) => (met === true ? 'met' : met === false ? '**missed**' : '?');

function goalCell(result: PushResult, comparison: PushComparison | null): string {
  const goals: string[] = [];
  if (comparison?.min != null) goals.push(`≥ ${comparison.min}× ${verdict(comparison.met)}`);
  if (comparison?.max != null) goals.push(`≤ ${comparison.max}× ${verdict(comparison.met)}`);
  if (result.goal && (comparison === null || comparison === result.comparisons[0])) {
    const value = result.subject.median[result.goal.metric];
    goals.push(`${result.goal.metric} ≤ ${result.goal.max} ${verdict(typeof value === 'number' ? value <= result.goal.max : null)}`);
  }
  return goals.length > 0 ? goals.join('; ') : 'context';
}

const ratioNames = { deliveriesPerSecond: 'deliveries/s', p99Ms: 'p99 latency', rssBytesPerConnection: 'RSS per connection' } as const;

function notes(result: PushResult): string {
  const parts: string[] = [];
  if (result.note) parts.push(result.note);
  parts.push(`ratio of ${ratioNames[result.ratioOf]}, Bistro ÷ baseline`);
  const sides: [string, PushSide][] = [['Bistro', result.subject], ...result.comparisons.map((each): [string, PushSide] => [each.kind, each.side])];
  if (result.measure === 'delivery') {
    parts.push(`client CPU ${sides.map(([name, side]) => `${name} ${figure(side, 'clientCpu', (value) => `${Math.round(value * 100)}%`)}`).join(', ')}`);
    parts.push(`server CPU µs per delivery ${sides.map(([name, side]) => `${name} ${figure(side, 'serverCpuUsPerDelivery', whole)}`).join(', ')}`);
    parts.push(`trigger answered in ${sides.map(([name, side]) => `${name} ${figure(side, 'triggerMs', ms)}`).join(', ')} ms`);
  } else {
    const heap = (side: PushSide) => side.median['heapBytesPerConnection'];
    for (const comparison of result.comparisons) {
      const [bistro, baseline] = [heap(result.subject), heap(comparison.side)];
      if (typeof bistro === 'number' && typeof baseline === 'number' && baseline > 0) parts.push(`heap per connection ${(bistro / baseline).toFixed(2)}× ${comparison.kind}'s`);
    }
    parts.push(`RSS before → after opening, Bistro ${figure(result.subject, 'rssBeforeBytes', (value) => `${(value / 2 ** 20).toFixed(0)}`)} → ${figure(result.subject, 'rssAfterBytes', (value) => `${(value / 2 ** 20).toFixed(0)}`)} MiB`);
  }
  parts.push(...result.warnings);
  if (result.failures > 0) parts.push(`**${whole(result.failures)} connections failed, deliveries missing or streams ended early**`);
  return `- ${result.title}: ${parts.join('; ')}.`;
}

export function pushMarkdown(results: PushResult[]): string[] {
  const rows = results.flatMap((result) => {
    const first = [result.title, whole(result.connections), sideCell(result, result.subject)];
    if (result.comparisons.length === 0) return [[...first, '—', '—', goalCell(result, null)]];
    return result.comparisons.map((comparison, index) => [
      ...(index === 0 ? first : ['〃', '', '〃']),
      `${comparison.kind}: ${sideCell(result, comparison.side)}`,
      ratioCell(comparison),
      goalCell(result, comparison),
    ]);
  });
  return [
    '## Push',
    '',
    'Clients in their own process on the other CPU; latency from sending the trigger to each client reading the event. Medians over rounds, (range); ratio: Bistro median ÷ baseline median of this run, (round-by-round range).',
    '',
    '| benchmark | connections | Bistro | baseline | ratio | goal |',
    '|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    ...results.map(notes),
  ];
}
