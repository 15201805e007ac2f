/**
 * `bistro webhooks listen`: a local receiver for trying webhooks in a terminal, like `stripe
 * listen`. It registers an endpoint pointing at itself, verifies each delivery's signature with
 * the endpoint's secret, prints it, and deletes the endpoint on Ctrl-C.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { verifyWebhook, type BistroClient, type WebhookEventType } from '../../client/node.ts';
import { BistroClientError } from '../../client/errors.ts';
import { webhookEventTypes } from '../domain/webhook.ts';
import type { CloudEvent } from '../../client/types.ts';
import { eventLine } from './event-text.ts';
import { onInterrupt } from './interrupt.ts';
import { commaList, wholeNumber, withConnectionOptions, type ConnectionOptions } from './options.ts';
import { clock, type Output } from './output.ts';
import { runCommand } from './run-command.ts';

/** Bistro's deliveries are one CloudEvent each, far below this; more is not a Bistro delivery. */
const maxBodyBytes = 1_048_576;

interface ListenOptions extends ConnectionOptions {
  port: number;
  types?: string[];
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > maxBodyBytes ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Answers one delivery: 204 when it verifies, 400 when it does not, and prints either. */
async function receive(request: IncomingMessage, response: ServerResponse, secret: Promise<string>, out: Output): Promise<void> {
  const body = await readBody(request);
  const webhookId = String(request.headers['webhook-id'] ?? '');
  try {
    if (body === undefined) throw new Error(`body over ${maxBodyBytes} bytes`);
    const event = verifyWebhook(await secret, request.headers, body) as CloudEvent;
    response.writeHead(204).end();
    out.item({ kind: 'delivery', verified: true, webhookId, event }, () => `${out.colors.green('✓ verified')}  ${eventLine(event, out.colors)}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    response.writeHead(400, { 'content-type': 'text/plain' }).end(`refused: ${reason}\n`);
    out.item({ kind: 'refused', verified: false, webhookId, reason }, () => `${out.colors.red('✗ refused')}   ${clock(new Date().toISOString())}  ${reason} (answered 400)`);
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** The node refuses loopback targets unless told otherwise: say which setting, not just "invalid". */
function explainRefusedUrl(error: unknown): unknown {
  if (!(error instanceof BistroClientError) || error.code !== 'validation_failed' || !error.fields.some((field) => field.pointer === '/url')) return error;
  const detail = error.fields.find((field) => field.pointer === '/url')?.detail ?? error.message;
  return new BistroClientError(error.code, `the node refused the receiver's URL: ${detail}. A local receiver needs a node started with BISTRO_WEBHOOK_ALLOW_PRIVATE=1 (development only)`, {
    status: error.status,
    fields: error.fields,
    details: { ...error.details },
  });
}

async function deleteEndpoint(client: BistroClient, id: string, out: Output): Promise<void> {
  await out.waitFor('Deleting the endpoint…', client.webhooks.delete({ id }));
  out.note(`Deleted endpoint ${id}.`);
}

export function webhooksCommand(program: Command): Command {
  const webhooks = program.command('webhooks').description('try webhooks from a terminal');
  withConnectionOptions(
    webhooks
      .command('listen')
      .description('run a local receiver, register it as an endpoint, print each verified delivery; Ctrl-C deletes the endpoint')
      .option('--port <port>', 'port for the receiver on 127.0.0.1 (default: any free one)', wholeNumber(0, 65535), 0)
      .option('--types <types>', 'event types to ring for, comma-separated (default: all)', commaList),
  ).action((options: ListenOptions) =>
    runCommand(options, async ({ out, client }) => {
      let resolveSecret: (secret: string) => void = () => {};
      const secret = new Promise<string>((resolve) => (resolveSecret = resolve));
      // Deliveries can arrive before the create call answers with the secret: they wait for it.
      const server = createServer((request, response) => void receive(request, response, secret, out));
      const port = await listen(server, options.port);
      const url = `http://127.0.0.1:${port}/`;
      const interrupt = onInterrupt();
      try {
        // Every type an endpoint may ring for, unless told: the domain's own list.
        const types = (options.types ?? webhookEventTypes) as WebhookEventType[];
        const endpoint = await out.waitFor('Registering the endpoint…', client.webhooks.create({ url, types, description: 'bistro webhooks listen' })).catch((error: unknown) => {
          throw explainRefusedUrl(error);
        });
        resolveSecret(endpoint.secret);
        out.result({ kind: 'listening', url, endpoint }, () =>
          [
            `Ready: endpoint ${out.colors.bold(endpoint.id)} rings ${url} for ${options.types === undefined ? 'every event type' : endpoint.types.join(', ')}`,
            `Signing secret (shown once): ${endpoint.secret}`,
            'Waiting for deliveries; Ctrl-C deletes the endpoint and stops.',
          ].join('\n'),
        );
        if (!interrupt.signal.aborted) await new Promise((resolve) => interrupt.signal.addEventListener('abort', resolve, { once: true }));
        await deleteEndpoint(client, endpoint.id, out);
      } finally {
        interrupt.dispose();
        server.closeAllConnections();
        server.close();
      }
    }),
  );
  return webhooks;
}
