/**
 * `bistro lab`: the Pattern Lab. Runs one workload through every event-driven pattern and asks the
 * request-response questions through REST, JSON-RPC and GraphQL, then prints a table and writes a
 * JSON file and a self-contained HTML report. `--ndjson` is for programs (the web UI's Lab page):
 * one JSON object per line, progress first and the result last.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { htmlReport } from '../lab/html-report.ts';
import { checkLabOptions, defaultLabOptions, labBounds, LabOptionError } from '../lab/lab-options.ts';
import { labPatterns, type LabPattern, type LabProgress } from '../lab/lab-result.ts';
import { runLab } from '../lab/run-lab.ts';
import { progressBar, terminalTable } from '../lab/terminal-report.ts';
import { exitCodes } from './exit-codes.ts';
import { onInterrupt } from './interrupt.ts';
import { commaList, httpUrl, wholeNumber } from './options.ts';

interface LabCommandOptions {
  guests: number;
  pace: number;
  duration: number;
  patterns: string[];
  seed: number;
  rounds: number;
  requests: number;
  nodes: number;
  db: string;
  bus: string;
  url?: string;
  out?: string;
  json?: boolean;
  ndjson?: boolean;
}

function patternList(value: string): string[] {
  const names = commaList(value);
  for (const name of names) if (!(labPatterns as readonly string[]).includes(name)) throw new InvalidArgumentError(`"${name}" is not one of ${labPatterns.join(', ')}`);
  return names;
}

/** A progress bar redrawn in place on a terminal; a line per step where stderr is a file or a pipe. */
function progressOn(stream: NodeJS.WriteStream): (progress: LabProgress) => void {
  if (stream.isTTY) return (progress) => stream.write(`\r${progressBar(progress, 30)}\u001b[K${progress.done === progress.total ? '\n' : ''}`);
  return (progress) => stream.write(`${progressBar(progress, 30)}\n`);
}

const stamp = (iso: string) => iso.replace(/[:.]/g, '-');

async function runLabCommand(options: LabCommandOptions): Promise<void> {
  const emit = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  let labOptions;
  try {
    labOptions = checkLabOptions({
      guests: options.guests,
      paceMs: options.pace,
      durationS: options.duration,
      patterns: options.patterns as LabPattern[],
      seed: options.seed,
      rounds: options.rounds,
      requestSamples: options.requests,
      nodes: options.nodes,
      db: options.db,
      bus: options.bus,
      url: options.url,
    });
  } catch (error) {
    if (!(error instanceof LabOptionError)) throw error;
    if (options.ndjson || options.json) emit({ error: { code: 'usage', message: error.message } });
    else process.stderr.write(`error: ${error.message}\nSee: bistro lab --help\n`);
    process.exit(exitCodes.usage);
  }
  const interrupt = onInterrupt();
  const onProgress = options.ndjson ? (progress: LabProgress) => emit({ progress }) : progressOn(process.stderr);
  try {
    const result = await runLab(labOptions, { onProgress, signal: interrupt.signal });
    // With --ndjson the files are written only when asked for: the Lab page keeps its results in memory.
    const outDir = options.out ?? (options.ndjson ? undefined : 'lab-results');
    if (outDir !== undefined) {
      mkdirSync(outDir, { recursive: true });
      const base = join(outDir, `lab-${stamp(result.startedAt)}`);
      writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
      writeFileSync(`${base}.html`, htmlReport(result));
      if (!options.ndjson && !options.json) process.stderr.write(`Wrote ${resolve(`${base}.json`)}\n  and ${resolve(`${base}.html`)}\n`);
    }
    if (options.ndjson) emit({ result });
    else if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`${terminalTable(result, { color: process.stdout.isTTY })}\n`);
  } catch (error) {
    const message = interrupt.signal.aborted ? 'interrupted' : error instanceof Error ? error.message : String(error);
    if (options.ndjson || options.json) emit({ error: { message } });
    else process.stderr.write(`bistro lab: ${message}\n`);
    // 130 is how shells report an end by Ctrl-C.
    process.exitCode = interrupt.signal.aborted ? 130 : exitCodes.refused;
  } finally {
    interrupt.dispose();
  }
}

export function labCommand(program: Command): Command {
  const d = defaultLabOptions;
  return program
    .command('lab')
    .description('the Pattern Lab: one workload through every pattern, measured at the sockets; prints a table, writes JSON and an HTML report')
    .option('--guests <n>', 'guests per phase, each placing one order and waiting to learn it is ready', wholeNumber(...labBounds.guests), d.guests)
    .option('--pace <ms>', 'how long the auto kitchen leaves an order in each status (placed to ready is three steps)', wholeNumber(...labBounds.pace), d.paceMs)
    .option('--duration <s>', 'guests arrive over this many seconds, at seeded times', wholeNumber(...labBounds.duration), d.durationS)
    .option('--patterns <list>', `comma-separated, from ${labPatterns.join(', ')}`, patternList, [...d.patterns])
    .option('--seed <n>', 'the same seed gives the same workload: arrivals, dishes, adjustments, polling phases', wholeNumber(...labBounds.seed), d.seed)
    .option('--rounds <n>', 'rounds of every phase; the table quotes medians and each round range', wholeNumber(...labBounds.rounds), d.rounds)
    .option('--requests <n>', 'samples per question, request pattern and round on the request-response side (0: skip it)', wholeNumber(...labBounds.requests), d.requestSamples)
    .option('--nodes <n>', 'own nodes; more than 1 runs on PostgreSQL (--db) and Redis (--bus)', wholeNumber(...labBounds.nodes), d.nodes)
    .option('--db <url>', 'PostgreSQL for --nodes > 1 (a fresh schema, dropped after)', d.db)
    .option('--bus <url>', 'Redis for --nodes > 1', d.bus)
    .option('--url <url>', 'measure a running node instead of the lab’s own (its kitchen and limits are its own; no server CPU or memory)', httpUrl)
    .option('--out <dir>', 'where the JSON and HTML go (default: lab-results)')
    .option('--json', 'print the result as JSON instead of the table')
    .option('--ndjson', 'one JSON object per line: {"progress":…} while it runs, then {"result":…} (or {"error":…})')
    .addHelpText(
      'after',
      `
Examples:
  bistro lab                                   200 guests, every pattern, 3 rounds (a few minutes)
  bistro lab --guests 20 --pace 200 --duration 2 --rounds 1
  bistro lab --patterns sse,websocket,webhook --seed 7
  bistro lab --nodes 3                         three nodes on PostgreSQL and Redis`,
    )
    .action((options: LabCommandOptions) => runLabCommand(options));
}
