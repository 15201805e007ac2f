/**
 * Where a command's words go. Results and stream items go to stdout: text for people, or one JSON
 * object per line with `--json`. Errors, hints and the spinner go to stderr, so a pipe into `jq`
 * only ever sees data. Colour and the spinner only on a terminal (picocolors also honours NO_COLOR).
 */
import { stripVTControlCharacters } from 'node:util';
import picocolors from 'picocolors';
import yoctoSpinner from 'yocto-spinner';
import { BistroClientError } from '../../client/errors.ts';
import { UsageError } from './exit-codes.ts';

export type Colors = ReturnType<typeof picocolors.createColors>;

export interface Output {
  readonly json: boolean;
  /** Colours for stdout (all no-ops when stdout is not a terminal). */
  readonly colors: Colors;
  /** A command's one answer: `value` as JSON, or the human text. */
  result(value: unknown, human: () => string): void;
  /** One item of a stream, written at once: a JSON line, or a human line. */
  item(value: unknown, human: () => string): void;
  /** A hint for people on stderr (a token to keep, a reconnection); silent with --json. */
  note(text: string): void;
  /** One line on stderr: `bistro: <code>: <message>`, or `{"error":{…}}` with --json. */
  error(error: unknown): void;
  /** Shows a spinner on stderr while `work` runs, when stderr is a terminal and the output is for people. */
  waitFor<T>(text: string, work: Promise<T>): Promise<T>;
}

interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

const colorsFor = (stream: NodeJS.WriteStream): Colors => picocolors.createColors(picocolors.isColorSupported && stream.isTTY === true);

/** What a person should do next, for the errors a command line user can fix. */
const hints: Partial<Record<string, string>> = {
  unauthorized: 'pass --token or set BISTRO_TOKEN (a guest token from `bistro order`, or a staff key)',
  forbidden: 'this needs a token of another role',
  network_error: 'is a node running there? Start one with `bistro serve`, or pass --url / set BISTRO_URL',
  rate_limited: 'wait a little and try again',
};

export interface ErrorReport {
  code: string;
  message: string;
  status?: number;
  fields?: readonly { pointer: string; detail: string }[];
  retryAfterSeconds?: number;
  hint?: string;
}

/** The parts of any error a person or a script needs; never a stack trace. */
export function reportOf(error: unknown): ErrorReport {
  if (error instanceof BistroClientError) {
    const report: ErrorReport = { code: error.code, message: error.message, status: error.status };
    if (error.fields.length > 0) report.fields = error.fields;
    if (error.retryAfterSeconds !== undefined) report.retryAfterSeconds = error.retryAfterSeconds;
    const hint = hints[error.code];
    if (hint !== undefined) report.hint = hint;
    return report;
  }
  if (error instanceof UsageError) return { code: 'usage', message: error.message };
  return { code: 'cli_error', message: error instanceof Error ? error.message : String(error) };
}

function humanError(report: ErrorReport, colors: Colors): string {
  const [field] = report.fields ?? [];
  // The server's message often names the first field already; said once is enough.
  const fieldText = field === undefined || report.message.includes(field.detail) ? '' : ` (${field.pointer || 'input'}: ${field.detail})`;
  const hint = report.hint === undefined ? '' : colors.dim(` — ${report.hint}`);
  return `bistro: ${colors.red(report.code)}: ${report.message}${fieldText}${hint}`;
}

export function createOutput({ json }: { json: boolean }, streams: Streams = process): Output {
  const colors = colorsFor(streams.stdout);
  const errorColors = colorsFor(streams.stderr);
  const spinnerShown = !json && streams.stderr.isTTY === true;
  // A result and a stream item are written alike; the two names say which a command means.
  const print = (value: unknown, human: () => string) => streams.stdout.write(`${json ? JSON.stringify(value) : human()}\n`);
  return {
    json,
    colors,
    result: print,
    item: print,
    note(text) {
      if (!json) streams.stderr.write(`${errorColors.dim(text)}\n`);
    },
    error(error) {
      const report = reportOf(error);
      streams.stderr.write(`${json ? JSON.stringify({ error: report }) : humanError(report, errorColors)}\n`);
    },
    async waitFor(text, work) {
      if (!spinnerShown) return work;
      // Our own SIGINT handlers decide how a command ends (a listener deletes its endpoint first).
      const spinner = yoctoSpinner({ text, stream: streams.stderr, handleSignals: false }).start();
      try {
        return await work;
      } finally {
        spinner.stop();
      }
    },
  };
}

/** `1250` → `12.50`: prices are whole cents on the wire. */
export function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

/** `2026-11-30T20:15:03.123Z` → `20:15:03` in local time. */
export function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toTimeString().slice(0, 8);
}

/** Left-aligned columns, two spaces apart, for a human table. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, visibleLength(cell))));
  return rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell + ' '.repeat((widths[index] ?? 0) - visibleLength(cell)))).join('  ')).join('\n');
}

// Colour codes take no room on screen.
const visibleLength = (text: string) => stripVTControlCharacters(text).length;
