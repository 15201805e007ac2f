/** The lab's result as aligned text tables for the terminal, and the progress bar shown while it runs. */
import pc from 'picocolors';
import { formatBytes, formatNumber, labCommand, spreadText } from './format.ts';
import { questionLabels, viaLabels, type LabProgress, type LabResult, type Spread } from './lab-result.ts';

type Align = 'left' | 'right';
interface Column {
  title: string;
  align: Align;
}

/** Pads on the plain text, then colours: escape codes would otherwise count as width. */
function table(columns: Column[], rows: string[][], paint: { head(text: string): string; first(text: string): string }): string[] {
  const widths = columns.map((column, index) => Math.max(column.title.length, ...rows.map((row) => (row[index] ?? '').length)));
  const pad = (text: string, index: number) => {
    const width = widths[index] ?? 0;
    return columns[index]?.align === 'right' ? text.padStart(width) : text.padEnd(width);
  };
  const head = columns.map((column, index) => paint.head(pad(column.title, index))).join('  ');
  const body = rows.map((row) => row.map((text, index) => (index === 0 ? paint.first(pad(text, index)) : pad(text, index))).join('  ').trimEnd());
  return [head.trimEnd(), ...body];
}

/** "502 (472–547)": a median in the column's unit with its range, the unit being in the heading. */
function msWithRange(spread: Spread): string {
  return spreadText(spread, 'ms', { unit: false });
}

function cpu(spread: Spread | null): string {
  return spread ? formatNumber(spread.median) : '–';
}

function rssMb(spread: Spread | null): string {
  return spread ? formatNumber(spread.median / 1e6) : '–';
}

export function terminalTable(result: LabResult, options: { color: boolean }): string {
  const colors = pc.createColors(options.color);
  const paint = { head: colors.bold, first: colors.cyan };
  const lines: string[] = [];
  const rounds = result.settings.rounds;

  if (result.patterns.length > 0) {
    lines.push(colors.bold('Event-driven patterns: learning the order is ready'), '');
    const columns: Column[] = [
      { title: 'pattern', align: 'left' },
      { title: 'p50 ms (range)', align: 'right' },
      { title: 'p95', align: 'right' },
      { title: 'p99', align: 'right' },
      { title: 'req/upd', align: 'right' },
      { title: '↑/upd', align: 'right' },
      { title: '↓/upd', align: 'right' },
      { title: 'conns', align: 'right' },
      { title: 'CPU ms', align: 'right' },
      { title: 'RSS MB', align: 'right' },
    ];
    const rows = result.patterns.map((pattern) => [
      pattern.pattern,
      msWithRange(pattern.latencyMs.p50),
      formatNumber(pattern.latencyMs.p95.median),
      formatNumber(pattern.latencyMs.p99.median),
      formatNumber(pattern.requestsPerUpdate.median),
      formatBytes(pattern.bytesToServerPerUpdate.median),
      formatBytes(pattern.bytesFromServerPerUpdate.median),
      formatNumber(pattern.peakConnections.median),
      cpu(pattern.serverCpuMs),
      rssMb(pattern.serverPeakRssBytes),
    ]);
    rows.push(['baseline', '', '', '', '', '', '', '', cpu(result.baseline.serverCpuMs), rssMb(result.baseline.serverPeakRssBytes)]);
    lines.push(...table(columns, rows, paint));
    const missed = result.patterns.filter((pattern) => pattern.rounds.some((round) => round.missed > 0)).map((pattern) => pattern.pattern);
    lines.push(colors.dim(`Medians over ${rounds} round${rounds === 1 ? '' : 's'}, the p50's least–greatest round in brackets; per useful update (upd); CPU and RSS are the server's.`));
    if (missed.length > 0) lines.push(colors.yellow(`Some guests never learnt their order was ready: ${missed.join(', ')}.`));
  }

  if (result.requestResponse.length > 0) {
    lines.push('', colors.bold('Request-response: asking a question'), '');
    const columns: Column[] = [
      { title: 'question', align: 'left' },
      { title: 'via', align: 'left' },
      { title: 'p50 ms (range)', align: 'right' },
      { title: 'round trips', align: 'right' },
      { title: '↑/answer', align: 'right' },
      { title: '↓/answer', align: 'right' },
    ];
    // The question is named once, on the first of its rows, so the three request patterns read as a group.
    const rows = result.requestResponse.map((question, index, all) => [
      all[index - 1]?.question === question.question ? '' : questionLabels[question.question],
      viaLabels[question.via],
      msWithRange(question.latencyMs.p50),
      String(question.roundTrips),
      formatBytes(question.bytesToServer.median),
      formatBytes(question.bytesFromServer.median),
    ]);
    lines.push(...table(columns, rows, paint));
  }

  lines.push('', colors.dim(`Again: ${labCommand(result.settings)}`));
  return lines.join('\n') + '\n';
}

/** `[████████░░░░░░░░] 12/40 sse, round 2 of 3`; `width` is the bar's own cells, the brackets aside. */
export function progressBar(progress: LabProgress, width: number): string {
  const fraction = progress.total > 0 ? Math.min(1, Math.max(0, progress.done / progress.total)) : 0;
  const filled = Math.round(fraction * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${progress.done}/${progress.total} ${progress.step}`.trimEnd();
}
