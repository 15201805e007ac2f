/**
 * How the lab's numbers read, shared by the terminal table, the HTML report and the charts so the
 * three never disagree: milliseconds, bytes, a median with its range, the command that reproduces a run.
 * Pure (no Node.js, no DOM): it runs in the web bundle too.
 */
import { labPatterns, type LabSettings, type Spread } from './lab-result.ts';

/** A unit a value is shown in: the number is divided by `divisor` and followed by `symbol`. */
export interface Scale {
  divisor: number;
  symbol: string;
}

/** How to pick the scale for a kind of measure from the value that sets it (the largest, usually). */
export type Measure = 'ms' | 'bytes' | 'count';

const byteScales: Scale[] = [
  { divisor: 1e9, symbol: 'GB' },
  { divisor: 1e6, symbol: 'MB' },
  { divisor: 1e3, symbol: 'KB' },
];

export function scaleFor(measure: Measure, value: number): Scale {
  if (measure === 'ms') return { divisor: 1, symbol: 'ms' };
  if (measure === 'count') return { divisor: 1, symbol: '' };
  // SI kilobytes: a socket count is a byte count, not a memory page count.
  return byteScales.find((scale) => Math.abs(value) >= scale.divisor) ?? { divisor: 1, symbol: 'B' };
}

/** Two significant figures below ten, whole numbers above: enough to compare, not so many that noise reads as signal. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && magnitude < 0.1) return value.toFixed(2);
  if (magnitude < 10) return value.toFixed(1).replace(/\.0$/, '');
  return String(Math.round(value));
}

function withSymbol(text: string, scale: Scale): string {
  return scale.symbol ? `${text} ${scale.symbol}` : text;
}

/** `value` in `scale`, with its unit: "2.2 KB". */
export function formatIn(value: number, scale: Scale): string {
  return withSymbol(formatNumber(value / scale.divisor), scale);
}

export function formatMs(ms: number): string {
  return formatIn(ms, scaleFor('ms', ms));
}

export function formatBytes(bytes: number): string {
  return formatIn(bytes, scaleFor('bytes', bytes));
}

export function formatMeasure(value: number, measure: Measure): string {
  return formatIn(value, scaleFor(measure, value));
}

/** "10–15", in the median's scale and without a unit; empty when the rounds agree to the shown precision. */
export function rangeText(spread: Spread, scale: Scale): string {
  const min = formatNumber(spread.min / scale.divisor);
  const max = formatNumber(spread.max / scale.divisor);
  return min === max ? '' : `${min}–${max}`;
}

/** "12 ms (10–15)": the median over rounds, and the least and greatest round in the same unit. */
export function spreadText(spread: Spread, measure: Measure, { unit = true } = {}): string {
  const scale = scaleFor(measure, spread.median);
  const median = formatNumber(spread.median / scale.divisor);
  const range = rangeText(spread, scale);
  const text = unit ? withSymbol(median, scale) : median;
  return range ? `${text} (${range})` : text;
}

/** The command that runs the same workload again (a node's own settings under `--url` cannot be repeated from here). */
export function labCommand(settings: LabSettings): string {
  const args = ['bistro', 'lab', '--guests', String(settings.guests)];
  if (settings.paceMs !== null) args.push('--pace', String(settings.paceMs));
  args.push('--duration', String(settings.durationS));
  const all = labPatterns.every((pattern) => settings.patterns.includes(pattern));
  if (!all) args.push('--patterns', settings.patterns.join(','));
  args.push('--rounds', String(settings.rounds), '--requests', String(settings.requestSamples));
  if (settings.nodes > 1) args.push('--nodes', String(settings.nodes));
  if (settings.url !== null) args.push('--url', settings.url);
  args.push('--seed', String(settings.seed));
  return args.join(' ');
}

/** For text put into HTML or SVG, element content and quoted attributes alike. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
