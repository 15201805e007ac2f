/**
 * A complete, plausible LabResult with fixed numbers, for the reports' tests and the web UI's Lab page:
 * what a 200-guest run on a laptop looks like, so the outputs can be built and looked at without running the lab.
 */
import {
  labPatterns,
  labQuestions,
  patternLabels,
  requestVias,
  type LabPattern,
  type LabQuestion,
  type LabResult,
  type PatternRound,
  type PatternSummary,
  type QuestionRound,
  type QuestionSummary,
  type RequestVia,
  type ServerCost,
  type Spread,
} from '../../src/lab/lab-result.ts';

const guests = 200;
const MB = 1e6;
/** Each round is the typical round scaled by one of these, so ranges are visible but small. */
const roundFactors = [0.94, 1, 1.09];

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

interface Typical {
  p50: number;
  p95: number;
  p99: number;
  requestsPerUpdate: number;
  pushesPerUpdate: number;
  bytesUp: number;
  bytesDown: number;
  peakConnections: number;
  cpuMs: number;
  rssMb: number;
}

const typical: Record<LabPattern, Typical> = {
  'poll-1s': { p50: 502, p95: 951, p99: 992, requestsPerUpdate: 6.1, pushesPerUpdate: 0, bytesUp: 1480, bytesDown: 2210, peakConnections: 196, cpuMs: 4100, rssMb: 112 },
  'poll-5s': { p50: 2490, p95: 4760, p99: 4950, requestsPerUpdate: 1.8, pushesPerUpdate: 0, bytesUp: 430, bytesDown: 690, peakConnections: 188, cpuMs: 1650, rssMb: 104 },
  'long-poll': { p50: 3.1, p95: 6.4, p99: 11.2, requestsPerUpdate: 1.4, pushesPerUpdate: 0, bytesUp: 350, bytesDown: 610, peakConnections: 201, cpuMs: 1320, rssMb: 106 },
  sse: { p50: 1.9, p95: 4.1, p99: 7.8, requestsPerUpdate: 1, pushesPerUpdate: 0, bytesUp: 260, bytesDown: 540, peakConnections: 200, cpuMs: 1180, rssMb: 103 },
  websocket: { p50: 1.7, p95: 3.6, p99: 6.9, requestsPerUpdate: 2, pushesPerUpdate: 0, bytesUp: 390, bytesDown: 470, peakConnections: 200, cpuMs: 1210, rssMb: 105 },
  'graphql-ws': { p50: 2.2, p95: 4.8, p99: 9.1, requestsPerUpdate: 3, pushesPerUpdate: 0, bytesUp: 620, bytesDown: 580, peakConnections: 200, cpuMs: 1390, rssMb: 109 },
  webhook: { p50: 10.4, p95: 18.7, p99: 27.5, requestsPerUpdate: 0.25, pushesPerUpdate: 1, bytesUp: 210, bytesDown: 820, peakConnections: 24, cpuMs: 1480, rssMb: 101 },
};

function patternRound(t: Typical, factor: number): PatternRound {
  const updates = guests;
  return {
    updates,
    missed: 0,
    latencyMs: { p50: round(t.p50 * factor, 1), p95: round(t.p95 * factor, 1), p99: round(t.p99 * factor, 1) },
    requests: Math.round(t.requestsPerUpdate * factor * updates),
    pushes: Math.round(t.pushesPerUpdate * updates),
    bytesToServer: Math.round(t.bytesUp * factor * updates),
    bytesFromServer: Math.round(t.bytesDown * factor * updates),
    peakConnections: Math.round(t.peakConnections * (factor > 1 ? 1 : factor)),
    cpuMs: Math.round(t.cpuMs * factor),
    peakRssBytes: Math.round(t.rssMb * factor * MB),
    clientCpuMs: Math.round(t.cpuMs * 0.8 * factor),
    clientLoopDelayP99Ms: round(12 * factor, 1),
  };
}

function patternSummary(pattern: LabPattern): PatternSummary {
  const t = typical[pattern];
  const rounds = roundFactors.map((factor) => patternRound(t, factor));
  const per = (pick: (r: PatternRound) => number) => spread(rounds.map((r) => round(pick(r) / r.updates, 2)));
  return {
    pattern,
    label: patternLabels[pattern],
    rounds,
    latencyMs: {
      p50: spread(rounds.map((r) => r.latencyMs.p50)),
      p95: spread(rounds.map((r) => r.latencyMs.p95)),
      p99: spread(rounds.map((r) => r.latencyMs.p99)),
    },
    requestsPerUpdate: per((r) => r.requests + r.pushes),
    bytesToServerPerUpdate: per((r) => r.bytesToServer),
    bytesFromServerPerUpdate: per((r) => r.bytesFromServer),
    peakConnections: spread(rounds.map((r) => r.peakConnections)),
    serverCpuMs: spread(rounds.map((r) => r.cpuMs ?? 0)),
    serverPeakRssBytes: spread(rounds.map((r) => r.peakRssBytes ?? 0)),
  };
}

/** The sample order has three dishes, so REST asks once for the order and once per dish. */
const dishes = 3;
const questionTypical: Record<LabQuestion, Record<RequestVia, { p50: number; roundTrips: number; up: number; down: number; unasked: number | null }>> = {
  status: {
    rest: { p50: 1.1, roundTrips: 1, up: 190, down: 720, unasked: 540 },
    rpc: { p50: 0.9, roundTrips: 1, up: 150, down: 760, unasked: 560 },
    graphql: { p50: 1.4, roundTrips: 1, up: 260, down: 210, unasked: 0 },
  },
  'order-with-ingredients': {
    rest: { p50: 4.6, roundTrips: 1 + dishes, up: 190 * (1 + dishes), down: 2900, unasked: 1650 },
    rpc: { p50: 3.8, roundTrips: 1 + dishes, up: 160 * (1 + dishes), down: 2750, unasked: 1500 },
    graphql: { p50: 2.3, roundTrips: 1, up: 340, down: 980, unasked: 0 },
  },
  'place-order': {
    rest: { p50: 2.9, roundTrips: 1, up: 420, down: 780, unasked: null },
    rpc: { p50: 2.6, roundTrips: 1, up: 380, down: 800, unasked: null },
    graphql: { p50: 3.2, roundTrips: 1, up: 510, down: 640, unasked: null },
  },
};

function questionSummary(question: LabQuestion, via: RequestVia): QuestionSummary {
  const t = questionTypical[question][via];
  const rounds: QuestionRound[] = roundFactors.map((factor) => ({
    latencyMs: { p50: round(t.p50 * factor, 2), p99: round(t.p50 * 3.2 * factor, 2) },
    roundTrips: t.roundTrips,
    bytesToServer: Math.round(t.up * (factor > 1 ? 1.01 : 1)),
    bytesFromServer: Math.round(t.down * (factor > 1 ? 1.01 : 1)),
    samples: 100,
  }));
  return {
    question,
    via,
    rounds,
    latencyMs: { p50: spread(rounds.map((r) => r.latencyMs.p50)), p99: spread(rounds.map((r) => r.latencyMs.p99)) },
    roundTrips: t.roundTrips,
    bytesToServer: spread(rounds.map((r) => r.bytesToServer)),
    bytesFromServer: spread(rounds.map((r) => r.bytesFromServer)),
    unaskedBodyBytes: t.unasked,
  };
}

export function sampleLabResult(): LabResult {
  const baselineRounds: ServerCost[] = roundFactors.map((factor) => ({
    cpuMs: Math.round(880 * factor),
    peakRssBytes: Math.round(96 * factor * MB),
  }));
  const patterns = labPatterns.map(patternSummary);
  const requestResponse = labQuestions.flatMap((question) => requestVias.map((via) => questionSummary(question, via)));
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    version: 1,
    startedAt: '2025-06-02T09:00:00.000Z',
    finishedAt: '2025-06-02T09:14:30.000Z',
    settings: {
      guests,
      paceMs: 2000,
      durationS: 30,
      patterns: [...labPatterns],
      seed: 42,
      rounds: roundFactors.length,
      requestSamples: 100,
      nodes: 1,
      url: null,
    },
    machine: { cpus: 8, node: 'v20.19.2', platform: 'linux x64', pinned: false, pinnedNote: 'not pinned: lab and node share the 8 cores' },
    target: { kind: 'own-node', database: 'sqlite (temporary file)', url: 'http://127.0.0.1:41234' },
    baseline: {
      rounds: baselineRounds,
      serverCpuMs: spread(baselineRounds.map((r) => r.cpuMs ?? 0)),
      serverPeakRssBytes: spread(baselineRounds.map((r) => r.peakRssBytes ?? 0)),
    },
    patterns,
    requestResponse,
    totals: {
      bytesToServer: sum(patterns.flatMap((p) => p.rounds.map((r) => r.bytesToServer))),
      bytesFromServer: sum(patterns.flatMap((p) => p.rounds.map((r) => r.bytesFromServer))),
      connections: 4215,
    },
  };
}
