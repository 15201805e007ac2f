// "Is my order ready?" — learnt by sse (client.follow with via 'sse'). Run: npx tsx examples/sse.ts
// The kitchen must move the order: `BISTRO_KITCHEN=auto npm start` does it by itself.
import { createClient } from 'bistro/client/node';

const url = process.env['BISTRO_URL'] ?? 'http://127.0.0.1:3000';
const client = createClient({ url });

const { token } = await client.guests.register({ table: 4, name: 'Ada' });
const guest = client.withToken(token);
const order = await guest.orders.place({ items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] });
console.log(`placed ${order.id}`);
// Resumes by itself after a dropped connection, from the last event it handed out.
for await (const event of guest.follow({ after: '0', types: ['order.accepted', 'order.preparing', 'order.ready'], via: 'sse' })) {
  console.log(`#${event.sequence} ${event.type}`);
  if (event.type === 'order.ready') break;
}
