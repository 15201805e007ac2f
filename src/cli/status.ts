/** `bistro status <orderId>`: where an order is, as a sentence (or the order as JSON). */
import type { Command } from 'commander';
import type { RequestVia } from '../../client/types.ts';
import { viaOption, withConnectionOptions, type ConnectionOptions } from './options.ts';
import { itemsOf, statusSentence } from './order-text.ts';
import { clock, money } from './output.ts';
import { runCommand } from './run-command.ts';

export function statusCommand(program: Command): Command {
  return withConnectionOptions(
    program
      .command('status')
      .description("show an order's status (a guest sees only their own orders)")
      .argument('<orderId>', 'the id `bistro order` printed, e.g. ord_01J…')
      .addOption(viaOption()),
  ).action((orderId: string, options: ConnectionOptions & { via: RequestVia }) =>
    runCommand(options, async ({ out, client }) => {
      const order = await out.waitFor('Asking the kitchen…', client.orders.get({ id: orderId }));
      out.result(order, () =>
        [
          out.colors.bold(statusSentence(order.status)),
          `${order.id}: ${itemsOf(order)} · ${money(order.totalCents)} · table ${order.table} · updated ${clock(order.updatedAt)}`,
        ].join('\n'),
      );
    }, options.via),
  );
}
