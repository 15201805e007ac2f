// The same order as JSON-RPC 2.0 calls (POST /rpc). Run: npx tsx examples/rpc.ts
import { createClient } from 'bistro/client/node';

const url = process.env['BISTRO_URL'] ?? 'http://127.0.0.1:3000';
const client = createClient({ url, via: 'rpc' });

const { token } = await client.guests.register({ table: 4, name: 'Ada' });
const guest = client.withToken(token);
const order = await guest.orders.place({ items: [{ menuItemId: 'fish-and-chips', quantity: 1, adjustments: { salt: 0, fish: 2 } }] });
console.log(`placed ${order.id} over JSON-RPC: ${order.status}`);
try {
  await guest.orders.setStatus({ id: order.id, status: 'ready' });
} catch (error) {
  // The same typed error whichever pattern carried it: code, status, field pointers.
  console.log(`a guest may not move it: ${(error as { code: string }).code}`);
}
