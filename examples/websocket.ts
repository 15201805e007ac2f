// Guest and waiter talk both ways over the WebSocket (/ws), and the waiter speaks first.
// Run: npx tsx examples/websocket.ts (BISTRO_ADMIN_TOKEN: the admin token `npm start` printed)
import { createClient } from 'bistro/client/node';

const url = process.env['BISTRO_URL'] ?? 'http://127.0.0.1:3000';
const client = createClient({ url });
const admin = client.withToken(process.env['BISTRO_ADMIN_TOKEN']);

const { token } = await client.guests.register({ table: 4, name: 'Ada' });
const guest = client.withToken(token);
const order = await guest.orders.place({ items: [{ menuItemId: 'fish-and-chips', quantity: 1 }] });
const waiter = client.withToken((await admin.keys.create({ role: 'waiter', name: 'Sam' })).token);

const guestChat = await guest.chat(order.id);
const waiterChat = await waiter.chat(order.id);
await waiterChat.send('Would you like vinegar with that?');
for await (const message of guestChat.messages) {
  console.log(`${message.from}: ${message.text}`);
  if (message.from === 'waiter') await guestChat.send('Yes please!');
  else break;
}
guestChat.close();
waiterChat.close();
