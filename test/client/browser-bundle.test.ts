/**
 * `bistro/client` bundles for browsers: esbuild with platform "browser" builds it with no Node.js
 * built-in anywhere in the graph (test/browser/client.e2e.test.ts then runs the bundle in Chromium).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleClient } from '../helpers/client-bundle.ts';

test('the client bundles for the browser without a Node.js built-in, and without the server', { timeout: 60_000 }, async () => {
  const bundle = await bundleClient();
  assert.ok(bundle.bytes > 1000, `a bundle was written (${bundle.bytes} bytes)`);
  const serverFiles = bundle.inputs.filter((input) => input.startsWith('src/'));
  assert.deepEqual(serverFiles, [], 'no server module is pulled into the browser bundle');
  const heavy = bundle.inputs.filter((input) => /node_modules\/(ws|undici|pg|ioredis|fastify|better-sqlite3|graphql)\//.test(input));
  assert.deepEqual(heavy, [], 'no Node-only or server library in the bundle');
  assert.doesNotMatch(bundle.code, /require\(["'](node:)?(fs|net|http|https|crypto|buffer|stream|events|tls|zlib)["']\)/, 'no require of a built-in left in the code');
});
