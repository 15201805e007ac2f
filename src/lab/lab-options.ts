/** What a lab run can be asked to do, with its defaults and bounds, checked in one place. */
import { labPatterns, type LabPattern } from './lab-result.ts';

export interface LabOptions {
  /** Guests per phase; each places one order and waits to learn it is ready. */
  guests: number;
  /**
   * How long the auto kitchen leaves an order in each status (placed → ready is three steps). With
   * `url`, the node's own pace as far as the lab knows: it only sets how long a phase waits.
   */
  paceMs: number;
  /** Guests arrive over this many seconds, at seeded times. */
  durationS: number;
  patterns: LabPattern[];
  /** Seeds arrivals, dishes, adjustments and polling phases: the same seed, the same workload. */
  seed: number;
  rounds: number;
  /** Samples per question, request pattern and round on the request-response side (0 skips it). */
  requestSamples: number;
  /** Own nodes: 1 on a temporary SQLite file, more on PostgreSQL and Redis (`db`, `bus`). */
  nodes: number;
  db: string;
  bus: string;
  /** A running node instead of the lab's own: its kitchen, pace and limits are its own. */
  url: string | undefined;
}

export const defaultLabOptions: LabOptions = {
  guests: 200,
  paceMs: 1000,
  durationS: 10,
  patterns: [...labPatterns],
  seed: 1,
  rounds: 3,
  requestSamples: 50,
  nodes: 1,
  db: 'postgres://postgres@127.0.0.1:5432/test',
  bus: 'redis://127.0.0.1:6379',
  url: undefined,
};

export class LabOptionError extends Error {}

/** Each number's least and greatest value, by flag: the command line parses with them and `checkLabOptions` checks them. */
export const labBounds = {
  guests: [1, 10_000],
  pace: [10, 60_000],
  duration: [0, 3600],
  seed: [0, 2 ** 32 - 1],
  rounds: [1, 50],
  requests: [0, 10_000],
  nodes: [1, 16],
} as const satisfies Record<string, readonly [number, number]>;

function whole(flag: keyof typeof labBounds, value: number): number {
  const [min, max] = labBounds[flag];
  if (!Number.isInteger(value) || value < min || value > max) throw new LabOptionError(`--${flag} must be a whole number from ${min} to ${max}, not ${String(value)}`);
  return value;
}

/** Checks every bound; the message names the flag, as a person typed it. */
export function checkLabOptions(given: Partial<LabOptions>): LabOptions {
  const options = { ...defaultLabOptions, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
  whole('guests', options.guests);
  whole('pace', options.paceMs);
  whole('duration', options.durationS);
  whole('seed', options.seed);
  whole('rounds', options.rounds);
  whole('requests', options.requestSamples);
  whole('nodes', options.nodes);
  if (options.patterns.length === 0) throw new LabOptionError(`--patterns must name at least one of ${labPatterns.join(', ')}`);
  for (const pattern of options.patterns) {
    if (!labPatterns.includes(pattern)) throw new LabOptionError(`--patterns: "${pattern}" is not one of ${labPatterns.join(', ')}`);
  }
  // Run order is the catalogue's, whatever order they were named in, so runs compare.
  options.patterns = labPatterns.filter((pattern) => options.patterns.includes(pattern));
  if (options.nodes > 1 && options.url !== undefined) throw new LabOptionError('--nodes starts the lab\'s own nodes; it cannot be used with --url');
  if (options.nodes > 1 && !/^postgres(ql)?:\/\//.test(options.db)) throw new LabOptionError(`--nodes ${options.nodes} needs PostgreSQL (--db postgres://…): SQLite is one node's database`);
  if (options.url !== undefined && !/^https?:\/\/[^/]+/.test(options.url)) throw new LabOptionError(`--url must be http(s)://host:port, not "${options.url}"`);
  return options;
}
