/**
 * The package's bin (bin/bistro.js → tsx → src/cli.ts) runs the command line; `bistro` with only flags still serves;
 * `npm start` runs the compiled build (dist/cli.js, made by `npm install`'s prepare) and serves the web UI too.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, startCli } from './cli-process.ts';

const timeout = 60_000;

describe('bistro bin and serve', () => {
  it('the bin runs the TypeScript entry point through tsx: --help exits 0', { timeout }, async () => {
    const result = await runCli(['--help'], { viaBin: true });
    assert.equal(result.code, 0, `exit 0; stderr: ${result.stderr}`);
    assert.match(result.stdout, /^Usage: bistro \[options\] \[command\]/m, 'the program usage line');
    assert.match(result.stdout, /webhooks/, 'lists the commands');
  });

  it('`bistro --port 0` (no command) serves, prints the URL line tests read, and stops on SIGTERM', { timeout }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bistro-cli-'));
    const cli = startCli(['--port', '0', '--kitchen', 'manual'], { viaBin: true, env: { BISTRO_DB: `sqlite:${join(dir, 'bistro.db')}`, BISTRO_LOG_LEVEL: 'warn' } });
    try {
      const line = await cli.waitForLine((text) => text.startsWith('Bistro serving '), 30_000);
      const url = line.slice('Bistro serving '.length);
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200, 'the node answers');
      assert.ok(cli.lines().some((text) => text.startsWith('config {') && text.includes('"kitchen":"manual"')), 'prints its config, flags applied');
      assert.ok(cli.lines().some((text) => text.startsWith('admin token (generated for this run')), 'prints the generated admin token');
      const result = await cli.stop('SIGTERM');
      assert.equal(result.code, 0, `exit 0 on SIGTERM; stderr: ${result.stderr}`);
    } finally {
      await cli.stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  const compiledSkip = existsSync(join(import.meta.dirname, '..', '..', 'dist', 'cli.js')) || process.env['CI'] === 'true' ? undefined : 'no compiled build here: npm run build';
  it("npm start's compiled JavaScript (dist/cli.js, no TypeScript loader) serves the API and the web UI with its hashed assets", { timeout, skip: compiledSkip }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bistro-dist-'));
    const cli = startCli(['serve', '--port', '0', '--kitchen', 'manual'], { compiled: true, env: { BISTRO_DB: `sqlite:${join(dir, 'bistro.db')}`, BISTRO_LOG_LEVEL: 'warn' } });
    try {
      const url = (await cli.waitForLine((text) => text.startsWith('Bistro serving '), 30_000)).slice('Bistro serving '.length);
      const menu = (await (await fetch(`${url}/menu`)).json()) as { items: { id: string }[] };
      assert.ok(menu.items.some((item) => item.id === 'fish-and-chips'), 'the compiled node serves the seeded menu');
      const page = await fetch(url);
      assert.equal(page.status, 200, 'the web UI is at /');
      const html = await page.text();
      const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      assert.ok(script, `index.html loads a hashed script from /assets: ${html}`);
      const asset = await fetch(`${url}${script}`);
      assert.equal(asset.status, 200, 'the script is served');
      assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable', 'hashed assets are cached for a year');
      assert.ok((await asset.arrayBuffer()).byteLength > 0, 'the script has a body');
      assert.equal((await cli.stop('SIGTERM')).code, 0, 'exit 0 on SIGTERM');
    } finally {
      await cli.stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a bad serve flag is a usage error; a bad value keeps its config message', { timeout }, async () => {
    const unknown = await runCli(['serve', '--prot', '3000']);
    assert.equal(unknown.code, 2, `exit 2; stderr: ${unknown.stderr}`);
    assert.match(unknown.stderr, /unknown option '--prot'[\s\S]*Did you mean --port\?/, 'suggests the flag');
    const bad = await runCli(['serve', '--port', 'abc']);
    assert.equal(bad.code, 1, `exit 1 as before; stderr: ${bad.stderr}`);
    assert.match(bad.stderr, /^bistro: PORT must be a whole number from 0 to 65535, not "abc"$/m, "config.ts's message");
  });
});
