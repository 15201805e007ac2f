/**
 * The waiter console: the open orders (live over SSE, like the kitchen board), and a conversation
 * with any table. Guest messages on an order whose conversation is not open mark it unread, so the
 * waiter sees who is waiting for an answer without opening every table.
 */
import { useCallback, useState } from 'react';
import type { Message } from 'bistro/client';
import { StaffOnly } from '../../components/staff-sign-in.tsx';
import type { StaffSession } from '../../session.ts';
import { columnTitle } from '../../status-text.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { ForDevelopers } from '../../components/for-developers.tsx';
import { OrderItems } from '../staff/order-items.tsx';
import { isOpen, timePlaced } from '../staff/order-words.ts';
import { useLiveOrders } from '../staff/use-live-orders.ts';
import { Conversation } from './conversation.tsx';
import '../staff/staff.css';
import './waiter.css';

export function WaiterConsole() {
  return (
    <StaffOnly roles={['waiter', 'admin']} purpose="The waiter console is for the floor staff: sign in with a waiter key (or the admin token) to see open orders and talk to tables.">
      {(staff) => <Console staff={staff} />}
    </StaffOnly>
  );
}

function Console({ staff }: { staff: StaffSession }) {
  const [openId, setOpenId] = useState<string>();
  const [unread, setUnread] = useState<ReadonlySet<string>>(new Set());

  const heard = useCallback(
    (message: Message) => {
      if (message.from !== 'guest' || message.orderId === openId) return;
      setUnread((previous) => new Set(previous).add(message.orderId));
    },
    [openId],
  );
  const { orders, loading, error } = useLiveOrders(staff.token, heard);

  function talkTo(orderId: string) {
    setOpenId(orderId);
    setUnread((previous) => {
      const next = new Set(previous);
      next.delete(orderId);
      return next;
    });
  }

  const open = orders.filter(isOpen);
  const talking = orders.find((order) => order.id === openId);

  return (
    <div className="waiter">
      <h1>Waiter console</h1>
      <ErrorNotice error={error} />
      <div className="waiter-layout">
        <section aria-labelledby="open-orders-title" className="open-orders">
          <h2 id="open-orders-title">Open orders</h2>
          {loading && <p role="status">Loading orders…</p>}
          {!loading && open.length === 0 && <p className="quiet-text">No open orders right now.</p>}
          {open.map((order) => (
            <article key={order.id} className={`card waiter-order${order.id === openId ? ' talking' : ''}`} data-order-id={order.id} data-status={order.status}>
              <header className="waiter-order-head">
                <h3>Table {order.table}</h3>
                <span className="status-words">{columnTitle[order.status]}</span>
                {unread.has(order.id) && <span className="unread">New message from the guest</span>}
              </header>
              <p className="quiet-text">Placed {timePlaced(order)}</p>
              <OrderItems order={order} />
              <button type="button" onClick={() => talkTo(order.id)} aria-pressed={order.id === openId}>
                Talk to table {order.table}
              </button>
              <ForDevelopers order={order} />
            </article>
          ))}
        </section>
        {talking && <Conversation key={talking.id} token={staff.token} order={talking} onClose={() => setOpenId(undefined)} />}
      </div>
    </div>
  );
}
