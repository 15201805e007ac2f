/** The items of one order, each with its adjustments and note: shared by the kitchen card and the waiter's list. */
import type { Order } from 'bistro/client';
import { adjustmentsInWords, itemHeadline } from './order-words.ts';

export function OrderItems({ order }: { order: Order }) {
  return (
    <ul className="order-items">
      {order.items.map((item, index) => {
        const adjustments = adjustmentsInWords(item);
        return (
          <li key={`${item.menuItemId}-${index}`}>
            <strong>{itemHeadline(item)}</strong>
            {adjustments.length > 0 && <span className="adjustments">{adjustments.join(', ')}</span>}
            {item.note && <span className="note">Note: {item.note}</span>}
          </li>
        );
      })}
    </ul>
  );
}
