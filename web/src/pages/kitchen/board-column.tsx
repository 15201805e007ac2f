/** One status column: its orders, and a drop target so a card dragged here asks the server for this status. */
import { useState, type DragEvent, type ReactNode } from 'react';
import type { OrderStatus } from 'bistro/client';
import { columnTitle } from '../../status-text.ts';
import { dragType } from './order-card.tsx';

export interface ColumnProps {
  status: OrderStatus;
  count: number;
  /** How many the column leaves out (served and cancelled keep only the latest few). */
  hidden: number;
  onDropOrder: (orderId: string, status: OrderStatus) => void;
  children: ReactNode;
}

export function BoardColumn({ status, count, hidden, onDropOrder, children }: ColumnProps) {
  const [over, setOver] = useState(false);
  const title = columnTitle[status];

  function dragOver(event: DragEvent<HTMLElement>) {
    // Accepting the drag is what makes the drop fire at all.
    if (!event.dataTransfer.types.includes(dragType)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    setOver(true);
  }

  function drop(event: DragEvent<HTMLElement>) {
    event.preventDefault();
    setOver(false);
    const orderId = event.dataTransfer.getData(dragType);
    if (orderId) onDropOrder(orderId, status);
  }

  return (
    <section className={`board-column${over ? ' drop-over' : ''}`} aria-label={title} data-column={status} onDragOver={dragOver} onDragLeave={() => setOver(false)} onDrop={drop}>
      <h2>
        {title} <span className="count quiet-text">({count})</span>
      </h2>
      {children}
      {count === 0 && <p className="quiet-text">Nothing here.</p>}
      {hidden > 0 && <p className="quiet-text">{hidden} older not shown.</p>}
    </section>
  );
}
