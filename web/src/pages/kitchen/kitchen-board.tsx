/**
 * The kitchen board: a column per status, live for every open board (orders listed once, then
 * followed over SSE), moves by button, by "Move to" or by dragging a card to another column.
 * Every move names the version the cook saw, so two kitchens racing get a clear conflict instead
 * of one silently overwriting the other.
 */
import { useState } from 'react';
import type { Order, OrderStatus } from 'bistro/client';
import { clientFor } from '../../bistro.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StaffOnly } from '../../components/staff-sign-in.tsx';
import type { StaffSession } from '../../session.ts';
import { boardStatuses } from '../../status-text.ts';
import { useLiveOrders } from '../staff/use-live-orders.ts';
import { BoardColumn } from './board-column.tsx';
import { OrderCard } from './order-card.tsx';
import '../staff/staff.css';
import './kitchen.css';

/** Served and cancelled grow all evening; the board shows the latest few so it stays usable. */
const finishedShown = 10;
const finished: readonly OrderStatus[] = ['served', 'cancelled'];

export function KitchenBoard() {
  return (
    <StaffOnly roles={['kitchen', 'admin']} purpose="The kitchen board is for kitchen staff: sign in with a kitchen key (or the admin token) to see and move orders.">
      {(staff) => <Board staff={staff} />}
    </StaffOnly>
  );
}

function Board({ staff }: { staff: StaffSession }) {
  const { orders, loading, error, apply } = useLiveOrders(staff.token);
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});

  /** Runs one change for one card: its answer goes on the board at once, its refusal on the card. */
  async function change(order: Order, call: () => Promise<Order>) {
    setBusy((previous) => ({ ...previous, [order.id]: true }));
    setErrors((previous) => ({ ...previous, [order.id]: undefined }));
    try {
      apply(await call());
    } catch (caught) {
      setErrors((previous) => ({ ...previous, [order.id]: caught }));
    } finally {
      setBusy((previous) => ({ ...previous, [order.id]: false }));
    }
  }

  const client = clientFor(staff.token);
  // Over JSON-RPC the server checks expectedVersion in the same call as the change: one round trip,
  // where REST reads the order for its ETag first and then sends If-Match.
  const move = (order: Order, status: OrderStatus) => void change(order, () => client.orders.setStatus({ id: order.id, status, expectedVersion: order.version }, { via: 'rpc' }));
  const cancel = (order: Order) => void change(order, () => client.orders.cancel({ id: order.id, expectedVersion: order.version }));
  const dismiss = (order: Order) => setErrors((previous) => ({ ...previous, [order.id]: undefined }));
  const dropped = (orderId: string, status: OrderStatus) => {
    const order = orders.find((candidate) => candidate.id === orderId);
    if (order && order.status !== status) move(order, status);
  };

  return (
    <div className="kitchen">
      <h1>Kitchen board</h1>
      <p className="quiet-text">
        Live: every kitchen screen sees each move as it happens. Drag a card to another column, or use its buttons.
      </p>
      <ErrorNotice error={error} />
      {loading && <p role="status">Loading orders…</p>}
      <div className="board">
        {boardStatuses.map((status) => {
          let inColumn = orders.filter((order) => order.status === status);
          const count = inColumn.length;
          // Finished orders: the most recent first, and only a few of them.
          if (finished.includes(status)) inColumn = [...inColumn].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, finishedShown);
          return (
            <BoardColumn key={status} status={status} count={count} hidden={count - inColumn.length} onDropOrder={dropped}>
              {inColumn.map((order) => (
                <OrderCard key={order.id} order={order} busy={busy[order.id] === true} error={errors[order.id]} onMove={move} onCancel={cancel} onDismiss={dismiss} />
              ))}
            </BoardColumn>
          );
        })}
      </div>
    </div>
  );
}
