/**
 * One phase of the event-driven side: the plan's guests arrive, each places an order and waits to
 * learn it is ready through one pattern, on connections of its own counted by the phase's meter.
 * Sitting down and placing the order go through a set-up meter instead: every pattern pays them
 * alike, and they are not what a pattern costs.
 */
import { setMaxListeners } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { sleep } from '../../client/follow/resume.ts';
import { createClient, type BistroClient, type CloudEvent, type PushVia } from '../../client/node.ts';
import type { LabPattern, PatternRound, ServerCost } from './lab-result.ts';
import { measureServerCost, type LabTarget } from './lab-node.ts';
import { SocketMeter, type Connector, type MeterReading } from './socket-meter.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';
import { percentile } from './spread.ts';
import type { GuestPlan } from './workload-plan.ts';

/** How each pattern listens, through the client's `follow`; the webhook is the receiver's. */
const listening: Record<Exclude<LabPattern, 'webhook'>, { via: PushVia; intervalMs?: number }> = {
  'poll-1s': { via: 'poll', intervalMs: 1000 },
  'poll-5s': { via: 'poll', intervalMs: 5000 },
  'long-poll': { via: 'long-poll' },
  sse: { via: 'sse' },
  websocket: { via: 'ws' },
  'graphql-ws': { via: 'graphql-ws' },
};

/** Past ready, how long a guest may still go unanswered before it counts as missed. */
const graceMs = 15_000;
const setupConcurrency = 16;

export interface PhaseSettings {
  target: LabTarget;
  plan: readonly GuestPlan[];
  /** The kitchen's pace (for a `--url` node, as the lab was told): only how long the phase waits depends on it. */
  paceMs: number;
  receiver: WebhookReceiver;
  /** Counts the set-up traffic, so the run's totals hold every byte. */
  setupMeter: SocketMeter;
  signal?: AbortSignal | undefined;
}

export interface PhaseOutcome {
  round: PatternRound;
  /** The clients' own sockets to the nodes (not the receiver's): what a counter in front of the nodes saw. */
  clientWire: MeterReading;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T, index);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface SeatedGuest {
  plan: GuestPlan;
  url: string;
  token: string;
  setup: BistroClient;
}

/** Each guest sits down at its node before the phase's clock starts. */
async function seatGuests(settings: PhaseSettings, setupConnectors: Connector[]): Promise<SeatedGuest[]> {
  return pool(settings.plan, setupConcurrency, async (plan, index) => {
    const node = index % settings.target.urls.length;
    const url = settings.target.urls[node] ?? '';
    const connector = setupConnectors[node] as Connector;
    const anonymous = createClient({ url, fetch: connector.fetch, WebSocket: connector.WebSocket });
    const { token } = await anonymous.guests.register({ table: plan.table, name: `Lab guest ${index + 1}` });
    return { plan, url, token, setup: anonymous.withToken(token) };
  });
}

/** Listens until this order's ready event arrives; answers when the guest saw it (ms since the epoch). */
async function listenUntilReady(client: BistroClient, pattern: Exclude<LabPattern, 'webhook'>, after: string, subject: string, signal: AbortSignal): Promise<{ seenAt: number; event: CloudEvent } | undefined> {
  const { via, intervalMs } = listening[pattern];
  for await (const event of client.follow({ via, after, types: ['order.ready'], signal, ...(intervalMs ? { intervalMs } : {}), retry: { maxAttempts: 5 } })) {
    if (event.subject === subject) return { seenAt: Date.now(), event };
  }
  return undefined;
}

export async function runPhase(pattern: LabPattern | 'baseline', settings: PhaseSettings): Promise<PhaseOutcome> {
  const meter = new SocketMeter();
  // Bistro's connections to the receiver are counted apart, so the clients' own stay comparable with a counter in front of the nodes.
  const receiverMeter = new SocketMeter();
  const setupConnectors = settings.target.urls.map(() => settings.setupMeter.connector());
  const guests = await seatGuests(settings, setupConnectors);
  const first = guests[0];
  if (!first) throw new Error('a lab phase needs at least one guest');
  // Events after this cursor are the phase's; every node shares the one log, so one cursor serves all.
  const after = (await first.setup.events.list({ after: 'now', limit: 1 })).nextCursor;
  const { paceMs } = settings;
  const intervalMs = pattern === 'baseline' || pattern === 'webhook' ? 0 : (listening[pattern].intervalMs ?? 0);
  const lastArrival = settings.plan.at(-1)?.arrivesAfterMs ?? 0;
  const deadline = AbortSignal.any([AbortSignal.timeout(lastArrival + 3 * paceMs + intervalMs + graceMs), ...(settings.signal ? [settings.signal] : [])]);
  // Every guest waits on it at once: hundreds of listeners are the design, not a leak.
  setMaxListeners(0, deadline);
  if (pattern === 'webhook') settings.receiver.meterWith(receiverMeter);

  // From here on: seating the guests is the same for every pattern and none of its cost.
  const serverCost = measureServerCost(settings.target.pids);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuBefore = process.cpuUsage();
  const startedAt = Date.now();
  const endpoints: { guest: SeatedGuest; id: string }[] = [];
  let server: ServerCost = { cpuMs: null, peakRssBytes: null };
  let leftBehind: PromiseRejectedResult | undefined;
  const latencies: number[] = [];

  const runGuest = async (guest: SeatedGuest, index: number): Promise<void> => {
    await sleep(startedAt + guest.plan.arrivesAfterMs - Date.now(), deadline);
    if (pattern === 'baseline') {
      await guest.setup.orders.place({ items: [guest.plan.item] }, { idempotencyKey: randomUUID() });
      return;
    }
    const connector = meter.connector();
    const own = createClient({ url: guest.url, token: guest.token, fetch: connector.fetch, WebSocket: connector.WebSocket });
    try {
      if (pattern === 'webhook') {
        // The guest hands over its bell with the order: registering it is part of what the pattern costs.
        const path = `/bells/${index}`;
        const { id, secret } = await own.webhooks.create({ url: settings.receiver.url + path, types: ['order.ready'] });
        endpoints.push({ guest, id });
        const rung = new Promise<{ seenAt: number; event: CloudEvent }>((resolve) => settings.receiver.hang(path, { secret, ring: (event, seenAt) => resolve({ seenAt, event }) }));
        const order = await guest.setup.orders.place({ items: [guest.plan.item] }, { idempotencyKey: randomUUID() });
        const heard = await Promise.race([rung, new Promise<undefined>((resolve) => deadline.addEventListener('abort', () => resolve(undefined), { once: true }))]);
        settings.receiver.takeDown(path);
        if (heard && heard.event.subject === `orders/${order.id}`) latencies.push(heard.seenAt - Date.parse(heard.event.time));
        return;
      }
      const order = await guest.setup.orders.place({ items: [guest.plan.item] }, { idempotencyKey: randomUUID() });
      await sleep(guest.plan.pollPhase * intervalMs, deadline);
      const heard = await listenUntilReady(own, pattern, after, `orders/${order.id}`, deadline);
      if (heard) latencies.push(heard.seenAt - Date.parse(heard.event.time));
    } finally {
      await connector.close();
    }
  };

  try {
    await Promise.all(guests.map(runGuest));
    // The baseline has no one to tell it when the kitchen is done: it waits as long as the kitchen takes.
    if (pattern === 'baseline') await sleep(3 * paceMs + 500, deadline);
  } finally {
    loopDelay.disable();
    server = serverCost.stop();
    // Every bell is taken back before the set-up connections close: an endpoint left behind would
    // cost the node work on every later commit, and so every later phase.
    const removed = await Promise.allSettled(endpoints.map(({ guest, id }) => guest.setup.webhooks.delete({ id })));
    for (const connector of setupConnectors) await connector.close();
    settings.receiver.closeConnections();
    leftBehind = removed.find((outcome) => outcome.status === 'rejected');
    settings.receiver.meterWith(undefined);
  }
  if (leftBehind) throw new Error(`a guest's webhook endpoint could not be deleted: ${String(leftBehind.reason)}`);
  // Sockets report their final counts on `close`, a turn of the loop after they are ended.
  await delay(50);
  const cpu = process.cpuUsage(cpuBefore);
  const reading = meter.read();
  const received = receiverMeter.read();
  const updates = pattern === 'baseline' ? 0 : latencies.length;
  return {
    round: {
      updates,
      missed: pattern === 'baseline' ? 0 : guests.length - updates,
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
      requests: reading.requests,
      pushes: pattern === 'webhook' ? settings.receiver.deliveries : 0,
      bytesToServer: reading.bytesToServer + received.bytesToServer,
      bytesFromServer: reading.bytesFromServer + received.bytesFromServer,
      // Both peaks added: an upper bound when the guests' and the receiver's peaks fall apart in time.
      peakConnections: reading.peakConnections + received.peakConnections,
      clientCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      clientLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
      ...server,
    },
    clientWire: reading,
  };
}
