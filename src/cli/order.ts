/**
 * `bistro order <menuItemId> --adjust salt=0 --adjust fish=2`: places one order. With no token it
 * first registers a guest (orders are a guest's) and prints the token to keep for `status`,
 * `follow` and `chat`. The idempotency key makes a retried place answer the same order.
 */
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import type { GuestRegistration, OrderItemRequest } from '../../client/node.ts';
import type { RequestVia } from '../../client/types.ts';
import { viaOption, wholeNumber, withConnectionOptions, type ConnectionOptions } from './options.ts';
import { orderSummary } from './order-text.ts';
import { runCommand } from './run-command.ts';

interface OrderOptions extends ConnectionOptions {
  adjust: Record<string, number>;
  quantity: number;
  table: number;
  name: string;
  note?: string;
  via: RequestVia;
  idempotencyKey?: string;
}

/** `--adjust fish=2`, repeatable, gathered into `{ fish: 2 }`. */
export function adjustment(value: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([^=\s]+)=(\d+)$/.exec(value.trim());
  if (!match?.[1] || match[2] === undefined) throw new InvalidArgumentError('write it as ingredient=portions, e.g. salt=0 or fish=2');
  return { ...previous, [match[1]]: Number(match[2]) };
}

function tokenText(registration: GuestRegistration): string {
  return [
    `Registered ${registration.guest.name} at table ${registration.guest.table}. Your guest token (shown once):`,
    `  ${registration.token}`,
    `Keep it for status, follow and chat:  export BISTRO_TOKEN=${registration.token}`,
  ].join('\n');
}

export function orderCommand(program: Command): Command {
  return withConnectionOptions(
    program
      .command('order')
      .description('place an order for one dish, registering a guest first when no token is given')
      .argument('<menuItemId>', 'a dish id from `bistro menu`, e.g. fish-and-chips')
      .option('--adjust <ingredient=portions>', 'portions of one ingredient, within the range `bistro menu` shows (repeatable)', adjustment, {})
      .option('--quantity <n>', 'how many', wholeNumber(1, 1000), 1)
      .option('--note <text>', 'a note for the kitchen')
      .option('--table <n>', 'your table, when registering a guest', wholeNumber(1, 999), 1)
      .option('--name <name>', 'your name, when registering a guest', 'Guest')
      .option('--idempotency-key <key>', 'send the same key again to get the same order, never a second one (default: a new UUID)')
      .addOption(viaOption()),
  ).action((menuItemId: string, options: OrderOptions) =>
    runCommand(options, async ({ out, client: anyone, connection }) => {
      let client = anyone;
      let registration: GuestRegistration | undefined;
      if (connection.token === undefined) {
        registration = await out.waitFor('Registering a guest…', anyone.guests.register({ table: options.table, name: options.name }, { via: options.via }));
        client = anyone.withToken(registration.token);
        // Shown before the order is placed, so the token is not lost if placing fails.
        if (!out.json) out.result(registration, () => tokenText(registration!));
      }
      const item: OrderItemRequest = { menuItemId, quantity: options.quantity };
      if (Object.keys(options.adjust).length > 0) item.adjustments = options.adjust;
      if (options.note !== undefined) item.note = options.note;
      const idempotencyKey = options.idempotencyKey ?? randomUUID();
      const order = await out.waitFor('Placing the order…', client.orders.place({ items: [item] }, { via: options.via, idempotencyKey }));
      const answer = registration === undefined ? { order, idempotencyKey } : { order, idempotencyKey, guest: registration.guest, token: registration.token };
      out.result(answer, () => `Order ${out.colors.bold(order.id)} ${orderSummary(order)}`);
    }, options.via),
  );
}
