/**
 * Two node processes on one database and one Redis: a principal has one budget across them, so
 * spreading calls over the nodes buys nothing. Redis keys carry the deployment, so the count is
 * this cluster's alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterSkipReason, redisUrl, startCluster, type Cluster } from '../helpers/cluster.ts';
import type { NodeClient } from '../helpers/node.ts';

const skip = await clusterSkipReason();
const limit = 6;
let cluster: Cluster;

before(async () => {
  if (skip) return;
  cluster = await startCluster(2, { BISTRO_BUS: redisUrl, BISTRO_RATE_LIMIT: String(limit), BISTRO_RATE_LIMIT_WINDOW_MS: '60000' });
});
after(async () => {
  if (skip) return;
  await cluster.close();
});

test('calls on either node draw on one budget per principal', { skip }, async () => {
  const a = cluster.nodes[0] as NodeClient;
  const b = cluster.nodes[1] as NodeClient;
  const guest = await a.guest(5, 'Eve');
  const served: number[] = [];
  // Alternating nodes: each serves half the budget, and neither may serve more once it is spent.
  for (let call = 0; call < limit; call++) {
    const answer = await (call % 2 === 0 ? a : b).request('/menu', { token: guest.token });
    served.push(answer.status);
    assert.match(answer.headers.get('ratelimit') ?? '', new RegExp(`^"default";r=${limit - call - 1};t=\\d+$`), `call ${call + 1} counted once, on the shared budget`);
  }
  assert.deepEqual(served, Array(limit).fill(200), 'the whole budget is served across the nodes');
  for (const [name, node] of [['a', a], ['b', b]] as const) {
    const refused = await node.request('/menu', { token: guest.token });
    assert.equal(refused.status, 429, `node ${name} refuses once the shared budget is spent`);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1, `node ${name} says when to come back`);
  }
  const other = await b.guest(6, 'Fay');
  assert.equal((await b.request('/menu', { token: other.token })).status, 200, 'another principal is not affected');
});
