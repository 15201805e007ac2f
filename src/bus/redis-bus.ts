/**
 * The doorbell over Redis pub/sub (ioredis): one connection publishes, one subscribes. A bell is
 * the sequence as text on one channel per database, so nodes of another deployment on the same
 * Redis never ring each other. While Redis is away ioredis reconnects on its own; the core's
 * catch-up timer keeps the nodes current meanwhile.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Bus } from '../core/bus.ts';

export interface RedisBusOptions {
  /** `redis://host:port`. */
  url: string;
  /** What the nodes share (the database URL and schema): the channel is derived from it. */
  deployment: string;
  logError: (error: unknown, where: string) => void;
}

export async function createRedisBus({ url, deployment, logError }: RedisBusOptions): Promise<Bus> {
  const channel = `bistro:log:${createHash('sha256').update(deployment).digest('hex').slice(0, 16)}`;
  // A command while Redis is away fails at once instead of queueing up: the bell is best effort.
  const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 } as const;
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, { ...options, enableOfflineQueue: true });
  let lastError = 0;
  const report = (error: unknown, where: string) => {
    // One line per ten seconds while Redis is away, not one per bell.
    if (Date.now() - lastError < 10_000) return;
    lastError = Date.now();
    logError(error, where);
  };
  publisher.on('error', (error) => report(error, 'bus: publishing'));
  subscriber.on('error', (error) => report(error, 'bus: subscribing'));
  await Promise.all([publisher.connect(), subscriber.connect()]);
  await subscriber.subscribe(channel);
  const listeners: ((sequence: number) => void)[] = [];
  subscriber.on('message', (from: string, message: string) => {
    const sequence = Number(message);
    if (from !== channel || !Number.isSafeInteger(sequence)) return;
    for (const listener of listeners) listener(sequence);
  });
  return {
    announce(sequence) {
      publisher.publish(channel, String(sequence)).catch((error: unknown) => report(error, 'bus: publishing'));
    },
    onRing(listener) {
      listeners.push(listener);
    },
    async close() {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
