/** `bistro serve`: starts a node from flags and environment, prints its config (secrets hidden). */
import { ConfigError, describeConfig, loadConfig } from './config.ts';
import { startNode } from './server.ts';

async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(argv);
  const node = await startNode(config);
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

const [command = 'serve', ...rest] = process.argv.slice(2);
if (command === 'serve') {
  serve(rest).catch((error: unknown) => {
    console.error(error instanceof ConfigError ? `bistro: ${error.message}` : error);
    process.exit(1);
  });
} else {
  console.error(`bistro: unknown command "${command}". Try: bistro serve [--port N] [--host H] [--db sqlite:file] [--kitchen auto|manual]`);
  process.exit(2);
}
