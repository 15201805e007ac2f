/**
 * The import rules of ARCHITECTURE.md, checked with the lint configuration itself: each layer
 * refuses what it must and accepts what it may, so a rule that stops matching fails here, not silently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const eslint = new ESLint();

/** The import sources of `sources` that the real configuration refuses in a file at `path`. */
async function refused(path: string, sources: string[]): Promise<string[]> {
  const config = (await eslint.calculateConfigForFile(path)) as { rules: Record<string, Linter.RuleEntry> };
  const rule = config.rules['no-restricted-imports'];
  assert.ok(rule, `${path} has import rules`);
  const code = sources.map((source, index) => `import * as m${index} from '${source}';`).join('\n');
  const messages = new Linter({ configType: 'flat' }).verify(code, [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: { 'no-restricted-imports': rule } }], { filename: path });
  return messages.map((message) => sources[message.line - 1] ?? `line ${message.line}`);
}

test('a pattern imports the core only through core/core.ts, plus patterns/http', async () => {
  const bad = ['../../core/feed.ts', '../../core/store.ts', '../../domain/order.ts', '../../store/kysely-store.ts', '../../operations/index.ts', '../rpc/rpc-errors.ts', 'kysely'];
  const good = ['../../core/core.ts', '../http/problem.ts', './etag.ts', 'fastify'];
  assert.deepEqual(await refused('src/patterns/rest/rest-routes.ts', [...bad, ...good]), bad, 'exactly the forbidden imports are refused');
});

test('the core never reaches a pattern, a backend or the operations', async () => {
  const bad = ['../patterns/rest/etag.ts', '../store/kysely-store.ts', '../operations/index.ts', 'fastify', 'better-sqlite3'];
  const good = ['../domain/events.ts', './feed.ts', '@sinclair/typebox'];
  assert.deepEqual(await refused('src/core/feed.ts', [...bad, ...good]), bad, 'exactly the forbidden imports are refused');
});

test('the domain imports nothing outside itself', async () => {
  const bad = ['../core/ids.ts', 'node:fs'];
  const good = ['./errors.ts'];
  assert.deepEqual(await refused('src/domain/order.ts', [...bad, ...good]), bad, 'exactly the forbidden imports are refused');
});

test('operations and stores stay in their lanes', async () => {
  assert.deepEqual(await refused('src/operations/orders.ts', ['../patterns/rest/etag.ts', '../store/schema.ts', '../core/operation.ts']), ['../patterns/rest/etag.ts', '../store/schema.ts'], 'operations use the core only');
  assert.deepEqual(await refused('src/store/sqlite/sqlite-store.ts', ['../../patterns/http/problem.ts', '../../operations/index.ts', '../../core/store.ts', '../kysely-store.ts']), ['../../patterns/http/problem.ts', '../../operations/index.ts'], 'a store implements core/store.ts');
});

test('the client imports no Node.js built-in and no server code, except its Node entry', async () => {
  const bad = ['node:crypto', 'ws', '../src/core/core.ts', '../../src/domain/errors.ts'];
  const good = ['./errors.ts', '../generated/catalogue.ts', 'graphql-ws', 'eventsource-parser', '@noble/hashes/hmac.js'];
  assert.deepEqual(await refused('client/request/rest.ts', [...bad, ...good]), bad, 'exactly the forbidden imports are refused');
  const entry = (await eslint.calculateConfigForFile('client/node.ts')) as { rules: Record<string, Linter.RuleEntry> };
  assert.equal(entry.rules['no-restricted-imports'], undefined, 'client/node.ts may import ws');
});

test('the web UI reaches Bistro only through bistro/client, as any browser client would', async () => {
  const bad = ['../../src/core/core.ts', '../../test/helpers/node.ts', '../../client/index.ts', 'node:fs', 'ws'];
  const good = ['bistro/client', 'bistro/lab-charts', 'bistro/lab-result', './meter.ts', './pages/guest/guest-page.tsx', 'react', 'react-dom/client'];
  assert.deepEqual(await refused('web/src/bistro.ts', [...bad, ...good]), bad, 'exactly the forbidden imports are refused');
});
