/** How the node serves the web UI: the page revalidated on each visit under a same-origin CSP, hashed assets cached for a year, and a clear page where no build exists. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { registerWebUi } from '../../src/patterns/web/web-ui.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { webDist } from '../helpers/web-ui.ts';

const built = existsSync(join(webDist, 'index.html'));
const skip = built || process.env['CI'] === 'true' ? undefined : 'the web UI is not built: npm run build:web';

describe('the web UI as the node serves it', { skip }, () => {
  let node: TestNode;
  before(async () => (node = await startTestNode()));
  after(() => node.close());

  test('/ is the page: HTML, revalidated on every visit, allowed to load and connect to this node only', async () => {
    const response = await fetch(`${node.url}/`);
    assert.equal(response.status, 200, 'served');
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/, 'as HTML');
    assert.equal(response.headers.get('cache-control'), 'no-cache', 'a new build shows at the next visit');
    const policy = response.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "connect-src 'self'", "script-src 'self'", "frame-ancestors 'none'"]) {
      assert.ok(policy.includes(directive), `the policy has ${directive}: ${policy}`);
    }
    assert.ok(!/https?:\/\//.test(await response.text()), 'the page names no other origin');
  });

  test('every asset the page names is served with a year-long immutable cache and its own type', async () => {
    const html = await (await fetch(`${node.url}/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
    assert.ok(assets.some((path) => path.endsWith('.js')) && assets.some((path) => path.endsWith('.css')), `a script and a stylesheet: ${assets.join(', ')}`);
    for (const path of assets) {
      assert.match(path, /-[\w-]{8}\.(js|css)$/, `${path} carries its content hash`);
      const response = await fetch(`${node.url}${path}`);
      assert.equal(response.status, 200, `${path} is served`);
      assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable', `${path} is cached for a year`);
      assert.match(response.headers.get('content-type') ?? '', path.endsWith('.js') ? /javascript/ : /text\/css/, `${path} has its type`);
    }
  });

  test('a missing asset is a 404, not the page', async () => {
    const response = await fetch(`${node.url}/assets/nothing-00000000.js`);
    assert.equal(response.status, 404, 'not found');
    assert.doesNotMatch(await response.text(), /<div id="root">/, 'no HTML page in place of a script');
  });
});

test('without a build, / says how to make one (503) and the API still answers', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'bistro-no-web-'));
  const app = Fastify();
  try {
    await registerWebUi(app, empty);
    const response = await app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 503, 'not built yet');
    assert.match(response.body, /npm run build/, 'the page names the command');
    assert.match(response.body, /href="\/docs"/, 'and points at the API docs');
    assert.equal((await app.inject({ method: 'GET', url: '/assets/index.js' })).statusCode, 404, 'no assets route without a build');
  } finally {
    await app.close();
    rmSync(empty, { recursive: true, force: true });
  }
});
