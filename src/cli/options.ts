/**
 * The flags every client command shares: where the node is (`--url`, else BISTRO_URL), who is
 * asking (`--token`, else BISTRO_TOKEN) and how to answer (`--json`); and the client they make.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createClient, type BistroClient } from '../../client/node.ts';
import type { RequestVia } from '../../client/types.ts';
import { UsageError } from './exit-codes.ts';

export const defaultUrl = 'http://127.0.0.1:3000';

export interface ConnectionOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

/** Adds --url, --token and --json to a command (each command lists them in its own --help). */
export function withConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', `the node to talk to (default: $BISTRO_URL or ${defaultUrl})`).argParser(httpUrl))
    .addOption(new Option('--token <token>', 'a guest token or staff key (default: $BISTRO_TOKEN)'))
    .option('--json', 'print JSON for scripts: one object, or one per line for streams');
}

export const requestVias: readonly RequestVia[] = ['rest', 'rpc', 'graphql'];

/** `--via rest|rpc|graphql`: which request-response pattern carries the calls. */
export function viaOption(): Option {
  return new Option('--via <pattern>', 'the pattern the calls go through').choices(requestVias).default('rest');
}

export interface Connection {
  url: string;
  token: string | undefined;
}

/** Flags win over the environment; an empty variable counts as unset. */
export function connectionOf(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Connection {
  const fromEnv = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const fromFlag = options.url;
  const url = fromFlag ?? fromEnv('BISTRO_URL') ?? defaultUrl;
  try {
    return { url: httpUrl(url), token: options.token ?? fromEnv('BISTRO_TOKEN') };
  } catch (error) {
    throw new UsageError(`BISTRO_URL: ${(error as Error).message}`);
  }
}

export function clientOf(connection: Connection, via: RequestVia = 'rest'): BistroClient {
  return createClient({ url: connection.url, token: connection.token, via });
}

/** Commander argument parser: an http(s) URL, so a typo is a usage error rather than a failed connection. */
export function httpUrl(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL; try http://127.0.0.1:3000`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidArgumentError(`"${value}" is not an http(s) URL`);
  return value.replace(/\/+$/, '');
}

/** Commander argument parser for counts, ports, tables and cursors-as-numbers. */
export function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return parsed;
  };
}

/** `a,b , c` → `['a', 'b', 'c']`. */
export function commaList(value: string): string[] {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) throw new InvalidArgumentError('give at least one, separated by commas');
  return items;
}
