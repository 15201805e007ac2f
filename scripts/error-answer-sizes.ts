/**
 * Figures for issue 10, defect 4: the size of the error answer (and the round trip, for a rough
 * idea only) for the hostile inputs the issue names, on a node started in this process.
 * Usage: npx tsx scripts/error-answer-sizes.ts
 */
import { startTestNode, type TestResponse } from '../test/helpers/node.ts';

const rounds = 21;
const node = await startTestNode();
try {
  const guest = await node.guest();
  const items = JSON.stringify({ items: Array.from({ length: 21_000 }, () => ({})) });
  const query = Array.from({ length: 3200 }, (_, index) => `k${index.toString(36)}`).join('&');
  const json = (body: string) => ({ method: 'POST', token: guest.token, headers: { 'content-type': 'application/json' }, body });
  const cases: [string, () => Promise<TestResponse>][] = [
    [`REST POST /orders, 21,000 empty items (${items.length} B)`, () => node.request('/orders', json(items))],
    [`REST GET /orders, 3,200 unknown query keys (${query.length} B)`, () => node.request(`/orders?${query}`, { token: guest.token })],
    ['JSON-RPC orders.place, 21,000 empty items', () => node.request('/rpc', json(`{"jsonrpc":"2.0","method":"orders.place","params":${items},"id":1}`))],
    [
      'GraphQL placeOrder, 15,000 empty items in variables',
      () =>
        node.request('/graphql', {
          token: guest.token,
          json: { query: 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', variables: { input: { items: Array.from({ length: 15_000 }, () => ({})) } } },
        }),
    ],
  ];
  for (const [label, run] of cases) {
    const times: number[] = [];
    let last: TestResponse | undefined;
    for (let round = 0; round < rounds; round++) {
      const start = performance.now();
      last = await run();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(rounds / 2)] ?? 0;
    console.log(`${label}: HTTP ${last?.status}, answer ${Buffer.byteLength(last?.text ?? '')} B, median round trip ${median.toFixed(1)} ms of ${rounds}`);
  }
} finally {
  await node.close();
}
