/** Configuration from flags and environment (flags win), validated, with every default and its unit. */
import { parseArgs } from 'node:util';

export interface Config {
  /** @default 3000 */
  port: number;
  /** @default 127.0.0.1 — `0.0.0.0` serves the network. */
  host: string;
  /** `sqlite:<file>` or `postgres://…`. @default sqlite:./bistro.db */
  db: string;
  /** `full` survives power loss; `normal` only a process crash. @default full */
  sqliteSynchronous: 'full' | 'normal';
  /** `memory`, `redis://…` or `postgres`. @default memory */
  bus: string;
  /** Generated and printed once at start when absent. */
  adminToken: string | undefined;
  /** @default auto */
  kitchen: 'auto' | 'manual';
  /** How long the auto kitchen leaves an order in each status. @default 3000 ms */
  kitchenPaceMs: number;
  /** @default 65536 bytes — an order of 50 items with notes fits many times over. */
  bodyLimitBytes: number;
  /** @default info */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

export class ConfigError extends Error {}

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return parsed;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

export function loadConfig(argv: string[] = [], env: NodeJS.ProcessEnv = process.env): Config {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      bus: { type: 'string' },
      kitchen: { type: 'string' },
    },
    strict: true,
  });
  const db = flags.db ?? env['BISTRO_DB'] ?? 'sqlite:./bistro.db';
  if (!db.startsWith('sqlite:') && !db.startsWith('postgres://') && !db.startsWith('postgresql://')) {
    throw new ConfigError(`BISTRO_DB must be sqlite:<file> or postgres://…, not "${db}"`);
  }
  return {
    port: integer('PORT', flags.port ?? env['PORT'], 3000, 0, 65535),
    host: flags.host ?? env['HOST'] ?? '127.0.0.1',
    db,
    sqliteSynchronous: oneOf('BISTRO_SQLITE_SYNCHRONOUS', env['BISTRO_SQLITE_SYNCHRONOUS'], ['full', 'normal'], 'full'),
    bus: flags.bus ?? env['BISTRO_BUS'] ?? 'memory',
    adminToken: env['BISTRO_ADMIN_TOKEN'] || undefined,
    kitchen: oneOf('BISTRO_KITCHEN', flags.kitchen ?? env['BISTRO_KITCHEN'], ['auto', 'manual'], 'auto'),
    kitchenPaceMs: integer('BISTRO_KITCHEN_PACE_MS', env['BISTRO_KITCHEN_PACE_MS'], 3000, 10, 3_600_000),
    bodyLimitBytes: integer('BISTRO_BODY_LIMIT_BYTES', env['BISTRO_BODY_LIMIT_BYTES'], 65_536, 1024, 10_485_760),
    logLevel: oneOf('BISTRO_LOG_LEVEL', env['BISTRO_LOG_LEVEL'], ['fatal', 'error', 'warn', 'info', 'debug', 'silent'], 'info'),
  };
}

/** The configuration as printed at start: secrets hidden. */
export function describeConfig(config: Config): Record<string, unknown> {
  return { ...config, db: config.db.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@'), adminToken: config.adminToken ? '***' : '(generated)' };
}
