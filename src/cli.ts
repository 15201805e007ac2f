/**
 * `bistro`: the command line. `serve` starts a node (and is what `bistro` alone does); the other
 * commands are built on the typed client (client/), one module each in src/cli/. Exit statuses
 * are listed in src/cli/exit-codes.ts and the README.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { exitCodes } from './cli/exit-codes.ts';
import { followCommand } from './cli/follow.ts';
import { labCommand } from './cli/lab.ts';
import { chatCommand } from './cli/chat.ts';
import { menuCommand } from './cli/menu.ts';
import { orderCommand } from './cli/order.ts';
import { serveCommand } from './cli/serve.ts';
import { statusCommand } from './cli/status.ts';
import { webhooksCommand } from './cli/webhooks-listen.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** `bistro menu` rather than commander's bare `menu` in usage lines. */
const fullName = (command: Command): string => (command.parent ? `${fullName(command.parent)} ${command.name()}` : command.name());

/**
 * Every command throws instead of exiting on a parse error, and prints the error with its usage
 * line; commander's own parse errors (unknown flag, missing argument) then exit 2, not 1.
 */
function parseErrorsAsUsage(command: Command, json: boolean): void {
  command.exitOverride().configureOutput({
    outputError(message, write) {
      const usage = `${fullName(command)} ${command.usage()}`;
      const said = message.trimEnd().replace(/^error: /, '');
      write(json ? `${JSON.stringify({ error: { code: 'usage', message: said, usage } })}\n` : `error: ${said}\nUsage: ${usage}\nSee: ${fullName(command)} --help\n`);
    },
  });
  for (const sub of command.commands) parseErrorsAsUsage(sub, json);
}

/** `json`: --json is on the command line, so even a parse error is a JSON object (the flags are not parsed yet). */
function createProgram(json: boolean): Command {
  const program = new Command('bistro')
    .description('Bistro: one kitchen, six ways to reach it. Commands other than serve talk to a node at --url (default $BISTRO_URL or http://127.0.0.1:3000).')
    .version(version)
    .addHelpText(
      'after',
      `
Examples:
  bistro serve --port 3000
  bistro menu
  bistro order fish-and-chips --adjust salt=0 --adjust fish=2 --table 4
  bistro follow --via sse
  bistro webhooks listen --types order.ready
  bistro lab --guests 20 --rounds 1

Exit status: 0 ok, 1 the server refused (code on stderr), 2 usage error, 3 cannot reach the server,
4 token missing or not allowed, 5 server busy or not ready: try again later.`,
    );
  for (const add of [serveCommand, menuCommand, orderCommand, statusCommand, followCommand, chatCommand, webhooksCommand, labCommand]) add(program);
  parseErrorsAsUsage(program, json);
  return program;
}

/** `bistro` alone, or with only flags (`bistro --port 0`), serves: what it did before it had commands. */
function withDefaultCommand(argv: readonly string[]): string[] {
  const [first] = argv;
  const asksTheProgram = first === '--help' || first === '-h' || first === '--version' || first === '-V';
  return first === undefined || (first.startsWith('-') && !asksTheProgram) ? ['serve', ...argv] : [...argv];
}

async function main(argv: readonly string[]): Promise<void> {
  try {
    await createProgram(argv.includes('--json')).parseAsync(withDefaultCommand(argv), { from: 'user' });
  } catch (error) {
    // Help and --version end with exit status 0; every other parse error is a usage error.
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? exitCodes.ok : exitCodes.usage);
    throw error;
  }
}

await main(process.argv.slice(2));
