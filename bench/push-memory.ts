/**
 * Memory per open push connection: a fresh server every round and side, warmed with a few
 * connections of the kind, its memory read after a forced GC, then `connections` opened and held
 * (parked long polls, SSE streams, subscribed idle WebSockets), memory read again; the growth
 * divided by the connections opened. A fresh process each time, so no round inherits another's
 * heap.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopProcess } from './processes.ts';
import {
  connectionsAllowed,
  probeMemory,
  recordFrames,
  roundOrder,
  startPushBaseline,
  startPushBistro,
  toPushResult,
  type PushClients,
  type PushOptions,
  type PushResult,
  type PushRound,
  type PushServer,
} from './push-harness.ts';
import type { PushFrames } from './push-frames.ts';
import type { PushBaseline, PushBenchmark } from './suites.ts';

/** Connections opened and closed before the first reading, so code loaded on first use is not charged per connection. */
const warmConnections = 20;
/** Time for the server to finish setting up what the last connections asked for before memory is read. */
const settleMs = 1000;

async function memoryRound(clients: PushClients, start: () => Promise<PushServer>, benchmark: PushBenchmark, connections: number): Promise<PushRound> {
  const server = await start();
  try {
    await clients.open({ kind: benchmark.client, url: server.url, count: warmConnections, after: await server.after() });
    await clients.closeAll();
    await sleep(settleMs / 2);
    const before = await probeMemory(server.child);
    const opened = await clients.open({ kind: benchmark.client, url: server.url, count: connections, after: await server.after() });
    if (opened.opened < connections) throw new Error(`${opened.opened} of ${connections} ${benchmark.client} connections opened: ${opened.firstError ?? 'unknown'}`);
    await sleep(settleMs);
    const after = await probeMemory(server.child);
    const { dropped } = await clients.closeAll();
    const perConnection = (bytes: number) => Math.round(bytes / Math.max(1, opened.opened));
    return {
      rssBytesPerConnection: perConnection(after.rss - before.rss),
      heapBytesPerConnection: perConnection(after.heapUsed - before.heapUsed),
      externalBytesPerConnection: perConnection(after.external - before.external),
      rssBeforeBytes: before.rss,
      rssAfterBytes: after.rss,
      opened: opened.opened,
      openMs: opened.openMs,
      failures: connections - opened.opened + dropped,
    };
  } finally {
    await clients.closeAll();
    await stopProcess(server.child);
  }
}

export async function runMemoryBenchmark(benchmark: PushBenchmark, clients: PushClients, options: PushOptions): Promise<PushResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-bench-push-'));
  const adminToken = `bench-admin-${randomUUID()}`;
  const warnings: string[] = [];
  const requested = options.connections ?? benchmark.connections;
  const connections = connectionsAllowed(requested, warnings);
  try {
    const startBistro = () => startPushBistro(dir, adminToken, benchmark.env, options.profileDir);
    let frames: PushFrames;
    const recorder = await startBistro();
    try {
      frames = await recordFrames(clients, recorder, benchmark.client);
    } finally {
      await stopProcess(recorder.child);
    }
    const baselines = benchmark.baselines.map((baseline: PushBaseline) => ({ baseline, start: () => startPushBaseline(baseline.kind, frames), rounds: [] as PushRound[] }));
    const subjectRounds: PushRound[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const side of roundOrder(baselines, round)) {
        if (side === 'subject') subjectRounds.push(await memoryRound(clients, startBistro, benchmark, connections));
        else side.rounds.push(await memoryRound(clients, side.start, benchmark, connections));
      }
      const line = (name: string, each: PushRound | undefined) => `${name} ${each?.['rssBytesPerConnection'] ?? 0} B RSS, ${each?.['heapBytesPerConnection'] ?? 0} B heap per connection`;
      options.log(`  round ${round + 1}/${options.rounds}: ${[line('bistro', subjectRounds.at(-1)), ...baselines.map((each) => line(each.baseline.kind, each.rounds.at(-1)))].join(', ')}`);
    }
    return toPushResult(benchmark, { connections, requested, warnings, subjectRounds, baselines });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
