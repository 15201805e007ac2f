/**
 * One order on the board: what to cook, the one button for the usual next step, and a "Move to"
 * for any status at all. The board does not judge moves: the server does, and its refusal (say
 * invalid_transition, or a conflict when another kitchen moved the order first) shows on this card.
 */
import { useState, type DragEvent } from 'react';
import type { Order, OrderStatus } from 'bistro/client';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { boardStatuses, columnTitle, moveText, nextOnPath } from '../../status-text.ts';
import { ForDevelopers } from '../../components/for-developers.tsx';
import { OrderItems } from '../staff/order-items.tsx';
import { timePlaced } from '../staff/order-words.ts';

/** Staff may cancel before the meal is ready; the server has the last word either way. */
const cancellable: readonly OrderStatus[] = ['placed', 'accepted', 'preparing'];

export const dragType = 'application/x-bistro-order';

export interface CardProps {
  order: Order;
  busy: boolean;
  error: unknown;
  onMove: (order: Order, status: OrderStatus) => void;
  onCancel: (order: Order) => void;
  onDismiss: (order: Order) => void;
}

export function OrderCard({ order, busy, error, onMove, onCancel, onDismiss }: CardProps) {
  const next = nextOnPath(order.status);
  const [target, setTarget] = useState<OrderStatus>(next ?? order.status);
  const selectId = `move-${order.id}`;

  function startDrag(event: DragEvent<HTMLElement>) {
    event.dataTransfer.setData(dragType, order.id);
    event.dataTransfer.setData('text/plain', order.id);
    event.dataTransfer.effectAllowed = 'move';
  }

  return (
    <article className="card order-card" data-order-id={order.id} data-status={order.status} draggable onDragStart={startDrag} aria-busy={busy} aria-labelledby={`title-${order.id}`}>
      <header className="order-card-head">
        <h3 id={`title-${order.id}`}>Table {order.table}</h3>
        <time dateTime={order.createdAt} className="quiet-text">
          placed {timePlaced(order)}
        </time>
      </header>
      <OrderItems order={order} />
      <div className="order-actions">
        {next && (
          <button type="button" disabled={busy} onClick={() => onMove(order, next)}>
            {moveText[next]}
          </button>
        )}
        {cancellable.includes(order.status) && (
          <button type="button" className="danger" disabled={busy} onClick={() => onCancel(order)}>
            Cancel
          </button>
        )}
      </div>
      <div className="move-to">
        <label htmlFor={selectId}>Move to</label>
        <select id={selectId} value={target} onChange={(event) => setTarget(event.target.value as OrderStatus)}>
          {boardStatuses.map((status) => (
            <option key={status} value={status}>
              {columnTitle[status]}
            </option>
          ))}
        </select>
        <button type="button" className="quiet" disabled={busy} onClick={() => onMove(order, target)}>
          Move
        </button>
      </div>
      <ErrorNotice error={error} onDismiss={() => onDismiss(order)} />
      <ForDevelopers order={order} />
    </article>
  );
}
