/**
 * The baseline of `scale.notify`: a raw Redis publish/subscribe hop between two ioredis clients,
 * each in its own process pinned where a Bistro node runs (the publisher as node A, the subscriber
 * as node B), so the bell's own path — node process → Redis → node process, on the same CPUs — is
 * what it measures. Each message carries its publish time from `process.hrtime` (CLOCK_MONOTONIC,
 * one clock for every process of the machine), and the subscriber reads the clock when the message
 * event fires. One JSON command per stdin line, one JSON answer per stdout line.
 */
import { Redis } from 'ioredis';
import { answerCommands, isMain } from './command-loop.ts';

export type PeerCommand =
  | { op: 'subscribe'; url: string; channel: string }
  /** Forget what arrived so far: a round starts. */
  | { op: 'start' }
  | { op: 'collect'; expected: number; timeoutMs: number; graceMs: number }
  | { op: 'publish'; url: string; channel: string; ratePerSecond: number; seconds: number }
  | { op: 'close' };

export interface CollectAnswer {
  /** Publish → message, ms, ascending. */
  latencyMs: number[];
  distinct: number;
  total: number;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let subscriber: Redis | undefined;
let publisher: Redis | undefined;
let arrived = new Map<number, number>();
let total = 0;

async function subscribe(url: string, channel: string): Promise<{ ok: true }> {
  subscriber = new Redis(url, { lazyConnect: true });
  await subscriber.connect();
  await subscriber.subscribe(channel);
  subscriber.on('message', (_from: string, message: string) => {
    const at = now();
    const [id, sentAt] = message.split(' ').map(Number);
    total++;
    if (id !== undefined && sentAt !== undefined && !arrived.has(id)) arrived.set(id, at - sentAt);
  });
  return { ok: true };
}

async function collect(expected: number, timeoutMs: number, graceMs: number): Promise<CollectAnswer> {
  const deadline = now() + timeoutMs;
  while (arrived.size < expected && now() < deadline) await delay(5);
  await delay(graceMs);
  const latencyMs = [...arrived.values()].map((value) => Math.round(value * 1000) / 1000).sort((a, b) => a - b);
  return { latencyMs, distinct: arrived.size, total };
}

/** At a steady rate, each message on its slot, as the client places orders. */
async function publish(url: string, channel: string, ratePerSecond: number, seconds: number): Promise<{ sent: number }> {
  if (!publisher) {
    publisher = new Redis(url, { lazyConnect: true });
    await publisher.connect();
  }
  const count = Math.max(1, Math.round(ratePerSecond * seconds));
  const interval = 1000 / ratePerSecond;
  const started = now();
  const sends: Promise<unknown>[] = [];
  for (let index = 0; index < count; index++) {
    const wait = started + index * interval - now();
    if (wait > 0) await delay(wait);
    sends.push(publisher.publish(channel, `${index} ${now()}`));
  }
  await Promise.all(sends);
  return { sent: count };
}

async function close(): Promise<void> {
  subscriber?.disconnect();
  publisher?.disconnect();
}

export async function handle(command: PeerCommand): Promise<unknown> {
  if (command.op === 'subscribe') return subscribe(command.url, command.channel);
  if (command.op === 'start') {
    arrived = new Map();
    total = 0;
    return { ok: true };
  }
  if (command.op === 'collect') return collect(command.expected, command.timeoutMs, command.graceMs);
  if (command.op === 'publish') return publish(command.url, command.channel, command.ratePerSecond, command.seconds);
  await close();
  return {};
}

if (isMain(import.meta.url)) answerCommands<PeerCommand>(handle, close);
