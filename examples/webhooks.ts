// Hand Bistro a bell: a local receiver that verifies each signed delivery (Standard Webhooks).
// Run: npx tsx examples/webhooks.ts (the node needs BISTRO_WEBHOOK_ALLOW_PRIVATE=1 and BISTRO_KITCHEN=auto)
import { createServer } from 'node:http';
import { createClient, verifyWebhook } from 'bistro/client/node';

const url = process.env['BISTRO_URL'] ?? 'http://127.0.0.1:3000';
const client = createClient({ url });
const { token } = await client.guests.register({ table: 4, name: 'Ada' });
const guest = client.withToken(token);

let secret = '';
const bell = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const event = verifyWebhook(secret, request.headers, body) as { type: string; subject: string };
    console.log(`verified ${event.type} for ${event.subject}`);
    response.writeHead(204).end();
    if (event.type === 'order.ready') bell.close(() => void guest.webhooks.delete({ id: endpoint.id }));
  });
}).listen(0, '127.0.0.1');
await new Promise((resolve) => bell.once('listening', resolve));
const { port } = bell.address() as { port: number };
const endpoint = await guest.webhooks.create({ url: `http://127.0.0.1:${port}/bell`, types: ['order.ready'] });
secret = endpoint.secret;
await guest.orders.place({ items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] });
