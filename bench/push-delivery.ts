/**
 * Push delivery benchmarks (broadcast and wake latency): a group of connections subscribed on one
 * server, then one event at a time — Bistro commits a menu change, a baseline gets `POST /trigger`
 * — timed from sending the trigger to each connection reading the event. A round opens the group,
 * fires once to warm up, fires `fires` times measured, and closes it; sides take turns every round.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds, stopProcess } from './processes.ts';
import type { ClientKind } from './push-clients.ts';
import {
  connectionsAllowed,
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
import type { PushBaseline, PushBenchmark } from './suites.ts';
import { percentile } from './bench-http.ts';

const middle = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

async function deliveryRound(clients: PushClients, server: PushServer, kind: ClientKind, connections: number, fires: number): Promise<PushRound> {
  const opened = await clients.open({ kind, url: server.url, count: connections, after: await server.after() });
  try {
    // Every connection or none: a server refusing some (a connection limit) would make its broadcast look cheap.
    if (opened.opened < connections) throw new Error(`${opened.opened} of ${connections} ${kind} connections opened: ${opened.firstError ?? 'unknown'}`);
    await clients.fire(server.url, server.trigger());
    const latencies: number[] = [];
    const spans: number[] = [];
    const triggers: number[] = [];
    const clientCpu: number[] = [];
    let missing = 0;
    let badTriggers = 0;
    const cpuBefore = cpuSeconds(server.child.pid);
    for (let fire = 0; fire < fires; fire++) {
      const answer = await clients.fire(server.url, server.trigger());
      latencies.push(...answer.latenciesMs);
      spans.push(answer.spanMs);
      triggers.push(answer.triggerMs);
      clientCpu.push(answer.clientCpu);
      missing += answer.missing;
      if (answer.triggerStatus < 200 || answer.triggerStatus > 299) badTriggers++;
    }
    const cpuAfter = cpuSeconds(server.child.pid);
    const { dropped } = await clients.closeAll();
    latencies.sort((a, b) => a - b);
    const spanSeconds = spans.reduce((sum, span) => sum + span, 0) / 1000;
    return {
      deliveriesPerSecond: Math.round(latencies.length / Math.max(spanSeconds, 1e-6)),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      triggerMs: middle(triggers),
      clientCpu: middle(clientCpu),
      serverCpuUsPerDelivery: cpuBefore === null || cpuAfter === null ? null : Math.round(((cpuAfter - cpuBefore) * 1e6) / Math.max(1, latencies.length)),
      opened: opened.opened,
      openMs: opened.openMs,
      failures: connections - opened.opened + missing + dropped + badTriggers,
    };
  } catch (error) {
    await clients.closeAll();
    throw error;
  }
}

export async function runDeliveryBenchmark(benchmark: PushBenchmark, clients: PushClients, options: PushOptions): Promise<PushResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-bench-push-'));
  const servers: PushServer[] = [];
  const warnings: string[] = [];
  const requested = options.connections ?? benchmark.connections;
  const connections = connectionsAllowed(requested, warnings);
  const fires = benchmark.fires ?? 5;
  try {
    const bistro = await startPushBistro(dir, `bench-admin-${randomUUID()}`, benchmark.env, options.profileDir);
    servers.push(bistro);
    const frames = await recordFrames(clients, bistro, benchmark.client);
    const baselines: { baseline: PushBaseline; server: PushServer; rounds: PushRound[] }[] = [];
    for (const baseline of benchmark.baselines) {
      const server = await startPushBaseline(baseline.kind, frames);
      servers.push(server);
      baselines.push({ baseline, server, rounds: [] });
    }
    const subjectRounds: PushRound[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const side of roundOrder(baselines, round)) {
        if (side === 'subject') subjectRounds.push(await deliveryRound(clients, bistro, benchmark.client, connections, fires));
        else side.rounds.push(await deliveryRound(clients, side.server, side.baseline.kind === 'socketio' ? 'socketio' : benchmark.client, connections, fires));
      }
      const line = (name: string, each: PushRound | undefined) => `${name} ${each?.['deliveriesPerSecond'] ?? 0}/s p50 ${each?.['p50Ms'] ?? 0} p99 ${each?.['p99Ms'] ?? 0} ms`;
      options.log(`  round ${round + 1}/${options.rounds}: ${[line('bistro', subjectRounds.at(-1)), ...baselines.map((each) => line(each.baseline.kind, each.rounds.at(-1)))].join(', ')}`);
    }
    return toPushResult(benchmark, { connections, requested, warnings, subjectRounds, baselines });
  } finally {
    await Promise.all(servers.map((server) => stopProcess(server.child)));
    rmSync(dir, { recursive: true, force: true });
  }
}
