/**
 * "Your order": the lines the guest added, in words, and "Place order". One idempotency key per
 * basket: a double click or a retry after a lost answer sends the same key, so the server places
 * one order; a changed basket is a new basket and gets a new key.
 */
import { useMemo } from 'react';
import type { MenuItem, Order } from 'bistro/client';
import { clientFor } from '../../bistro.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { euros } from '../../status-text.ts';
import { adjustmentWords } from '../../words.ts';
import { useAction } from '../../components/use-action.ts';

export interface BasketLine {
  key: string;
  item: MenuItem;
  quantity: number;
  adjustments: Record<string, number>;
}

interface BasketProps {
  token: string;
  lines: BasketLine[];
  onRemove: (key: string) => void;
  onPlaced: (order: Order) => void;
  /** Why the guest cannot order now (an order still on its way), if so. */
  blocked?: string | undefined;
}

export function Basket({ token, lines, onRemove, onPlaced, blocked }: BasketProps) {
  const { busy, error, clearError, run } = useAction();
  // `lines` is a new array whenever the basket changes, so this is one key per basket.
  const idempotencyKey = useMemo(() => (lines.length === 0 ? '' : globalThis.crypto.randomUUID()), [lines]);

  async function place() {
    if (busy) return;
    await run(async () => {
      const items = lines.map((line) => ({ menuItemId: line.item.id, quantity: line.quantity, ...(Object.keys(line.adjustments).length > 0 ? { adjustments: line.adjustments } : {}) }));
      onPlaced(await clientFor(token).orders.place({ items }, { idempotencyKey }));
    });
  }

  return (
    <section className="card basket" aria-labelledby="basket-title">
      <h2 id="basket-title">Your order</h2>
      {lines.length === 0 ? (
        <p className="quiet-text">Nothing yet: add dishes from the menu.</p>
      ) : (
        <ul className="basket-lines" aria-live="polite">
          {lines.map((line) => {
            const words = adjustmentWords(line.adjustments);
            return (
              <li key={line.key}>
                <span>
                  {line.quantity} × {line.item.name}
                  {words.length > 0 && <span className="quiet-text"> ({words.join(', ')})</span>}
                  <span className="quiet-text"> · {euros(line.item.priceCents)} each</span>
                </span>
                <button type="button" className="quiet" aria-label={`Remove ${line.quantity} × ${line.item.name}`} onClick={() => onRemove(line.key)}>
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {blocked && <p className="quiet-text">{blocked}</p>}
      <p className="quiet-text">The kitchen's total is shown once the order is placed.</p>
      <button type="button" onClick={() => void place()} disabled={busy || lines.length === 0 || blocked !== undefined}>
        {busy ? 'Placing…' : 'Place order'}
      </button>
      <ErrorNotice error={error} onDismiss={clearError} />
    </section>
  );
}
