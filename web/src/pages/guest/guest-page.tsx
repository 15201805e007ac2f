/**
 * The guest's page, phone first: sit at a table, order from the menu, follow the order live through
 * a chosen push pattern (and see what it costs), and talk to the staff about it.
 */
import { useCallback, useEffect, useState } from 'react';
import type { MenuItem, Order, PushVia } from 'bistro/client';
import { clientFor } from '../../bistro.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { useSession, type GuestSession } from '../../session.ts';
import { Basket, type BasketLine } from './basket.tsx';
import { GuestChat } from './guest-chat.tsx';
import { MenuList } from './menu-list.tsx';
import { OrderTracker } from './order-tracker.tsx';
import { PatternSwitcher } from './pattern-switcher.tsx';
import { storedPattern, storePattern } from './patterns.ts';
import { SeatForm } from './seat-form.tsx';
import { useGuestOrders } from './use-guest-orders.ts';
import { useOrderWatch } from './use-order-watch.ts';
import './guest.css';

const stillComing = new Set(['placed', 'accepted', 'preparing', 'ready']);

function useMenu(): { items: MenuItem[]; error: unknown } {
  const [items, setItems] = useState<MenuItem[]>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    clientFor(undefined)
      .menu.list()
      .then(
        (page) => live && setItems(page.items),
        (caught: unknown) => live && setError(caught),
      );
    return () => {
      live = false;
    };
  }, []);
  return { items, error };
}

function Seated({ session, onLeave }: { session: GuestSession; onLeave: () => void }) {
  const menu = useMenu();
  const { orders, upsert, error: ordersError } = useGuestOrders(session.token);
  const [lines, setLines] = useState<BasketLine[]>([]);
  const [via, setVia] = useState<PushVia>(storedPattern);
  // The newest order is the current one; the rest are history.
  const [current, ...earlier] = orders;
  const watch = useOrderWatch(session.token, current, via, upsert);
  const blocked = current && stillComing.has(current.status) ? 'You can order again once this order is served or cancelled.' : undefined;

  const choose = useCallback((next: PushVia) => {
    storePattern(next);
    setVia(next);
  }, []);
  const placed = useCallback(
    (order: Order) => {
      upsert(order);
      setLines([]);
    },
    [upsert],
  );

  return (
    <>
      <div className="guest-head">
        <h1>Your table</h1>
        <p>
          {session.name} at table {session.table}{' '}
          <button type="button" className="quiet" onClick={onLeave}>
            Leave table
          </button>
        </p>
      </div>
      <ErrorNotice error={ordersError} />
      {current && <OrderTracker token={session.token} order={current} earlier={earlier} onChanged={upsert} />}
      <ErrorNotice error={watch.error} />
      <PatternSwitcher via={via} onChange={choose} meter={watch.meter} watching={watch.watching} />
      {current && <GuestChat token={session.token} orderId={current.id} />}
      <Basket token={session.token} lines={lines} blocked={blocked} onPlaced={placed} onRemove={(key) => setLines((previous) => previous.filter((line) => line.key !== key))} />
      <ErrorNotice error={menu.error} />
      <MenuList items={menu.items} onAdd={(line) => setLines((previous) => [...previous, { ...line, key: globalThis.crypto.randomUUID() }])} />
    </>
  );
}

export function GuestPage() {
  const [session, setSession] = useSession('guest');
  if (!session) {
    return (
      <>
        <h1>Your table</h1>
        <SeatForm onSeated={setSession} />
      </>
    );
  }
  // Keyed by token: a new guest at this browser starts with a clean page.
  return <Seated key={session.token} session={session} onLeave={() => setSession(undefined)} />;
}
