/**
 * A whole lab run, by the bench's rules: the baseline and every pattern in the same run, each
 * round taking them in turn (reversed every other round, so drift hits all alike), medians of
 * rounds with each round's range as the noise.
 */
import { cpus } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { createClient } from '../../client/node.ts';
import { runPhase } from './event-workload.ts';
import { pinLabProcess, startLabTarget } from './lab-node.ts';
import type { LabOptions } from './lab-options.ts';
import { labQuestions, patternLabels, requestVias, type LabPattern, type LabProgress, type LabResult, type PatternRound, type PatternSummary, type ServerCost, type Spread } from './lab-result.ts';
import { SocketMeter, type MeterReading } from './socket-meter.ts';
import { WebhookReceiver } from './webhook-receiver.ts';
import { measureRequestResponse } from './request-response.ts';
import { spreadOf } from './spread.ts';
import { planWorkload } from './workload-plan.ts';

export interface LabHooks {
  onProgress?(progress: LabProgress): void;
  signal?: AbortSignal | undefined;
}

/** A spread of values every round has; null when any round could not measure it. */
function knownSpread(values: readonly (number | null)[]): Spread | null {
  return values.length > 0 && values.every((value) => value !== null) ? spreadOf(values) : null;
}

function summarisePattern(pattern: LabPattern, rounds: PatternRound[]): PatternSummary {
  const perUpdate = (value: (round: PatternRound) => number) => spreadOf(rounds.map((round) => (round.updates > 0 ? value(round) / round.updates : Number.NaN)));
  return {
    pattern,
    label: patternLabels[pattern],
    rounds,
    latencyMs: { p50: spreadOf(rounds.map((round) => round.latencyMs.p50)), p95: spreadOf(rounds.map((round) => round.latencyMs.p95)), p99: spreadOf(rounds.map((round) => round.latencyMs.p99)) },
    requestsPerUpdate: perUpdate((round) => round.requests + round.pushes),
    bytesToServerPerUpdate: perUpdate((round) => round.bytesToServer),
    bytesFromServerPerUpdate: perUpdate((round) => round.bytesFromServer),
    peakConnections: spreadOf(rounds.map((round) => round.peakConnections)),
    serverCpuMs: knownSpread(rounds.map((round) => round.cpuMs)),
    serverPeakRssBytes: knownSpread(rounds.map((round) => round.peakRssBytes)),
  };
}

export async function runLab(options: LabOptions, hooks: LabHooks = {}): Promise<LabResult> {
  const startedAt = new Date().toISOString();
  const pinning = options.url === undefined ? pinLabProcess() : { pinned: false, note: 'the node is not the lab’s own (--url): nothing is pinned' };
  const target = await startLabTarget(options, pinning);
  const receiver = await WebhookReceiver.start();
  const setupMeter = new SocketMeter();
  const wire = { bytesToServer: 0, bytesFromServer: 0, connections: 0 };
  const addWire = (reading: MeterReading) => {
    wire.bytesToServer += reading.bytesToServer;
    wire.bytesFromServer += reading.bytesFromServer;
    wire.connections += reading.connections;
  };
  try {
    const setup = setupMeter.connector();
    const menu = await createClient({ url: target.urls[0] ?? '', fetch: setup.fetch, WebSocket: setup.WebSocket }).menu.list();
    await setup.close();
    const plan = planWorkload(options.seed, options.guests, options.durationS, menu.items);
    const phases: (LabPattern | 'baseline')[] = ['baseline', ...options.patterns];
    const questionSteps = options.requestSamples > 0 ? options.rounds * labQuestions.length * requestVias.length : 0;
    const total = options.rounds * phases.length + questionSteps;
    let done = 0;
    const rounds = new Map<LabPattern, PatternRound[]>(options.patterns.map((pattern) => [pattern, []]));
    const baseline: ServerCost[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      const order = round % 2 === 1 ? phases : [...phases].reverse();
      for (const phase of order) {
        hooks.signal?.throwIfAborted();
        hooks.onProgress?.({ done, total, step: `${phase}, round ${round} of ${options.rounds}` });
        const outcome = await runPhase(phase, { target, plan, paceMs: options.paceMs, receiver, setupMeter, signal: hooks.signal });
        addWire(outcome.clientWire);
        if (phase === 'baseline') baseline.push({ cpuMs: outcome.round.cpuMs, peakRssBytes: outcome.round.peakRssBytes });
        else rounds.get(phase)?.push(outcome.round);
        if (phase === 'webhook' && receiver.refused > 0) throw new Error(`${receiver.refused} webhook deliveries failed their signature check or named no bell`);
        done += 1;
        // The kitchen still serves the phase's ready orders: let it, so the next phase is not charged for them.
        await delay(options.paceMs + 300);
      }
    }
    const requestResponse =
      options.requestSamples > 0
        ? await measureRequestResponse(
            { url: target.urls[0] ?? '' },
            { samples: options.requestSamples, rounds: options.rounds, seed: options.seed, signal: hooks.signal, onReading: addWire, onSetupReading: addWire },
            (step) => hooks.onProgress?.({ done: done++, total, step }),
          )
        : [];
    hooks.onProgress?.({ done: total, total, step: 'done' });
    addWire(setupMeter.read());
    return {
      version: 1,
      startedAt,
      finishedAt: new Date().toISOString(),
      settings: {
        guests: options.guests,
        paceMs: options.url === undefined ? options.paceMs : null,
        durationS: options.durationS,
        patterns: options.patterns,
        seed: options.seed,
        rounds: options.rounds,
        requestSamples: options.requestSamples,
        nodes: options.url === undefined ? options.nodes : 1,
        url: options.url ?? null,
      },
      // The machine's CPUs: availableParallelism() would say 1 once the lab is pinned.
      machine: { cpus: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}`, pinned: pinning.pinned, pinnedNote: pinning.note },
      target: { kind: target.kind, database: target.database, url: target.urls.join(' ') },
      baseline: { rounds: baseline, serverCpuMs: knownSpread(baseline.map((cost) => cost.cpuMs)), serverPeakRssBytes: knownSpread(baseline.map((cost) => cost.peakRssBytes)) },
      patterns: options.patterns.map((pattern) => summarisePattern(pattern, rounds.get(pattern) ?? [])),
      requestResponse,
      totals: wire,
    };
  } finally {
    await receiver.close();
    await target.close();
  }
}
