/**
 * `npm run load`: the "Load held" and "Overload" goals of issue 10, measured. One Bistro node on
 * CPU 0 with its default limits, this generator on CPU 1 (taskset), open loop at fixed rates:
 *   held      REST 80 % reads / 20 % orders with Idempotency-Key at 300 req/s, and GraphQL
 *             (a depth-5 order query, 20 % placeOrder mutations) at 150 op/s, from 50 guests;
 *   overload  both at three times the rate, from the same guests (their rate limits bite), then
 *             from three times as many guests (only the node's capacity and load shedding do);
 *   recovery  after each overload, a probe every 250 ms until latency is back to normal.
 * Flags: --seconds N (each phase; default 60), --guests N (default 50), --factor N (default 3),
 * --json (the figures as JSON). Prints a Markdown report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { cpuSeconds, detectPinning, loadCpu, serverCpu, spawnNode, stopProcess, waitForLine } from './processes.ts';
import { measured, runOpenLoop, summarise, type Call, type StreamFigures } from './open-loop.ts';

const { values: flags } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, guests: { type: 'string', default: '50' }, factor: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } },
});
const seconds = Number(flags.seconds);
const guestCount = Number(flags.guests);
const factor = Number(flags.factor);
const restRate = 300;
const graphqlRate = 150;
const adminToken = 'load-goals-admin';
const probeEveryMs = 250;
const probeForMs = 15_000;

const depthFiveOrders = '{ orders(limit: 5) { items { id status items { quantity menuItem { id name priceCents } } } } }';
const placeOrder = 'mutation ($key: String) { placeOrder(input: { items: [{ menuItemId: "fish-and-chips", quantity: 1 }], idempotencyKey: $key }) { id status totalCents } }';
const orderBody = JSON.stringify({ items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] });

interface Guest {
  token: string;
  orderId: string;
}

// The generator's own core; the node gets the other one (spawnNode pins it).
const pinning = detectPinning();
if (pinning.pinned) spawnSync('taskset', ['-a', '-cp', String(loadCpu), String(process.pid)], { stdio: 'ignore' });

const dir = mkdtempSync(join(tmpdir(), 'bistro-load-'));
const server = spawnNode(serverCpu, ['src/cli.ts', 'serve'], {
  ...process.env,
  PORT: '0',
  HOST: '127.0.0.1',
  BISTRO_DB: `sqlite:${join(dir, 'load.db')}`,
  BISTRO_KITCHEN: 'manual',
  BISTRO_LOG_LEVEL: 'warn',
  BISTRO_ADMIN_TOKEN: adminToken,
});
const url = (await waitForLine(server, /Bistro serving (http:\/\/\S+)/))[1] ?? '';
const pool = new Pool(url, { connections: 256, pipelining: 1 });
const json = { 'content-type': 'application/json' };

async function call(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of every shape
  const response = await pool.request({ method, path, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.body.text();
  return { status: response.statusCode, body: text === '' ? undefined : JSON.parse(text) };
}

async function newGuests(count: number, from: number): Promise<Guest[]> {
  const guests: Guest[] = [];
  for (let index = 0; index < count; index++) {
    const made = await call('POST', '/guests', json, JSON.stringify({ table: 1 + ((from + index) % 40), name: `Load ${from + index}` }));
    if (made.status !== 201) throw new Error(`registering a guest: ${made.status} ${JSON.stringify(made.body)}`);
    const token = made.body.token as string;
    const order = await call('POST', '/orders', { ...json, authorization: `Bearer ${token}` }, orderBody);
    if (order.status !== 201) throw new Error(`a first order: ${order.status} ${JSON.stringify(order.body)}`);
    guests.push({ token, orderId: order.body.id as string });
  }
  return guests;
}

function restCall(guests: Guest[], phase: string) {
  return (index: number): Call => {
    const guest = guests[index % guests.length]!;
    const headers = { authorization: `Bearer ${guest.token}` };
    const slot = index % 10;
    if (slot < 2) return { method: 'POST', path: '/orders', headers: { ...headers, ...json, 'idempotency-key': `${phase}-${index}` }, body: orderBody };
    if (slot < 5) return { method: 'GET', path: `/orders/${guest.orderId}`, headers };
    if (slot < 8) return { method: 'GET', path: '/menu', headers };
    return { method: 'GET', path: '/orders?limit=5', headers };
  };
}

function graphqlCall(guests: Guest[], phase: string) {
  return (index: number): Call => {
    const guest = guests[index % guests.length]!;
    const body = index % 5 === 4 ? { query: placeOrder, variables: { key: `${phase}-gql-${index}` } } : { query: depthFiveOrders };
    return { method: 'POST', path: '/graphql', headers: { authorization: `Bearer ${guest.token}`, ...json, accept: 'application/graphql-response+json' }, body: JSON.stringify(body) };
  };
}

interface Phase {
  name: string;
  rest: StreamFigures;
  graphql: StreamFigures;
  generator: Awaited<ReturnType<typeof measured>>['generator'];
  /** Share of one core the node used. */
  serverCpu: number | null;
}

async function phase(name: string, guests: Guest[], scale: number): Promise<Phase> {
  const cpuBefore = cpuSeconds(server.pid);
  const started = performance.now();
  const { result, generator } = await measured(() =>
    Promise.all([runOpenLoop(pool, restRate * scale, seconds, restCall(guests, name)), runOpenLoop(pool, graphqlRate * scale, seconds, graphqlCall(guests, name), (text) => text.includes('"errors"'))]),
  );
  const cpuAfter = cpuSeconds(server.pid);
  const wall = (performance.now() - started) / 1000;
  return { name, rest: summarise(result[0]), graphql: summarise(result[1]), generator, serverCpu: cpuBefore === null || cpuAfter === null ? null : Math.round(((cpuAfter - cpuBefore) / wall) * 100) / 100 };
}

/** Seconds from the end of the load until every probe from then on is a 2xx within `normalMs` (null: not within the probing time). */
async function recovery(normalMs: number): Promise<{ seconds: number | null; probes: number }> {
  const probes: { at: number; ok: boolean }[] = [];
  const start = performance.now();
  while (performance.now() - start < probeForMs) {
    const sent = performance.now();
    // The admin is not rate limited: the probe sees the node's latency, not a spent budget.
    const answer = await call('GET', '/menu', { authorization: `Bearer ${adminToken}` }).catch(() => ({ status: 0 }));
    const latency = performance.now() - sent;
    probes.push({ at: (sent - start) / 1000, ok: answer.status === 200 && latency <= normalMs });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, probeEveryMs - latency)));
  }
  const lastBad = probes.findLastIndex((probe) => !probe.ok);
  const firstGood = probes[lastBad + 1];
  return { seconds: firstGood === undefined ? null : Math.round(firstGood.at * 100) / 100, probes: probes.length };
}

const startedAt = new Date().toISOString();
const held = await newGuests(guestCount, 0);
const more = await newGuests(guestCount * (factor - 1), guestCount);
// A breather, so the setup's writes are not in the first phase's figures.
await new Promise((resolve) => setTimeout(resolve, 2000));
const heldPhase = await phase('held', held, 1);
// A node back to normal answers a probe as fast as it answered the held load (2 × its p99, at least 10 ms).
const normalMs = Math.max(10, 2 * heldPhase.rest.okMs.p99);
await new Promise((resolve) => setTimeout(resolve, 2000));
const sameGuests = await phase(`${factor}x-same-guests`, held, factor);
const afterSame = await recovery(normalMs);
const moreGuests = await phase(`${factor}x-${factor}x-guests`, [...held, ...more], factor);
const afterMore = await recovery(normalMs);
await pool.close();
await stopProcess(server);
rmSync(dir, { recursive: true, force: true });

/** The goals as the issue states them, checked against the figures. */
const unexpected = (figures: StreamFigures) => figures.sent - Object.entries(figures.byStatus).filter(([status]) => /^2\d\d$/.test(status)).reduce((sum, [, count]) => sum + count, 0);
const overloadOk = (result: Phase) => [result.rest, result.graphql].every((figures) => figures.refusedWithoutRetryAfter === 0 && figures.limitedWithoutRateLimit === 0 && (figures.byStatus['error'] ?? 0) === 0);
const goals = {
  heldRest: { unexpectedNon2xx: unexpected(heldPhase.rest), p99Ms: heldPhase.rest.okMs.p99, met: unexpected(heldPhase.rest) === 0 && heldPhase.rest.okMs.p99 < 50 },
  heldGraphql: { unexpectedNon2xx: unexpected(heldPhase.graphql), p99Ms: heldPhase.graphql.okMs.p99, met: unexpected(heldPhase.graphql) === 0 && heldPhase.graphql.okMs.p99 < 100 },
  overloadRefusalsCarryHeaders: overloadOk(sameGuests) && overloadOk(moreGuests),
  backWithin10s: [afterSame, afterMore].every((back) => back.seconds !== null && back.seconds <= 10),
};

const results = { startedAt, seconds, guests: guestCount, factor, pinning, normalMs, goals, phases: [heldPhase, sameGuests, moreGuests], recovery: { [sameGuests.name]: afterSame, [moreGuests.name]: afterMore } };
if (flags.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const line = (phaseName: string, stream: string, figures: StreamFigures) =>
    `| ${phaseName} | ${stream} | ${figures.sent} | ${Object.entries(figures.byStatus).map(([status, count]) => `${status}: ${count}`).join(', ')} | ${Math.round((figures.refused / Math.max(1, figures.sent)) * 100)}% | ${figures.refusedWithoutRetryAfter} / ${figures.limitedWithoutRateLimit} | ${figures.okMs.p50} / ${figures.okMs.p95} / ${figures.okMs.p99} | ${figures.allMs.p99} |`;
  console.log(`# Load held and overload (${startedAt}, ${seconds} s per phase, pinned: ${pinning.pinned ? 'yes' : `no (${pinning.reason})`})\n`);
  console.log('| phase | stream | sent | answers by status | 429+503 | refusals without Retry-After / 429 without RateLimit | 2xx p50 / p95 / p99 ms | all p99 ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const result of results.phases) {
    console.log(line(result.name, `REST ${restRate * (result.name === 'held' ? 1 : factor)}/s`, result.rest));
    console.log(line(result.name, `GraphQL ${graphqlRate * (result.name === 'held' ? 1 : factor)}/s`, result.graphql));
  }
  console.log('\n| phase | node CPU (cores) | generator CPU (cores) | generator event-loop delay p99 / max ms | back to normal (≤ ' + normalMs.toFixed(1) + ' ms) after the load, s |');
  console.log('|---|---|---|---|---|');
  for (const result of results.phases) {
    const back = results.recovery[result.name];
    console.log(`| ${result.name} | ${result.serverCpu ?? '?'} | ${result.generator.cpu} | ${result.generator.eventLoopDelayMs.p99} / ${result.generator.eventLoopDelayMs.max} | ${back ? (back.seconds ?? `not within ${probeForMs / 1000} s`) : '–'} |`);
  }
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  console.log('\n| goal | figure | verdict |');
  console.log('|---|---|---|');
  console.log(`| held REST: 0 unexpected non-2xx, p99 < 50 ms | ${goals.heldRest.unexpectedNon2xx} non-2xx, p99 ${goals.heldRest.p99Ms} ms | ${verdict(goals.heldRest.met)} |`);
  console.log(`| held GraphQL: 0 unexpected non-2xx, p99 < 100 ms | ${goals.heldGraphql.unexpectedNon2xx} non-2xx, p99 ${goals.heldGraphql.p99Ms} ms | ${verdict(goals.heldGraphql.met)} |`);
  console.log(`| overload: every refusal 429/503 with Retry-After (429 with RateLimit), no failed request | see the first table | ${verdict(goals.overloadRefusalsCarryHeaders)} |`);
  console.log(`| back to normal latency within 10 s of the load's end | ${afterSame.seconds ?? '–'} s and ${afterMore.seconds ?? '–'} s | ${verdict(goals.backWithin10s)} |`);
}
