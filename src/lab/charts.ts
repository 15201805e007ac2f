/**
 * The lab's charts as inline SVG strings, written by hand so the HTML report carries no chart library
 * and the web UI's Lab page can show the very same pictures. One horizontal bar per pattern (or per
 * question and request pattern): the bar is the median over rounds, the whisker the least to greatest round.
 * Pure (no Node.js, no DOM): it runs in the web bundle and in Node.
 */
import { questionLabels, viaLabels, type LabResult, type PatternSummary, type QuestionSummary, type Spread } from './lab-result.ts';
import { escapeXml, formatIn, formatNumber, scaleFor, type Measure, type Scale } from './format.ts';

export interface LabChart {
  id: string;
  title: string;
  caption: string;
  svg: string;
}

interface Mark {
  kind: 'p95' | 'p99';
  value: number;
}

interface Row {
  label: string;
  /** A heading drawn above the first row of its group (the question, on the request-response side). */
  group?: string;
  spread: Spread | null;
  marks?: Mark[];
}

interface ChartSpec {
  id: string;
  title: string;
  caption: string;
  measure: Measure;
  /** Latencies span three orders of magnitude (5 s polling against SSE), so they are drawn on a log scale. */
  log?: boolean;
  axisTitle: string;
  rows: Row[];
  /** A vertical line every bar is read against: the baseline's server cost. */
  reference?: { label: string; value: number };
}

const width = 680;
const plotLeft = 210;
const plotRight = width - 150;
const top = 46;
const rowHeight = 26;
const groupHeight = 22;
const colors = { bar: '#4c78a8', whisker: '#1f2937', p95: '#c2410c', p99: '#b91c1c', reference: '#6b7280', grid: '#e5e7eb', text: '#111827', muted: '#4b5563' };
const font = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="12"`;

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

interface Axis {
  x(value: number): number;
  /** Tick positions in the data's own unit, and their labels in the axis's unit. */
  ticks: { value: number; label: string }[];
  scale: Scale;
}

function linearAxis(measure: Measure, greatest: number): Axis {
  const scale = scaleFor(measure, greatest);
  const shown = greatest / scale.divisor;
  const step = shown > 0 ? niceStep(shown / 5) : 1;
  const end = Math.max(step, Math.ceil(shown / step - 1e-9) * step);
  const ticks = Array.from({ length: Math.round(end / step) + 1 }, (_, index) => {
    const tick = index * step;
    return { value: tick * scale.divisor, label: formatNumber(tick) };
  });
  return { x: (value) => plotLeft + (value / scale.divisor / end) * (plotRight - plotLeft), ticks, scale };
}

function logAxis(measure: Measure, least: number, greatest: number): Axis {
  const low = Math.floor(Math.log10(Math.max(least, 1e-3)));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(greatest, 1e-3))));
  const x = (value: number) => plotLeft + ((Math.log10(Math.max(value, 10 ** low)) - low) / (high - low)) * (plotRight - plotLeft);
  const ticks = Array.from({ length: high - low + 1 }, (_, index) => ({ value: 10 ** (low + index), label: formatNumber(10 ** (low + index)) }));
  return { x, ticks, scale: scaleFor(measure, 1) };
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attributes ? ` ${attributes}` : ''}>${escapeXml(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, attributes: string): string {
  return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" ${attributes}/>`;
}

function p99Mark(x: number, y: number): string {
  return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="#ffffff" stroke="${colors.p99}" stroke-width="2"/>`;
}

function legend(spec: ChartSpec): string {
  const parts = [
    line(8, 14, 22, 14, `stroke="${colors.bar}" stroke-width="10"`),
    text(28, 18, 'median of the rounds'),
    line(172, 14, 200, 14, `stroke="${colors.whisker}" stroke-width="1.5"`),
    text(206, 18, 'least to greatest round'),
  ];
  const kinds = new Set(spec.rows.flatMap((row) => row.marks ?? []).map((mark) => mark.kind));
  let x = 370;
  if (kinds.has('p95')) {
    parts.push(line(x, 8, x, 20, `stroke="${colors.p95}" stroke-width="2"`), text(x + 6, 18, 'p95'));
    x += 44;
  }
  if (kinds.has('p99')) parts.push(p99Mark(x, 14), text(x + 7, 18, 'p99'));
  return parts.join('');
}

/** A round where nobody learnt anything divides by zero upstream; such a row is drawn as not measured, not as an axis of NaN. */
function drawable(spread: Spread | null): Spread | null {
  return spread && [spread.median, spread.min, spread.max].every(Number.isFinite) ? spread : null;
}

function renderChart(given: ChartSpec): string {
  const spec = { ...given, rows: given.rows.map((row) => ({ ...row, spread: drawable(row.spread), marks: row.marks?.filter((mark) => Number.isFinite(mark.value)) })) };
  const values = spec.rows.flatMap((row) => (row.spread ? [row.spread.min, row.spread.max, ...(row.marks ?? []).map((mark) => mark.value)] : []));
  if (spec.reference) values.push(spec.reference.value);
  const greatest = Math.max(0, ...values);
  const axis = spec.log ? logAxis(spec.measure, Math.min(...values.filter((value) => value > 0), greatest || 1), greatest) : linearAxis(spec.measure, greatest);

  const body: string[] = [];
  let y = top;
  let group: string | undefined;
  for (const row of spec.rows) {
    if (row.group !== undefined && row.group !== group) {
      group = row.group;
      body.push(text(8, y + 15, row.group, 'font-weight="600"'));
      y += groupHeight;
    }
    const middle = y + rowHeight / 2;
    body.push(text(row.group === undefined ? 8 : 24, middle + 4, row.label));
    if (!row.spread) {
      body.push(text(plotLeft + 4, middle + 4, 'not measured', `fill="${colors.muted}" font-style="italic"`));
      y += rowHeight;
      continue;
    }
    const { median, min, max } = row.spread;
    const barEnd = Math.max(axis.x(median), plotLeft + 1);
    body.push(`<rect class="bar" x="${plotLeft}" y="${(middle - 7).toFixed(1)}" width="${(barEnd - plotLeft).toFixed(1)}" height="14" fill="${colors.bar}"><title>${escapeXml(`${row.label}: ${formatIn(median, axis.scale)}`)}</title></rect>`);
    if (axis.x(max) - axis.x(min) >= 1) {
      const stroke = `stroke="${colors.whisker}" stroke-width="1.5"`;
      body.push(line(axis.x(min), middle, axis.x(max), middle, stroke), line(axis.x(min), middle - 4, axis.x(min), middle + 4, stroke), line(axis.x(max), middle - 4, axis.x(max), middle + 4, stroke));
    }
    for (const mark of row.marks ?? []) {
      const x = axis.x(mark.value);
      body.push(mark.kind === 'p95' ? line(x, middle - 8, x, middle + 8, `stroke="${colors.p95}" stroke-width="2"`) : p99Mark(x, middle));
    }
    const rightmost = Math.max(barEnd, axis.x(max), ...(row.marks ?? []).map((mark) => axis.x(mark.value)));
    const p99 = row.marks?.find((mark) => mark.kind === 'p99');
    const valueLabel = formatIn(median, scaleFor(spec.measure, median)) + (p99 ? ` (p99 ${formatIn(p99.value, scaleFor(spec.measure, p99.value))})` : '');
    body.push(text(rightmost + 8, middle + 4, valueLabel));
    y += rowHeight;
  }

  const bottom = y + 4;
  const grid = axis.ticks.map((tick) => {
    const x = axis.x(tick.value);
    return line(x, top - 4, x, bottom, `stroke="${colors.grid}"`) + text(x, bottom + 16, tick.label, `text-anchor="middle" fill="${colors.muted}"`);
  });
  const axisLine = line(plotLeft, bottom, plotRight, bottom, `stroke="${colors.muted}"`);
  const axisTitle = text((plotLeft + plotRight) / 2, bottom + 34, spec.axisTitle, `text-anchor="middle" fill="${colors.muted}"`);
  const reference = spec.reference
    ? line(axis.x(spec.reference.value), top - 6, axis.x(spec.reference.value), bottom, `stroke="${colors.reference}" stroke-width="1.5" stroke-dasharray="4 3"`) +
      text(axis.x(spec.reference.value), top - 10, spec.reference.label, `text-anchor="middle" fill="${colors.muted}"`)
    : '';
  const height = bottom + 44;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="lab-chart" data-chart="${escapeXml(spec.id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(spec.title)}" ${font} fill="${colors.text}">` +
    `<title>${escapeXml(spec.title)}</title><desc>${escapeXml(spec.caption)}</desc>` +
    legend(spec) + grid.join('') + reference + body.join('') + axisLine + axisTitle +
    '</svg>'
  );
}

function patternRows(patterns: PatternSummary[], pick: (pattern: PatternSummary) => Spread | null): Row[] {
  return patterns.map((pattern) => ({ label: pattern.label, spread: pick(pattern) }));
}

function questionRows(questions: QuestionSummary[], pick: (question: QuestionSummary) => Spread): Row[] {
  return questions.map((question) => ({ group: questionLabels[question.question], label: viaLabels[question.via], spread: pick(question) }));
}

function exact(value: number): Spread {
  return { median: value, min: value, max: value };
}

function patternCharts(result: LabResult): ChartSpec[] {
  const { patterns, baseline } = result;
  const rounds = `${result.settings.rounds} round${result.settings.rounds === 1 ? '' : 's'}`;
  const baselineCpu = baseline.serverCpuMs;
  const baselineRss = baseline.serverPeakRssBytes;
  return [
    {
      id: 'latency',
      title: 'Notification latency: order ready to the guest knowing',
      caption: `Median over ${rounds} of each round's p50, with its p95 and p99. Log scale: 5-second polling waits about a thousand times longer than a pushed event, and on a linear scale every push would be an invisible sliver.`,
      measure: 'ms',
      log: true,
      axisTitle: 'milliseconds (log scale)',
      rows: patterns.map((pattern) => ({
        label: pattern.label,
        spread: pattern.latencyMs.p50,
        marks: [
          { kind: 'p95', value: pattern.latencyMs.p95.median },
          { kind: 'p99', value: pattern.latencyMs.p99.median },
        ],
      })),
    },
    {
      id: 'requests-per-update',
      title: 'Requests per useful update',
      caption: `Requests the clients sent (and webhook deliveries the server sent) for each guest who learnt their order was ready; median over ${rounds}. Polling pays for every empty answer.`,
      measure: 'count',
      axisTitle: 'requests per update',
      rows: patternRows(patterns, (pattern) => pattern.requestsPerUpdate),
    },
    {
      id: 'bytes-to-server',
      title: 'Bytes to the server per update',
      caption: `Bytes the clients wrote into their sockets (for webhooks, the receiver's answers too), counted at the socket, per useful update; median over ${rounds}.`,
      measure: 'bytes',
      axisTitle: `${scaleFor('bytes', Math.max(...patterns.map((p) => p.bytesToServerPerUpdate.max))).symbol} per update`,
      rows: patternRows(patterns, (pattern) => pattern.bytesToServerPerUpdate),
    },
    {
      id: 'bytes-from-server',
      title: 'Bytes from the server per update',
      caption: `Bytes the server wrote into sockets to clients (for webhooks, the deliveries), per useful update; median over ${rounds}.`,
      measure: 'bytes',
      axisTitle: `${scaleFor('bytes', Math.max(...patterns.map((p) => p.bytesFromServerPerUpdate.max))).symbol} per update`,
      rows: patternRows(patterns, (pattern) => pattern.bytesFromServerPerUpdate),
    },
    {
      id: 'peak-connections',
      title: 'Peak open connections',
      caption: `The most connections open to the server at once during the phase; median over ${rounds}.`,
      measure: 'count',
      axisTitle: 'connections',
      rows: patternRows(patterns, (pattern) => pattern.peakConnections),
    },
    {
      id: 'server-cpu',
      title: 'Server CPU time per phase',
      caption: `User and system CPU of the node during the phase; median over ${rounds}. The dashed line is the baseline (guests order, nobody listens): what lies beyond it is the pattern's own cost.`,
      measure: 'ms',
      axisTitle: 'CPU milliseconds',
      rows: patternRows(patterns, (pattern) => pattern.serverCpuMs),
      ...(baselineCpu ? { reference: { label: `baseline ${formatIn(baselineCpu.median, scaleFor('ms', 1))}`, value: baselineCpu.median } } : {}),
    },
    {
      id: 'peak-rss',
      title: 'Server peak resident memory',
      caption: `The largest resident set of the node during the phase; median over ${rounds}. The dashed line is the baseline's.`,
      measure: 'bytes',
      axisTitle: `resident memory (${scaleFor('bytes', Math.max(...patterns.map((p) => p.serverPeakRssBytes?.max ?? 0))).symbol})`,
      rows: patternRows(patterns, (pattern) => pattern.serverPeakRssBytes),
      ...(baselineRss ? { reference: { label: `baseline ${formatIn(baselineRss.median, scaleFor('bytes', baselineRss.median))}`, value: baselineRss.median } } : {}),
    },
  ];
}

function requestCharts(result: LabResult): ChartSpec[] {
  const questions = result.requestResponse;
  const samples = `${result.settings.requestSamples} samples a round, median over ${result.settings.rounds} rounds`;
  return [
    {
      id: 'rr-latency',
      title: 'Request-response latency per answer',
      caption: `Each question asked through REST, JSON-RPC and GraphQL: p50 of ${samples}, with the p99. An answer that takes several round trips is timed whole.`,
      measure: 'ms',
      axisTitle: 'milliseconds',
      rows: questions.map((question) => ({
        group: questionLabels[question.question],
        label: viaLabels[question.via],
        spread: question.latencyMs.p50,
        marks: [{ kind: 'p99', value: question.latencyMs.p99.median }],
      })),
    },
    {
      id: 'rr-round-trips',
      title: 'Round trips per answer',
      caption: 'Requests one answer takes: more than one is under-fetching (the order, then each dish for its ingredients).',
      measure: 'count',
      axisTitle: 'requests',
      rows: questionRows(questions, (question) => exact(question.roundTrips)),
    },
    {
      id: 'rr-bytes-to-server',
      title: 'Bytes to the server per answer',
      caption: `Bytes the client wrote for one answer, every round trip included, counted at the socket; ${samples}.`,
      measure: 'bytes',
      axisTitle: `${scaleFor('bytes', Math.max(...questions.map((q) => q.bytesToServer.max))).symbol} per answer`,
      rows: questionRows(questions, (question) => question.bytesToServer),
    },
    {
      id: 'rr-bytes-from-server',
      title: 'Bytes from the server per answer',
      caption: `Bytes the server wrote for one answer, headers included; a fixed-shape answer carries what the question did not ask for (over-fetching). ${samples}.`,
      measure: 'bytes',
      axisTitle: `${scaleFor('bytes', Math.max(...questions.map((q) => q.bytesFromServer.max))).symbol} per answer`,
      rows: questionRows(questions, (question) => question.bytesFromServer),
    },
  ];
}

/** Every chart the result has data for: a chart where nothing was measured (server cost under `--url`) is left out. */
export function labCharts(result: LabResult): LabChart[] {
  const specs = [...(result.patterns.length > 0 ? patternCharts(result) : []), ...(result.requestResponse.length > 0 ? requestCharts(result) : [])];
  return specs
    .filter((spec) => spec.rows.some((row) => row.spread !== null))
    .map((spec) => ({ id: spec.id, title: spec.title, caption: spec.caption, svg: renderChart(spec) }));
}
