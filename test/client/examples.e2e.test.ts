/**
 * Every example in examples/ runs as a user would run it (`npx tsx examples/<name>.ts`, a child
 * process importing `bistro/client/node`) against a real node whose auto kitchen cooks fast, ends
 * by itself, and prints what it promises. Each stays under 30 lines, as the README says.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestNode, type TestNode } from '../helpers/node.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const examples = readdirSync(new URL('../../examples', import.meta.url)).filter((name) => name.endsWith('.ts')).sort();

/** What each example must print (a line matching each, in order). */
const promises: Record<string, RegExp[]> = {
  'rest.ts': [/^placed ord_\S+: placed, \d+ cents$/m, /^read back over REST: placed$/m],
  'rpc.ts': [/^placed ord_\S+ over JSON-RPC: placed$/m, /^a guest may not move it: forbidden$/m],
  'graphql.ts': [/^Fish and chips: .*salt 0–1/m, /over GraphQL: placed, adjustments \{"salt":0,"fish":2\}$/m],
  'polling.ts': [/^placed ord_/m, /order\.accepted$/m, /order\.ready$/m],
  'long-polling.ts': [/^placed ord_/m, /order\.accepted$/m, /order\.ready$/m],
  'sse.ts': [/^placed ord_/m, /order\.accepted$/m, /order\.ready$/m],
  'websocket.ts': [/^waiter: Would you like vinegar with that\?$/m, /^guest: Yes please!$/m],
  // The fast auto kitchen may have moved the order along before the subscription's first answer.
  'graphql-subscription.ts': [/^ord_\S+ is ready$/m],
  'webhooks.ts': [/^verified order\.ready for orders\/ord_\S+$/m],
};

let node: TestNode;
before(async () => {
  node = await startTestNode({ BISTRO_KITCHEN: 'auto', BISTRO_KITCHEN_PACE_MS: '50', BISTRO_WEBHOOK_ALLOW_PRIVATE: '1' });
});
after(async () => {
  await node?.close();
});

test('every example is promised an output here, and none is over 30 lines', { timeout: 5_000 }, () => {
  assert.deepEqual(examples, Object.keys(promises).sort(), 'examples/ and this test name the same files');
  for (const name of examples) {
    const lines = readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8').trimEnd().split('\n').length;
    assert.ok(lines < 30, `${name} has ${lines} lines`);
  }
});

for (const name of examples) {
  test(`examples/${name} runs against a node and prints what it promises`, { timeout: 60_000 }, async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', `examples/${name}`], {
      cwd: repoRoot,
      timeout: 45_000,
      env: { ...process.env, BISTRO_URL: node.url, BISTRO_ADMIN_TOKEN: node.adminToken },
    });
    let from = 0;
    for (const line of promises[name] ?? []) {
      const match = line.exec(stdout.slice(from));
      assert.ok(match, `${name} printed ${String(line)} (after what came before):\n${stdout}`);
      from += match.index + match[0].length;
    }
  });
}
