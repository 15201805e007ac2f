/** `bistro serve`: starts a node from flags and environment, prints its config (secrets hidden). */
import type { Command } from 'commander';
import { ConfigError, describeConfig, loadConfig } from '../config.ts';

/** The flags loadConfig reads (src/config.ts); every other setting is an environment variable. */
const flags = ['port', 'host', 'db', 'kitchen'] as const;
type ServeOptions = Partial<Record<(typeof flags)[number], string>>;

async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(argv);
  // Loaded here, not at the top: the server's modules take seconds to load, and `bistro menu` needs none of them.
  const { startNode } = await import('../server.ts');
  const node = await startNode(config);
  // test/helpers/serve-process.ts reads the URL from this line.
  console.log(`Bistro serving ${node.url}`);
  console.log(`config ${JSON.stringify(describeConfig(config))}`);
  if (!config.adminToken) console.log(`admin token (generated for this run; set BISTRO_ADMIN_TOKEN to keep one): ${node.adminToken}`);
  const shutdown = () => {
    node.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

export function serveCommand(program: Command): Command {
  return program
    .command('serve')
    .description('start a Bistro node (also what `bistro` alone does); other settings come from the environment (README: Configuration)')
    .option('--port <port>', 'port to listen on, 0 for any free one (default: $PORT or 3000)')
    .option('--host <host>', 'address to listen on; 0.0.0.0 serves the network (default: $HOST or 127.0.0.1)')
    .option('--db <db>', 'sqlite:<file> or postgres://… (default: $BISTRO_DB or sqlite:./bistro.db)')
    .option('--kitchen <mode>', 'auto moves orders along by itself, manual waits for staff (default: $BISTRO_KITCHEN or auto)')
    .action(async (options: ServeOptions) => {
      // loadConfig validates the values and owns the flag-over-environment rule, so it gets them as flags.
      const argv = flags.flatMap((flag) => (options[flag] === undefined ? [] : [`--${flag}`, options[flag]]));
      await serve(argv).catch((error: unknown) => {
        console.error(error instanceof ConfigError ? `bistro: ${error.message}` : error);
        process.exit(1);
      });
    });
}
