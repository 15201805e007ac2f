/**
 * What a Pattern Lab run produces: the JSON file, and what the terminal table, the HTML report and
 * the web UI's Lab page are drawn from. Nothing here may import Node.js: the web UI reads it too.
 */

/** The event-driven patterns, in the order they run and are shown. */
export const labPatterns = ['poll-1s', 'poll-5s', 'long-poll', 'sse', 'websocket', 'graphql-ws', 'webhook'] as const;
export type LabPattern = (typeof labPatterns)[number];

export const patternLabels: Readonly<Record<LabPattern, string>> = {
  'poll-1s': 'Short polling, every 1 s',
  'poll-5s': 'Short polling, every 5 s',
  'long-poll': 'Long polling',
  sse: 'Server-Sent Events',
  websocket: 'WebSocket (JSON-RPC)',
  'graphql-ws': 'GraphQL subscription',
  webhook: 'Webhook',
};

/** The request-response side: three questions, each asked through the three request patterns. */
export const labQuestions = ['status', 'order-with-ingredients', 'place-order'] as const;
export type LabQuestion = (typeof labQuestions)[number];
export const questionLabels: Readonly<Record<LabQuestion, string>> = {
  status: 'What is my order’s status?',
  'order-with-ingredients': 'My order with each dish’s ingredients',
  'place-order': 'Place an order (with an idempotency key)',
};
export const requestVias = ['rest', 'rpc', 'graphql'] as const;
export type RequestVia = (typeof requestVias)[number];
export const viaLabels: Readonly<Record<RequestVia, string>> = { rest: 'REST', rpc: 'JSON-RPC', graphql: 'GraphQL' };

/** A measure over rounds: the median, and the least and greatest round as its noise. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Server cost over one phase; null where the lab cannot see the node's process (`--url`). */
export interface ServerCost {
  /** CPU time (user + system) of every node process during the phase. */
  cpuMs: number | null;
  /** The largest resident set seen during the phase, summed over nodes. */
  peakRssBytes: number | null;
}

/** One round of one event-driven pattern. */
export interface PatternRound extends ServerCost {
  /** Guests who learnt their order was ready (the useful updates). */
  updates: number;
  /** Guests who never learnt it before the round's deadline. */
  missed: number;
  /** Commit of `order.ready` to the client seeing it, over every update. */
  latencyMs: { p50: number; p95: number; p99: number };
  /** What the clients sent: HTTP requests and WebSocket messages (a webhook's registration counts; its deliveries are `pushes`). */
  requests: number;
  /** Requests that the server started: webhook deliveries (0 for the others). */
  pushes: number;
  /** Bytes written by clients into sockets to the server (for webhooks: also the receiver's answers). */
  bytesToServer: number;
  /** Bytes the server wrote into sockets to clients (for webhooks: also the deliveries). */
  bytesFromServer: number;
  peakConnections: number;
  /** The lab's own CPU time during the phase, and its event loop's worst delay (p99): a busy lab would show here, not as a slow pattern. */
  clientCpuMs: number;
  clientLoopDelayP99Ms: number;
}

export interface PatternSummary {
  pattern: LabPattern;
  label: string;
  rounds: PatternRound[];
  latencyMs: { p50: Spread; p95: Spread; p99: Spread };
  /** (requests + pushes) ÷ updates. */
  requestsPerUpdate: Spread;
  bytesToServerPerUpdate: Spread;
  bytesFromServerPerUpdate: Spread;
  peakConnections: Spread;
  serverCpuMs: Spread | null;
  serverPeakRssBytes: Spread | null;
}

/** One question through one request pattern, one round. */
export interface QuestionRound {
  /** Over every sample of the round. */
  latencyMs: { p50: number; p99: number };
  /** Requests one answer takes (under-fetching shows as more than one). */
  roundTrips: number;
  /** Per answer, counted at the sockets. */
  bytesToServer: number;
  bytesFromServer: number;
  samples: number;
}

export interface QuestionSummary {
  question: LabQuestion;
  via: RequestVia;
  rounds: QuestionRound[];
  latencyMs: { p50: Spread; p99: Spread };
  roundTrips: number;
  bytesToServer: Spread;
  bytesFromServer: Spread;
  /** Bytes of the answer's body that the question did not ask for (over-fetching), where the lab can tell. */
  unaskedBodyBytes: number | null;
}

export interface LabSettings {
  guests: number;
  /** How long the auto kitchen leaves an order in each status (null: the `--url` node's own). */
  paceMs: number | null;
  /** Guests arrive over this window, at seeded times. */
  durationS: number;
  patterns: LabPattern[];
  seed: number;
  rounds: number;
  /** Samples per question, pattern and round on the request-response side (0: that side is skipped). */
  requestSamples: number;
  nodes: number;
  url: string | null;
}

export interface LabResult {
  version: 1;
  startedAt: string;
  finishedAt: string;
  settings: LabSettings;
  machine: { cpus: number; node: string; platform: string; pinned: boolean; pinnedNote: string | null };
  target: { kind: 'own-node' | 'own-cluster' | 'url'; database: string; url: string };
  /** The baseline of the same run: guests order and nobody listens, so its server cost is the kitchen's and the orders'. */
  baseline: { rounds: ServerCost[]; serverCpuMs: Spread | null; serverPeakRssBytes: Spread | null };
  patterns: PatternSummary[];
  requestResponse: QuestionSummary[];
  /** Every byte the lab's clients exchanged with the node (setup included): what a counter in front of the node sees. */
  totals: { bytesToServer: number; bytesFromServer: number; connections: number };
}

/** Told while a run goes on, for a progress bar. */
export interface LabProgress {
  /** Finished steps and all steps of the run (a step: one phase of one round). */
  done: number;
  total: number;
  /** What runs now, e.g. "sse, round 2 of 3". */
  step: string;
}

/** A lab run as the web UI's Lab page reads it (`GET /lab/runs/current`). */
export type LabRunState = 'running' | 'done' | 'failed' | 'none';

export interface LabRunView {
  id: string | null;
  state: LabRunState;
  progress: LabProgress | null;
  result: LabResult | null;
  error: string | null;
}
