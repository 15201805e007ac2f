// Place an order over REST and read it back. Run: npx tsx examples/rest.ts (with `npm start` running)
import { createClient } from 'bistro/client/node';

const url = process.env['BISTRO_URL'] ?? 'http://127.0.0.1:3000';
const client = createClient({ url, via: 'rest' });

const { token } = await client.guests.register({ table: 4, name: 'Ada' });
const guest = client.withToken(token);
const order = await guest.orders.place(
  { items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] },
  { idempotencyKey: crypto.randomUUID() },
);
console.log(`placed ${order.id}: ${order.status}, ${order.totalCents} cents`);
const again = await guest.orders.get({ id: order.id });
console.log(`read back over REST: ${again.status}`);
