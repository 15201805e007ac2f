/**
 * The Pattern Lab's request-response side: the same three questions asked through REST, JSON-RPC
 * and GraphQL, each answer timed and its bytes counted at the sockets, so over- and under-fetching
 * show as numbers. The requests are written by hand, not made through the typed client: what is
 * measured is each pattern's own wire shape (REST's whole resource and one request per resource,
 * JSON-RPC's batch, GraphQL's selection), which a client exists to hide.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { OrderStatus } from '../../client/index.ts';
import { labQuestions, questionLabels, requestVias, viaLabels, type LabQuestion, type QuestionRound, type QuestionSummary, type RequestVia } from './lab-result.ts';
import { SocketMeter, type MeterReading } from './socket-meter.ts';
import { percentile, spreadOf } from './spread.ts';

export interface RequestResponseTarget {
  /** The node the questions go to. */
  url: string;
  /**
   * Where the set-up goes (the menu, a guest, the order asked about); `url` when left out. Set-up is
   * never metered either way; sending it elsewhere also keeps it out of a counter in front of `url`.
   */
  setupUrl?: string;
}

/** One measurement's whole meter: one question through one pattern, one round, every sample. */
export interface MeasuredReading extends MeterReading {
  question: LabQuestion;
  via: RequestVia;
  /** From 1. */
  round: number;
  samples: number;
}

export interface RequestResponseOptions {
  /** Answers per question, pattern and round, one after another on one kept-alive connection. */
  samples: number;
  rounds: number;
  /** With the round, decides the order the patterns take in a round. */
  seed: number;
  signal?: AbortSignal;
  /** Told every measurement's raw reading (bytes as counted, not divided by samples), e.g. for the run's totals. */
  onReading?(reading: MeasuredReading): void;
  /** Told the set-up's own reading once it is done with, so the run's totals can include it. */
  onSetupReading?(reading: MeterReading): void;
}

/** Every status an order can have: GraphQL answers them upper-case, as enum values. */
const statuses: Record<OrderStatus, true> = { placed: true, accepted: true, preparing: true, ready: true, served: true, cancelled: true };

interface ItemRequest {
  menuItemId: string;
  quantity: number;
  adjustments: Record<string, number>;
}

/** What the set-up made, and what the answers must say about it. */
interface Scene {
  token: string;
  orderId: string;
  /** What a placement orders. */
  placement: ItemRequest[];
  /** The order's items as the answers must show them, each with its dish's ingredient names. */
  expected: { name: string; quantity: number; ingredients: string[] }[];
}

interface Ingredient {
  name: string;
  portions: number;
  min: number;
  max: number;
}

interface Dish {
  id: string;
  name: string;
  available: boolean;
  ingredients: Ingredient[];
}

interface OrderAnswer {
  id: string;
  status: string;
  items: { menuItemId: string; name: string; quantity: number }[];
}

/** How one pattern's requests are sent: one guest's metered connection to the node. */
interface Line {
  fetch: typeof fetch;
  url: string;
  /** '' for an anonymous request. */
  token: string;
  signal: AbortSignal | undefined;
}

async function send(line: Line, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const init: RequestInit = {
    method,
    headers: { ...(line.token === '' ? {} : { authorization: `Bearer ${line.token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (line.signal) init.signal = line.signal;
  const response = await line.fetch(line.url + path, init);
  const text = await response.text();
  if (!response.ok) {
    const hint = response.status === 429 ? ' (the node rate-limits this guest: run the lab against a node with BISTRO_RATE_LIMIT=0, or fewer samples)' : '';
    throw new Error(`${method} ${path} answered HTTP ${response.status}${hint}: ${text.slice(0, 300)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${method} ${path} answered HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
}

interface RpcCall {
  method: string;
  params: unknown;
}

/** One JSON-RPC message: a single call, or a batch; the results in the calls' order. */
async function rpc(line: Line, calls: RpcCall[], batch: boolean): Promise<unknown[]> {
  const message = calls.map((call, index) => ({ jsonrpc: '2.0', id: index + 1, method: call.method, params: call.params }));
  const answer = await send(line, 'POST', '/rpc', batch ? message : message[0]);
  const replies = (Array.isArray(answer) ? answer : [answer]) as { id?: unknown; result?: unknown; error?: { code: number; message: string } }[];
  return calls.map((call, index) => {
    const reply = replies.find((candidate) => candidate.id === index + 1);
    if (!reply) throw new Error(`JSON-RPC answered no reply to ${call.method} (id ${index + 1})`);
    if (reply.error) throw new Error(`JSON-RPC ${call.method} answered error ${reply.error.code}: ${reply.error.message}`);
    return reply.result;
  });
}

async function graphql(line: Line, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = (await send(line, 'POST', '/graphql', { query, variables })) as { data?: Record<string, unknown> | null; errors?: { message: string }[] };
  if (answer.errors?.length) throw new Error(`GraphQL answered errors: ${answer.errors.map((error) => error.message).join('; ')}`);
  if (!answer.data) throw new Error('GraphQL answered no data');
  return answer.data;
}

/** The fields a question asks for: `true` keeps a value whole; an object keeps only its keys (in lists, of each element). */
type Shape = true | { [field: string]: Shape };

function prune(value: unknown, shape: Shape): unknown {
  if (shape === true || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((element) => prune(element, shape));
  const kept: Record<string, unknown> = {};
  // In the answer's own key order, so the pruned JSON is the answer's JSON minus the unasked fields.
  for (const [key, field] of Object.entries(value)) {
    const inner = shape[key];
    if (inner !== undefined) kept[key] = prune(field, inner);
  }
  return kept;
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/**
 * Over-fetching, in bytes: the answer's data (REST's bodies, JSON-RPC's results, GraphQL's `data`
 * field) as JSON, less the same data with only the asked fields kept, each in its pattern's own
 * shape. The envelopes (JSON-RPC's `jsonrpc` and `id`, GraphQL's `data`) are how the pattern
 * speaks, not data it was not asked for, so they count in the socket bytes but not here.
 */
function unaskedBytes(parts: readonly { data: unknown; asked: Shape }[]): number {
  return parts.reduce((sum, part) => sum + jsonBytes(part.data) - jsonBytes(prune(part.data, part.asked)), 0);
}

const statusAsked: Shape = { status: true };
/** "My order with each dish's ingredients": the order's id and status, each item's name, quantity and adjustments, each dish's ingredients. */
const orderAsked = { id: true, status: true, items: { name: true, quantity: true, adjustments: true } } as const;
const dishAsked = { ingredients: { name: true, portions: true } } as const;
const graphqlOrderAsked: Shape = { ...orderAsked, items: { ...orderAsked.items, menuItem: dishAsked } };

const orderWithDishesQuery =
  'query($id: ID!) { order(id: $id) { id status items { name quantity adjustments { ingredient portions } menuItem { ingredients { name portions } } } } }';

function checkStatus(status: unknown): void {
  if (typeof status !== 'string' || !(status.toLowerCase() in statuses)) throw new Error(`the answer's status is ${JSON.stringify(status)}, not an order status`);
}

/** The answer must show the set-up order: its items, and each dish's ingredients. */
function checkOrderWithDishes(scene: Scene, order: OrderAnswer, ingredientsOf: (item: OrderAnswer['items'][number], index: number) => string[]): void {
  if (order.id !== scene.orderId) throw new Error(`the answer is order ${order.id}, not ${scene.orderId}`);
  checkStatus(order.status);
  const seen = order.items.map((item, index) => ({ name: item.name, quantity: item.quantity, ingredients: ingredientsOf(item, index) }));
  if (JSON.stringify(seen) !== JSON.stringify(scene.expected)) throw new Error(`the answer shows ${JSON.stringify(seen)}, not ${JSON.stringify(scene.expected)}`);
}

const dishIds = (order: OrderAnswer) => [...new Set(order.items.map((item) => item.menuItemId))];
const namesOf = (dish: Dish | undefined) => (dish?.ingredients ?? []).map((ingredient) => ingredient.name);

/** Placements of one measurement: each must be a new order, never one seen before. */
function checkPlaced(order: { id?: unknown; status?: unknown }, placed: Set<string>): void {
  if (typeof order.id !== 'string' || order.id === '') throw new Error(`the placement answered no order id: ${JSON.stringify(order)}`);
  if (typeof order.status !== 'string' || order.status.toLowerCase() !== 'placed') throw new Error(`the new order ${order.id} is ${String(order.status)}, not placed`);
  if (placed.has(order.id)) throw new Error(`a fresh idempotency key answered order ${order.id} again`);
  placed.add(order.id);
}

/** GraphQL has no maps: adjustments travel as a list of { ingredient, portions }. */
const asGraphqlItem = (item: ItemRequest) => ({ ...item, adjustments: Object.entries(item.adjustments).map(([ingredient, portions]) => ({ ingredient, portions })) });

/** Asks one question once; answers its unasked bytes (null where the question has none). Throws on a wrong answer. */
async function ask(question: LabQuestion, via: RequestVia, line: Line, scene: Scene, placed: Set<string>): Promise<number | null> {
  const id = scene.orderId;
  if (question === 'status') {
    // REST and JSON-RPC have no status-only read: the whole order is the answer (over-fetching).
    const data =
      via === 'rest' ? await send(line, 'GET', `/orders/${id}`)
      : via === 'rpc' ? (await rpc(line, [{ method: 'orders.get', params: { id } }], false))[0]
      : (await graphql(line, 'query($id: ID!) { order(id: $id) { status } }', { id }))['order'];
    checkStatus((data as { status?: unknown } | null)?.status);
    return unaskedBytes([{ data, asked: statusAsked }]);
  }
  if (question === 'order-with-ingredients') {
    if (via === 'graphql') {
      // One request: the schema links an order item to its menu item.
      const order = (await graphql(line, orderWithDishesQuery, { id }))['order'] as OrderAnswer & { items: { menuItem: Dish | null }[] };
      checkOrderWithDishes(scene, { ...order, items: order.items.map((item) => ({ ...item, menuItemId: '' })) }, (_item, index) => namesOf(order.items[index]?.menuItem ?? undefined));
      return unaskedBytes([{ data: order, asked: graphqlOrderAsked }]);
    }
    if (via === 'rest') {
      // Under-fetching: the order names its dishes, and each dish is a resource of its own. A good
      // client asks for them all at once, so they cost one more wait, but a request each.
      const order = (await send(line, 'GET', `/orders/${id}`)) as OrderAnswer;
      const dishes = (await Promise.all(dishIds(order).map((dish) => send(line, 'GET', `/menu/${encodeURIComponent(dish)}`)))) as Dish[];
      checkOrderWithDishes(scene, order, (item) => namesOf(dishes.find((dish) => dish.id === item.menuItemId)));
      return unaskedBytes([{ data: order, asked: orderAsked }, ...dishes.map((dish) => ({ data: dish, asked: dishAsked }))]);
    }
    // JSON-RPC: the order, then every dish in one batch.
    const order = (await rpc(line, [{ method: 'orders.get', params: { id } }], false))[0] as OrderAnswer;
    const dishes = (await rpc(line, dishIds(order).map((dish) => ({ method: 'menu.get', params: { id: dish } })), true)) as Dish[];
    checkOrderWithDishes(scene, order, (item) => namesOf(dishes.find((dish) => dish.id === item.menuItemId)));
    return unaskedBytes([{ data: order, asked: orderAsked }, ...dishes.map((dish) => ({ data: dish, asked: dishAsked }))]);
  }
  // A fresh key each time: every sample is a new order, placed once however often it were retried.
  const idempotencyKey = randomUUID();
  const items = scene.placement;
  const order =
    via === 'rest' ? await send(line, 'POST', '/orders', { items }, { 'idempotency-key': idempotencyKey })
    : via === 'rpc' ? (await rpc(line, [{ method: 'orders.place', params: { items, idempotencyKey } }], false))[0]
    : (await graphql(line, 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }', { input: { items: items.map(asGraphqlItem), idempotencyKey } }))['placeOrder'];
  checkPlaced(order ?? {}, placed);
  return null;
}

/** A portion more (or less, where more is not allowed) of a dish's first adjustable ingredient. */
function adjusted(dish: Dish): Record<string, number> {
  for (const ingredient of dish.ingredients) {
    if (ingredient.portions + 1 <= ingredient.max) return { [ingredient.name]: ingredient.portions + 1 };
    if (ingredient.portions - 1 >= ingredient.min) return { [ingredient.name]: ingredient.portions - 1 };
  }
  return {};
}

/** A guest sits down and orders two or three different dishes, each adjusted: what the questions ask about. */
async function setUp(line: Omit<Line, 'token'>, seed: number): Promise<Scene> {
  const setup: Line = { ...line, token: '' };
  const menu = (await send(setup, 'GET', '/menu')) as { items: Dish[] };
  const dishes = menu.items.filter((dish) => dish.available && dish.ingredients.length > 0).slice(0, 3);
  if (dishes.length < 2) throw new Error(`the node's menu has ${dishes.length} available dish(es) with ingredients; the lab needs two`);
  const table = 1 + (Math.abs(Math.trunc(seed)) % 999);
  const guest = (await send(setup, 'POST', '/guests', { table, name: 'Pattern Lab' })) as { token: string };
  const items: ItemRequest[] = dishes.map((dish, index) => ({ menuItemId: dish.id, quantity: index === 0 ? 2 : 1, adjustments: adjusted(dish) }));
  const order = (await send({ ...setup, token: guest.token }, 'POST', '/orders', { items }, { 'idempotency-key': randomUUID() })) as OrderAnswer;
  return {
    token: guest.token,
    orderId: order.id,
    placement: items.slice(0, 1),
    expected: order.items.map((item) => ({ name: item.name, quantity: item.quantity, ingredients: namesOf(dishes.find((dish) => dish.id === item.menuItemId)) })),
  };
}

/** The patterns in a round's order: rotated each round so a drift in the node's speed falls on each alike. */
function viasOf(round: number, seed: number): RequestVia[] {
  const shift = (((Math.trunc(seed) + round) % requestVias.length) + requestVias.length) % requestVias.length;
  return [...requestVias.slice(shift), ...requestVias.slice(0, shift)];
}

interface Measured {
  round: QuestionRound;
  reading: MeterReading;
  unasked: number[];
}

/** One question through one pattern, `samples` answers on one guest's own kept-alive connection. */
async function measure(question: LabQuestion, via: RequestVia, url: string, scene: Scene, samples: number, signal: AbortSignal | undefined): Promise<Measured> {
  const meter = new SocketMeter();
  const connector = meter.connector();
  const line: Line = { fetch: connector.fetch, url, token: scene.token, signal };
  const latencies: number[] = [];
  const unasked: number[] = [];
  const placed = new Set<string>();
  try {
    for (let sample = 0; sample < samples; sample += 1) {
      signal?.throwIfAborted();
      const started = performance.now();
      const bytes = await ask(question, via, line, scene, placed);
      latencies.push(performance.now() - started);
      if (bytes !== null) unasked.push(bytes);
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new Error(`${questionLabels[question]} via ${viaLabels[via]}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    // Closed sockets count what they carried, to the last byte.
    await connector.close();
  }
  const reading = meter.read();
  return {
    reading,
    unasked,
    round: {
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
      roundTrips: reading.requests / samples,
      bytesToServer: reading.bytesToServer / samples,
      bytesFromServer: reading.bytesFromServer / samples,
      samples,
    },
  };
}

/**
 * Asks each question through each pattern, `rounds` times, `samples` answers each time, and
 * summarises every question and pattern over the rounds. `onStep` is told each measurement as it
 * starts (questions × patterns × rounds of them, e.g. "status via REST, round 1 of 3").
 */
export async function measureRequestResponse(
  target: RequestResponseTarget,
  options: RequestResponseOptions,
  onStep?: (step: string) => void,
): Promise<QuestionSummary[]> {
  const { samples, rounds, seed, signal } = options;
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`samples must be a whole number from 1, not ${samples}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a whole number from 1, not ${rounds}`);
  const url = target.url.replace(/\/+$/, '');
  const setupMeter = new SocketMeter();
  const setupConnector = setupMeter.connector();
  let scene: Scene;
  try {
    scene = await setUp({ fetch: setupConnector.fetch, url: (target.setupUrl ?? target.url).replace(/\/+$/, ''), signal }, seed);
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new Error(`setting up the request-response questions: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await setupConnector.close();
    options.onSetupReading?.(setupMeter.read());
  }

  const key = (question: LabQuestion, via: RequestVia) => `${question} ${via}`;
  const results = new Map<string, { rounds: QuestionRound[]; unasked: number[] }>();
  for (let round = 1; round <= rounds; round += 1) {
    for (const question of labQuestions) {
      for (const via of viasOf(round, seed)) {
        signal?.throwIfAborted();
        onStep?.(`${question} via ${viaLabels[via]}, round ${round} of ${rounds}`);
        const measured = await measure(question, via, url, scene, samples, signal);
        options.onReading?.({ ...measured.reading, question, via, round, samples });
        const result = results.get(key(question, via)) ?? { rounds: [], unasked: [] };
        result.rounds.push(measured.round);
        result.unasked.push(...measured.unasked);
        results.set(key(question, via), result);
      }
    }
  }

  return labQuestions.flatMap((question) =>
    requestVias.map((via): QuestionSummary => {
      const result = results.get(key(question, via)) ?? { rounds: [], unasked: [] };
      const over = (pick: (round: QuestionRound) => number) => spreadOf(result.rounds.map(pick));
      return {
        question,
        via,
        rounds: result.rounds,
        latencyMs: { p50: over((round) => round.latencyMs.p50), p99: over((round) => round.latencyMs.p99) },
        roundTrips: over((round) => round.roundTrips).median,
        bytesToServer: over((round) => round.bytesToServer),
        bytesFromServer: over((round) => round.bytesFromServer),
        unaskedBodyBytes: result.unasked.length === 0 ? null : spreadOf(result.unasked).median,
      };
    }),
  );
}
