/**
 * `bistro lab` as a person and a program run it: bad options exit 2 before anything starts; a small
 * run prints the table and writes the JSON and the HTML report; `--ndjson` speaks one object a line.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { LabResult } from '../../src/lab/lab-result.ts';
import { jsonLines, runCli } from './cli-process.ts';

const timeout = 110_000;
const timeoutMs = 100_000;
/** Where `bistro lab` writes without --out, run from the repository as runCli runs it. */
const defaultOut = fileURLToPath(new URL('../../lab-results', import.meta.url));
const small = ['--guests', '2', '--pace', '50', '--duration', '0', '--rounds', '1', '--requests', '0'];

describe('bistro lab', () => {
  it('refuses bad options with exit 2 and says which, before starting a node', { timeout }, async () => {
    for (const [args, said] of [
      [['--patterns', 'sse,smoke-signals'], /"smoke-signals" is not one of poll-1s, poll-5s, long-poll, sse, websocket, graphql-ws, webhook/],
      [['--guests', '0'], /whole number from 1/],
      [['--nodes', '3', '--db', 'sqlite:lab.db'], /needs PostgreSQL/],
      [['--nodes', '2', '--url', 'http://127.0.0.1:9'], /cannot be used with --url/],
    ] as const) {
      const result = await runCli(['lab', ...args]);
      assert.equal(result.code, 2, `bistro lab ${args.join(' ')} exits 2; stderr: ${result.stderr}`);
      assert.match(result.stderr, said, `bistro lab ${args.join(' ')} names the mistake`);
      assert.doesNotMatch(result.stderr, /Bistro serving/, 'no node was started');
    }
  });

  it('a small run prints the table and writes a JSON file and an HTML report', { timeout }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'bistro-lab-cli-'));
    try {
      const result = await runCli(['lab', ...small, '--patterns', 'sse,poll-1s', '--out', out], { timeoutMs });
      assert.equal(result.code, 0, `exit 0; stderr: ${result.stderr}`);
      assert.match(result.stdout, /^sse\s+\d/m, 'the table has a row for SSE with its numbers');
      assert.match(result.stdout, /^poll-1s\s+\d/m, 'and one for short polling');
      assert.match(result.stdout, /bistro lab --guests 2 --pace 50 --duration 0 --patterns poll-1s,sse --rounds 1 --requests 0 --seed 1/, 'the command that repeats the run');
      assert.match(result.stderr, /\[█+\] 3\/3 done/, 'the progress bar reached its end: the baseline and two patterns');
      const files = readdirSync(out).sort();
      assert.equal(files.length, 2, `a JSON file and an HTML file: ${files.join(', ')}`);
      const json = JSON.parse(readFileSync(join(out, files.find((file) => file.endsWith('.json')) ?? ''), 'utf8')) as LabResult;
      assert.deepEqual(json.patterns.map((summary) => summary.pattern), ['poll-1s', 'sse'], 'the JSON holds the two patterns');
      const html = readFileSync(join(out, files.find((file) => file.endsWith('.html')) ?? ''), 'utf8');
      assert.match(html, /<svg[^>]+role="img"/, 'the report has its charts inline');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('--ndjson: progress lines, then the result, and no files', { timeout }, async () => {
    const written = () => (existsSync(defaultOut) ? readdirSync(defaultOut) : []);
    const before = written();
    {
      const result = await runCli(['lab', ...small, '--patterns', 'websocket', '--ndjson'], { timeoutMs });
      assert.equal(result.code, 0, `exit 0; stderr: ${result.stderr}`);
      const lines = jsonLines(result) as { progress?: { done: number; total: number }; result?: LabResult }[];
      const last = lines.at(-1);
      assert.ok(last?.result, 'the last line is the result');
      assert.equal(last.result.patterns[0]?.pattern, 'websocket', 'of the pattern asked for');
      const progress = lines.flatMap((line) => (line.progress ? [line.progress] : []));
      assert.ok(progress.length >= 2, 'progress came before it');
      assert.deepEqual(progress.at(-1), { done: 2, total: 2, step: 'done' }, 'the last progress says done');
      assert.deepEqual(written(), before, 'no file was written where a run without --ndjson writes');
    }
  });
});
