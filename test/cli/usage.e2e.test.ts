/** The command line's contract with scripts: usage errors exit 2 with a usage line, --help exits 0, an absent node exits 3. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { jsonLines, runCli } from './cli-process.ts';

const timeout = 60_000;

describe('bistro usage', () => {
  it('--help on the program and on every command exits 0 with a usage line', { timeout }, async () => {
    for (const args of [['--help'], ['menu', '--help'], ['order', '--help'], ['status', '--help'], ['follow', '--help'], ['chat', '--help'], ['webhooks', 'listen', '--help'], ['serve', '--help']]) {
      const result = await runCli(args);
      assert.equal(result.code, 0, `bistro ${args.join(' ')} exits 0; stderr: ${result.stderr}`);
      assert.match(result.stdout, /^Usage: bistro/m, `bistro ${args.join(' ')} prints a usage line`);
      if (args[0] !== '--help' && args[0] !== 'serve') assert.match(result.stdout, /--url <url>[\s\S]*--token <token>[\s\S]*--json/, `bistro ${args.join(' ')} lists the shared flags`);
    }
  });

  it('an unknown command prints a usage line on stderr and exits 2', { timeout }, async () => {
    const result = await runCli(['menuu']);
    assert.equal(result.code, 2, `exit status 2; stderr: ${result.stderr}`);
    assert.match(result.stderr, /unknown command 'menuu'/, 'names the unknown command');
    assert.match(result.stderr, /\(Did you mean menu\?\)/, 'suggests the near one');
    assert.match(result.stderr, /^Usage: bistro /m, 'prints a usage line');
    assert.equal(result.stdout, '', 'nothing on stdout');
  });

  it('bad flags and arguments exit 2 with the command\'s usage line, before any network call', { timeout }, async () => {
    const cases: [string[], RegExp][] = [
      [['menu', '--bogus'], /unknown option '--bogus'/],
      [['order'], /missing required argument 'menuItemId'/],
      [['order', 'fish-and-chips', '--adjust', 'salt'], /ingredient=portions/],
      [['order', 'fish-and-chips', '--quantity', '0'], /whole number from 1/],
      [['order', 'fish-and-chips', '--via', 'soap'], /Allowed choices are rest, rpc, graphql/],
      [['follow', '--via', 'carrier-pigeon'], /Allowed choices are sse, ws, long-poll, poll, graphql-ws/],
      [['follow', '--after', 'yesterday'], /cursor/],
      [['status'], /missing required argument 'orderId'/],
      [['status', 'a', 'b'], /too many arguments/],
      [['menu', '--url', 'not a url'], /is not a URL/],
      [['webhooks', 'listen', '--port', '70000'], /whole number from 0 to 65535/],
    ];
    for (const [args, message] of cases) {
      // A URL nobody serves: had the command gone to the network it would exit 3, not 2.
      const result = await runCli(args, { env: { BISTRO_URL: 'http://127.0.0.1:9' } });
      assert.equal(result.code, 2, `bistro ${args.join(' ')} exits 2; stderr: ${result.stderr}`);
      assert.match(result.stderr, message, `bistro ${args.join(' ')} says what is wrong`);
      assert.match(result.stderr, /^Usage: bistro \S+/m, `bistro ${args.join(' ')} prints its usage line`);
    }
  });

  it('with --json a usage error is a JSON object on stderr; a command group without its command is a usage error', { timeout }, async () => {
    const result = await runCli(['follow', '--json', '--count', 'many']);
    assert.equal(result.code, 2, `exit status 2; stderr: ${result.stderr}`);
    const [line, ...rest] = jsonLines({ stdout: result.stderr, stderr: '' });
    assert.equal(rest.length, 0, 'one line');
    assert.equal(line.error.code, 'usage', 'the code says usage');
    assert.match(line.error.message, /--count <n>.*whole number/, 'the message says what is wrong');
    assert.match(line.error.usage, /^bistro follow \[options\] \[orderId\]$/, 'and how to call it');

    const group = await runCli(['webhooks']);
    assert.equal(group.code, 2, `bistro webhooks alone exits 2; stderr: ${group.stderr}`);
    assert.match(group.stderr, /listen/, 'and lists its commands');
  });

  it('a bad BISTRO_URL is a usage error too', { timeout }, async () => {
    const result = await runCli(['menu'], { env: { BISTRO_URL: 'ftp://example.com' } });
    assert.equal(result.code, 2, `exit status 2; stderr: ${result.stderr}`);
    assert.match(result.stderr, /BISTRO_URL: "ftp:\/\/example.com" is not an http\(s\) URL/, 'names the variable');
  });

  it('a node that is not there exits 3 with network_error, as a line or as JSON', { timeout }, async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const human = await runCli(['menu', '--url', url]);
    assert.equal(human.code, 3, `exit status 3 (cannot reach); stderr: ${human.stderr}`);
    assert.match(human.stderr, /^bistro: network_error: .*bistro serve/, 'one line with the code and a hint');
    assert.equal(human.stderr.trimEnd().split('\n').length, 1, 'one line on stderr');

    const json = await runCli(['status', 'ord_x', '--json'], { env: { BISTRO_URL: url } });
    assert.equal(json.code, 3, `exit status 3 with --json too; stderr: ${json.stderr}`);
    const [line] = jsonLines({ stdout: json.stderr, stderr: '' });
    assert.equal(line.error.code, 'network_error', 'a JSON object with the code on stderr');
    assert.equal(json.stdout, '', 'nothing on stdout');
  });

  it('--version prints the package version', { timeout }, async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0, 'exit status 0');
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/, 'a version number');
  });
});
