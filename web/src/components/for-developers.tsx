/** An order's raw fields, one click away from the words, for whoever debugs the API (guest and staff pages alike). */
import type { Order } from 'bistro/client';

export function ForDevelopers({ order }: { order: Order }) {
  return (
    <details className="for-developers">
      <summary>For developers</summary>
      <dl>
        <dt>id</dt>
        <dd>
          <code>{order.id}</code>
        </dd>
        <dt>status</dt>
        <dd>
          <code>{order.status}</code>
        </dd>
        <dt>version</dt>
        <dd>
          <code>{order.version}</code>
        </dd>
        <dt>table</dt>
        <dd>
          <code>{order.table}</code>
        </dd>
        <dt>guest</dt>
        <dd>
          <code>{order.guestId}</code>
        </dd>
      </dl>
    </details>
  );
}
