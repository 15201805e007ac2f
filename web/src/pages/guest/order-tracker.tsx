/**
 * The current order: its status in words (role=status, so a screen reader hears each change), the
 * steps of its way to the table, the server's total, and "Cancel order" while the guest may
 * (the server decides; its refusal is shown). Earlier orders follow, one line each.
 */
import type { Order, OrderStatus } from 'bistro/client';
import { clientFor } from '../../bistro.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { euros, guestText } from '../../status-text.ts';
import { adjustmentWords, timeOf } from '../../words.ts';
import { useAction } from '../../components/use-action.ts';
import { ForDevelopers } from '../../components/for-developers.tsx';

const steps: { status: OrderStatus; label: string }[] = [
  { status: 'placed', label: 'Placed' },
  { status: 'accepted', label: 'Accepted' },
  { status: 'preparing', label: 'Cooking' },
  { status: 'ready', label: 'Ready' },
  { status: 'served', label: 'Served' },
];

const cancellable = new Set<OrderStatus>(['placed', 'accepted']);

function itemsInWords(order: Order): string {
  return order.items
    .map((item) => {
      const words = adjustmentWords(item.adjustments);
      return `${item.quantity} × ${item.name}${words.length > 0 ? ` (${words.join(', ')})` : ''}`;
    })
    .join('; ');
}

function Steps({ status }: { status: OrderStatus }) {
  const at = steps.findIndex((step) => step.status === status);
  return (
    <ol className="steps" aria-label="Progress">
      {steps.map((step, index) => (
        <li key={step.status} className={index < at ? 'done' : index === at ? 'current' : ''} aria-current={index === at ? 'step' : undefined}>
          {step.label}
        </li>
      ))}
    </ol>
  );
}

export function OrderTracker({ token, order, earlier, onChanged }: { token: string; order: Order; earlier: Order[]; onChanged: (order: Order) => void }) {
  const { busy, error, clearError, run } = useAction();

  async function cancel() {
    await run(async () => {
      onChanged(await clientFor(token).orders.cancel({ id: order.id }));
    });
  }

  return (
    <section className="card tracker" aria-labelledby="tracker-title">
      <h2 id="tracker-title">Your current order</h2>
      <p className="order-status" role="status" aria-label="Order status" data-status={order.status} aria-live="polite">
        {guestText[order.status]}
      </p>
      {order.status === 'cancelled' ? null : <Steps status={order.status} />}
      <p>
        {itemsInWords(order)} · <strong>{euros(order.totalCents)}</strong> <span className="quiet-text">(placed {timeOf(order.createdAt)})</span>
      </p>
      {cancellable.has(order.status) && (
        <button type="button" className="danger" onClick={() => void cancel()} disabled={busy}>
          {busy ? 'Cancelling…' : 'Cancel order'}
        </button>
      )}
      <ErrorNotice error={error} onDismiss={clearError} />
      <ForDevelopers order={order} />
      {earlier.length > 0 && (
        <>
          <h3>Earlier orders</h3>
          <ul className="earlier">
            {earlier.map((previous) => (
              <li key={previous.id} data-order-id={previous.id}>
                <span className="quiet-text">{timeOf(previous.createdAt)}</span> {itemsInWords(previous)} · {euros(previous.totalCents)} · {previous.status === 'served' ? 'served' : previous.status === 'cancelled' ? 'cancelled' : guestText[previous.status]}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
