/**
 * PostgreSQL restarts under a node: while it is away requests fail fast with a 503 problem (and
 * Retry-After), `/readyz` says so, and once it is back the node serves again on its own. The
 * database is the test's own (initdb in a temporary directory, as the postgres user), so stopping
 * it disturbs no other test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { startTestNode, waitFor } from '../helpers/node.ts';
import { freePort } from '../helpers/free-port.ts';

const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
const bin = versions.length > 0 ? `/usr/lib/postgresql/${versions.at(-1)}/bin` : undefined;
const canRun = bin !== undefined && existsSync(join(bin, 'initdb')) && userInfo().uid === 0 && spawnSync('runuser', ['--help']).status === 0;
const skip = canRun || process.env['CI'] === 'true' ? undefined : 'needs PostgreSQL server binaries (apt-get install -y postgresql) and root to run initdb as the postgres user';


const asPostgres = (command: string, ...args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', join(bin ?? '', command), ...args], { stdio: 'ignore' });

test('PostgreSQL restarts: requests fail fast with 503 while it is away, and the node recovers by itself', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bistro-pg-'));
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const data = join(dir, 'data');
  const port = await freePort();
  asPostgres('initdb', '-D', data, '-A', 'trust', '-U', 'postgres');
  const start = () => asPostgres('pg_ctl', '-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', join(dir, 'log'), '-w', 'start');
  const stop = () => asPostgres('pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop');
  start();
  t.after(() => {
    try {
      stop();
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const node = await startTestNode({ BISTRO_DB: `postgres://postgres@127.0.0.1:${port}/postgres`, BISTRO_DB_SCHEMA: 'bistro' });
  t.after(() => node.close());
  const guest = await node.guest();
  assert.equal((await node.request('/orders', { token: guest.token })).status, 200, 'serving');

  stop();
  const started = performance.now();
  const refused = await node.request('/orders', { token: guest.token });
  const took = performance.now() - started;
  assert.equal(refused.status, 503, `unavailable while the database is away: ${refused.text}`);
  assert.equal(refused.body.code, 'unavailable', 'the catalogue code');
  assert.equal(refused.headers.get('retry-after'), '1', 'with Retry-After');
  assert.ok(took < 3000, `it fails fast (${Math.round(took)} ms)`);
  assert.equal((await node.request('/readyz')).status, 503, '/readyz says the node cannot serve');

  start();
  const back = await waitFor(async () => {
    const answer = await node.request('/orders', { token: guest.token });
    return answer.status === 200 ? answer : undefined;
  }, 15_000, 200);
  assert.equal(back.status, 200, 'serving again once PostgreSQL is back, without a restart of the node');
  const placed = await node.request('/orders', { token: guest.token, json: { items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] } });
  assert.equal(placed.status, 201, 'and writing');
});
