/**
 * `npm test`: every test on SQLite, then every integration suite (`*.int.test.ts`) again on
 * PostgreSQL, so no pattern can work on one backend and not the other. Store-level suites
 * (test/store) loop over both backends themselves. Without a reachable PostgreSQL the second run
 * is skipped with a line saying how to enable it, except under CI=true, where it runs and fails.
 * Arguments after `--` are passed to node's test runner (e.g. `npm test -- --test-name-pattern=bell`).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { postgresSkipReason, postgresUrl } from '../test/helpers/backends.ts';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? testFiles(join(dir, entry.name)) : entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : []))
    .sort();
}

function run(label: string, files: string[], env: Record<string, string>): number {
  console.log(`# ${label}: ${files.length} files`);
  const extra = process.argv.slice(2);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-timeout=120000', ...extra, ...files], { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

const all = testFiles('test');
let status = run('SQLite', all, { BISTRO_TEST_DB: 'sqlite' });
const skip = await postgresSkipReason();
if (skip) console.log(`# skipped the PostgreSQL run of the integration suites: ${skip}`);
else status = Math.max(status, run(`PostgreSQL (${postgresUrl})`, all.filter((file) => file.endsWith('.int.test.ts') && !file.startsWith(join('test', 'store'))), { BISTRO_TEST_DB: 'postgres' }));
process.exit(status);
