/**
 * `bistro follow [orderId] --via sse`: prints each event as it arrives, through whichever push
 * pattern is named, until Ctrl-C (or `--count` / `--until-status`, for scripts). The client
 * resumes a dropped connection from the last event printed, so nothing is missed or repeated.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { OrderStatus } from '../../client/node.ts';
import type { CloudEvent, PushVia } from '../../client/types.ts';
import { orderStatuses } from '../domain/order.ts';
import { eventLine } from './event-text.ts';
import { onInterrupt } from './interrupt.ts';
import { commaList, wholeNumber, withConnectionOptions, type ConnectionOptions } from './options.ts';
import { isOrder } from './order-text.ts';
import { runCommand } from './run-command.ts';

export const pushVias: readonly PushVia[] = ['sse', 'ws', 'long-poll', 'poll', 'graphql-ws'];

interface FollowCommandOptions extends ConnectionOptions {
  via: PushVia;
  after?: string;
  types?: string[];
  untilStatus?: OrderStatus;
  count?: number;
}

function cursor(value: string): string {
  if (!/^\d{1,20}$/.test(value)) throw new InvalidArgumentError('a cursor is an event sequence number; 0 is the start of the log');
  return value;
}

/** Whether this event ends a `--until-status` follow: an order event that reached the status. */
function reaches(event: CloudEvent, status: OrderStatus | undefined): boolean {
  return status !== undefined && isOrder(event.data) && event.data.status === status;
}

export function followCommand(program: Command): Command {
  return withConnectionOptions(
    program
      .command('follow')
      .description('print events as they happen, one line each, until Ctrl-C')
      .argument('[orderId]', "only this order's events; then --after defaults to 0: its whole story so far, then what happens next")
      .addOption(new Option('--via <pattern>', 'the push pattern to follow through').choices(pushVias).default('sse'))
      .option('--after <cursor>', 'start after this event sequence; 0 is the start of the log (default: from now on)', cursor)
      .option('--types <types>', 'only these event types, comma-separated, e.g. order.ready,order.cancelled', commaList)
      .addOption(new Option('--until-status <status>', 'stop once an order reaches this status').choices(orderStatuses))
      .option('--count <n>', 'stop after this many events', wholeNumber(1, Number.MAX_SAFE_INTEGER)),
  ).action((orderId: string | undefined, options: FollowCommandOptions) =>
    runCommand(options, async ({ out, client }) => {
      const subject = orderId === undefined ? undefined : `orders/${orderId}`;
      // An unknown or foreign order is a not_found now, not a stream that never prints anything.
      if (orderId !== undefined) await out.waitFor('Looking up the order…', client.orders.get({ id: orderId }));
      const interrupt = onInterrupt();
      const events = client.follow({
        via: options.via,
        signal: interrupt.signal,
        ...(options.after !== undefined ? { after: options.after } : orderId !== undefined ? { after: '0' } : {}),
        ...(options.types === undefined ? {} : { types: options.types }),
        onReconnect: ({ attempt, delayMs, error }) =>
          out.note(`connection lost (${error instanceof Error ? error.message : String(error)}); reconnecting in ${Math.round(delayMs)} ms, attempt ${attempt}`),
      });
      let printed = 0;
      try {
        for (;;) {
          const next = await out.waitFor(`Following events via ${options.via}…`, events.next());
          if (next.done === true) break;
          const event = next.value;
          if (subject !== undefined && event.subject !== subject) continue;
          out.item(event, () => eventLine(event, out.colors));
          printed += 1;
          if (printed === options.count || reaches(event, options.untilStatus)) break;
        }
      } finally {
        interrupt.dispose();
        await events.return?.();
      }
    }),
  );
}
