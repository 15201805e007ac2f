/**
 * The frame around every client command: its output (human or --json), its client, and one place
 * that turns whatever ended it into a line on stderr and an exit status (src/cli/exit-codes.ts).
 */
import type { BistroClient } from '../../client/node.ts';
import type { RequestVia } from '../../client/types.ts';
import { exitCodeOf, exitCodes } from './exit-codes.ts';
import { clientOf, connectionOf, type Connection, type ConnectionOptions } from './options.ts';
import { createOutput, type Output } from './output.ts';

export interface CommandContext {
  out: Output;
  client: BistroClient;
  connection: Connection;
}

/**
 * Runs `body`, reports what ended it and sets the exit status. `via`: the request-response
 * pattern the client's calls go through (`--via` of menu, order, status).
 */
export async function runCommand(options: ConnectionOptions, body: (context: CommandContext) => Promise<void>, via?: RequestVia): Promise<void> {
  const out = createOutput({ json: options.json === true });
  let code: number = exitCodes.ok;
  try {
    const connection = connectionOf(options);
    await body({ out, connection, client: clientOf(connection, via) });
  } catch (error) {
    out.error(error);
    code = exitCodeOf(error);
  }
  process.exitCode = code;
  // A kept-alive socket or a closing WebSocket must not hold a finished command open; the timer is
  // unref'd, so a process with nothing left to do ends at once.
  setTimeout(() => process.exit(code), 1000).unref();
}
