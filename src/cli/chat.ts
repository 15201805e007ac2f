/**
 * `bistro chat <orderId>`: the order's conversation in a terminal. Each line typed (or piped) on
 * stdin is sent as a message; every message posted to the order, from either side, is printed
 * as it arrives. Ends on end of input (once what was typed is sent) or Ctrl-C.
 */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { BistroClientError, type BistroClient, type Chat, type Message } from '../../client/node.ts';
import { onInterrupt } from './interrupt.ts';
import { withConnectionOptions, type ConnectionOptions } from './options.ts';
import { clock, type Output } from './output.ts';
import { runCommand } from './run-command.ts';

function messageLine(message: Message, out: Output): string {
  const from = message.from === 'guest' ? out.colors.cyan(message.from) : out.colors.magenta(message.from);
  return `${clock(message.at)}  ${from}: ${message.text}`;
}

/** Prints each message once: the send's answer and the socket's notification are the same message. */
function printerOf(out: Output): (message: Message) => void {
  const printed = new Set<string>();
  return (message) => {
    if (printed.has(message.id)) return;
    printed.add(message.id);
    out.item(message, () => messageLine(message, out));
  };
}

/** Sends each stdin line until end of input (or Ctrl-C) while printing what arrives; a refused send is reported and the chat goes on. */
async function chat(client: BistroClient, orderId: string, out: Output, history: boolean): Promise<void> {
  const print = printerOf(out);
  const interrupt = onInterrupt();
  try {
    // Resolves once subscribed, so a reply posted after this is heard; an order the caller may not read is not_found here.
    const conversation = await out.waitFor(
      'Opening the chat…',
      client.chat(orderId, {
        ...(history ? { after: '0' } : {}),
        signal: interrupt.signal,
        onReconnect: ({ attempt, delayMs }) => out.note(`connection lost; reconnecting in ${Math.round(delayMs)} ms, attempt ${attempt}`),
      }),
    );
    try {
      await converse(conversation, interrupt.signal, print, out);
    } finally {
      conversation.close();
    }
  } finally {
    interrupt.dispose();
  }
}

/** Reads stdin only now that the chat is open: lines piped in earlier wait in the pipe, none is lost. */
async function converse(conversation: Chat, signal: AbortSignal, print: (message: Message) => void, out: Output): Promise<void> {
  out.note('Type a message and press Enter; Ctrl-D or Ctrl-C ends the chat.');
  const lines = createInterface({ input: process.stdin, terminal: false });
  signal.addEventListener('abort', () => lines.close(), { once: true });
  let failure: { error: unknown } | undefined;
  // The chat stopping for good (a revoked token, say) ends the reading too, so the error is shown now.
  const incoming = (async () => {
    for await (const message of conversation) print(message);
  })().catch((error: unknown) => {
    failure = { error };
    lines.close();
  });
  try {
    for await (const line of lines) {
      const text = line.trim();
      if (text === '') continue;
      try {
        // The chat gives each send its own client message id, so a send retried after a drop posts once.
        print(await conversation.send(text));
      } catch (error) {
        if (!(error instanceof BistroClientError) || error.code !== 'validation_failed') throw error;
        out.error(error);
      }
    }
  } finally {
    lines.close();
    conversation.close();
    await incoming;
  }
  if (failure !== undefined) throw failure.error;
}

export function chatCommand(program: Command): Command {
  return withConnectionOptions(
    program
      .command('chat')
      .description("talk with the staff about an order: lines on stdin are sent, messages from both sides are printed; ends on end of input or Ctrl-C")
      .argument('<orderId>', 'the order to talk about')
      .option('--history', 'print the conversation so far first'),
  ).action((orderId: string, options: ConnectionOptions & { history?: boolean }) =>
    runCommand(options, async ({ out, client }) => {
      await chat(client, orderId, out, options.history === true);
    }),
  );
}
