/**
 * Driven well past its limits for a few seconds, a node refuses what it cannot take with 429 or
 * 503, always with Retry-After and an error body in the pattern's shape, keeps answering /healthz
 * meanwhile, and serves normally afterwards. No timing is asserted: only what the answers say.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fishAndChipsNoSaltTwoFish, startTestNode, waitFor, type TestNode } from '../helpers/node.ts';

let node: TestNode;
before(async () => {
  // Small limits, so a test-sized load is far past them.
  node = await startTestNode({ BISTRO_RATE_LIMIT: '60', BISTRO_MAX_IN_FLIGHT: '6', BISTRO_MAX_EVENT_LOOP_DELAY_MS: '50' });
});
after(() => node.close());

interface Sent {
  kind: 'rest-read' | 'rest-order' | 'rpc' | 'graphql';
  status: number;
  headers: Headers;
  contentType: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- bodies of every pattern's shape
}

const runMs = 3000;
const maxRequests = 6000;
const workers = 48;

async function send(kind: Sent['kind'], token: string, serial: number): Promise<Sent> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const [path, init]: [string, RequestInit] =
    kind === 'rest-read' ? ['/orders', { headers }]
    : kind === 'rest-order' ? ['/orders', { method: 'POST', headers: { ...headers, 'idempotency-key': `overload-${serial}` }, body: JSON.stringify({ items: [fishAndChipsNoSaltTwoFish] }) }]
    : kind === 'rpc' ? ['/rpc', { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'orders.list', params: {}, id: serial }) }]
    : ['/graphql', { method: 'POST', headers: { ...headers, accept: 'application/graphql-response+json' }, body: JSON.stringify({ query: '{ orders { items { id status items { quantity menuItem { id name } } } } }' }) }];
  const response = await fetch(node.url + path, init);
  const text = await response.text();
  return { kind, status: response.status, headers: response.headers, contentType: response.headers.get('content-type') ?? '', body: text === '' ? undefined : JSON.parse(text) };
}

test('past its limits a node refuses with 429/503, Retry-After and an error body, and /healthz answers throughout', async () => {
  const guests = await Promise.all(Array.from({ length: 4 }, (_, index) => node.guest(10 + index, `Load ${index}`)));
  const kinds: Sent['kind'][] = ['rest-read', 'rest-read', 'rest-order', 'rpc', 'graphql'];
  const answers: Sent[] = [];
  const failures: unknown[] = [];
  const health: number[] = [];
  const deadline = Date.now() + runMs;
  let serial = 0;
  const more = () => Date.now() < deadline && serial < maxRequests;

  const worker = async () => {
    while (more()) {
      const number = serial++;
      const guest = guests[number % guests.length]!;
      await send(kinds[number % kinds.length]!, guest.token, number).then((answer) => answers.push(answer), (error: unknown) => failures.push(error));
    }
  };
  const probe = async () => {
    while (more()) {
      health.push((await fetch(`${node.url}/healthz`)).status);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await Promise.all([...Array.from({ length: workers }, worker), probe()]);

  assert.deepEqual(failures, [], 'no request failed at the transport (no reset, no crash)');
  assert.ok(health.length > 0 && health.every((status) => status === 200), `/healthz answered 200 during the load (${health.join(',')})`);
  const statuses = new Map<number, number>();
  for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  const summary = JSON.stringify(Object.fromEntries(statuses));
  assert.ok([...statuses.keys()].every((status) => [200, 201, 429, 503].includes(status)), `only successes, 429 and 503 (${summary})`);
  const refusals = answers.filter((answer) => answer.status === 429 || answer.status === 503);
  assert.ok(refusals.length > 0, `the load went past the limits: some calls were refused (${summary})`);

  for (const refusal of refusals) {
    const what = `${refusal.kind} ${refusal.status}`;
    assert.ok(Number(refusal.headers.get('retry-after')) >= 1, `${what} carries Retry-After`);
    const expected = refusal.status === 429 ? 'rate_limited' : 'overloaded';
    if (refusal.status === 429) assert.match(refusal.headers.get('ratelimit') ?? '', /^"default";r=0;t=\d+$/, `${what} carries RateLimit`);
    // Shed requests are refused before any pattern sees them, so always as problem+json; a spent budget answers in the pattern's shape.
    if (refusal.status === 503 || refusal.kind.startsWith('rest')) {
      assert.equal(refusal.contentType, 'application/problem+json; charset=utf-8', `${what} is problem+json`);
      assert.equal(refusal.body.code, expected, `${what} names its catalogue code`);
    } else if (refusal.kind === 'rpc') {
      assert.equal(refusal.body.error.data.code, expected, `${what} in the JSON-RPC envelope`);
    } else {
      assert.equal(refusal.body.errors[0].extensions.code, expected, `${what} in GraphQL's shape`);
    }
  }

  assert.equal((await fetch(`${node.url}/healthz`)).status, 200, '/healthz answers after the load');
  // Once the lag is forgotten (one sample) the node serves again: the admin has no budget to have spent.
  const served = await waitFor(async () => (await node.request('/orders', { token: node.adminToken })).status === 200, 10_000, 100);
  assert.ok(served, 'the node serves normally after the load');
});

test('held requests (long polls by ?wait= or Prefer: wait=, an SSE stream) do not count as in flight: a node capped at 2 still serves beside four of them', async () => {
  const capped = await startTestNode({ BISTRO_MAX_IN_FLIGHT: '2' });
  const held = new AbortController();
  try {
    const head = String(capped.core.feed.head());
    const parked = [
      fetch(`${capped.url}/events?after=${head}&wait=30`, { signal: held.signal }),
      fetch(`${capped.url}/events?after=${head}&wait=30`, { signal: held.signal }),
      fetch(`${capped.url}/events?after=${head}`, { headers: { prefer: 'wait=30' }, signal: held.signal }),
    ];
    const stream = await fetch(`${capped.url}/events/stream?after=${head}`, { signal: held.signal });
    assert.equal(stream.status, 200, 'the SSE stream is open');
    await waitFor(() => capped.core.feed.parkedCount() === 3, 5000, 20);
    for (let index = 0; index < 3; index++) {
      const menu = await capped.request('/menu');
      assert.equal(menu.status, 200, `a plain read is served beside the held ones (${menu.status} ${menu.text})`);
    }
    held.abort();
    await Promise.allSettled(parked);
  } finally {
    held.abort();
    await capped.close();
  }
});
