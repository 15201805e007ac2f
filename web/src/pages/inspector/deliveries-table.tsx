/** What happened to each delivery of one endpoint: one row per attempt, newest delivery first. */
import type { WebhookDelivery } from 'bistro/client';
import { deliveryText } from './event-types.ts';

const time = (at: string) => new Date(at).toLocaleTimeString();

function AttemptCells({ delivery }: { delivery: WebhookDelivery }) {
  return (
    <>
      <td data-label="Type">
        <code>{delivery.type}</code>
        <details>
          <summary>For developers</summary>
          <dl className="developer">
            <dt>Event id (webhook-id)</dt>
            <dd>
              <code>{delivery.eventId}</code>
            </dd>
            <dt>Sequence</dt>
            <dd>{delivery.sequence ?? 'none (a test ping)'}</dd>
            <dt>Status</dt>
            <dd>
              <code>{delivery.status}</code>
            </dd>
            <dt>Request id</dt>
            <dd>
              <code>{delivery.requestId ?? 'none'}</code>
            </dd>
          </dl>
        </details>
      </td>
      <td data-label="Status" data-status={delivery.status}>
        {deliveryText[delivery.status]}
        {delivery.status === 'pending' && delivery.nextAttemptAt && <span className="quiet-text"> (next try {time(delivery.nextAttemptAt)})</span>}
      </td>
    </>
  );
}

export function DeliveriesTable({ deliveries }: { deliveries: readonly WebhookDelivery[] }) {
  if (deliveries.length === 0) return <p className="quiet-text">No deliveries yet. Send a test, or wait for an event this endpoint rings for.</p>;
  return (
    <div className="table-scroll">
      <table className="deliveries">
        <caption>Deliveries</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Delivery</th>
            <th scope="col">Attempt</th>
            <th scope="col">Answer</th>
            <th scope="col">Latency</th>
            <th scope="col">Error</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.flatMap((delivery) => {
            // A delivery not yet attempted still gets its row, so a queued ping shows at once.
            const attempts = delivery.attempts.length > 0 ? delivery.attempts : [undefined];
            return attempts.map((attempt, index) => (
              <tr key={`${delivery.id}-${attempt?.id ?? 'none'}`} data-delivery-id={delivery.id}>
                {index === 0 ? <AttemptCells delivery={delivery} /> : <td colSpan={2} className="quiet-text">(same delivery, retried)</td>}
                <td data-label="Attempt">{attempt ? `#${attempt.attempt}` : 'not yet'}</td>
                <td data-label="Answer" className="response-status">
                  {attempt ? (attempt.responseStatus ?? 'no answer') : ''}
                </td>
                <td data-label="Latency" className="latency">
                  {attempt ? `${attempt.latencyMs} ms` : ''}
                </td>
                <td data-label="Error" className="attempt-error">
                  {attempt?.error ?? ''}
                </td>
                <td data-label="Time">{attempt ? <time dateTime={attempt.at}>{time(attempt.at)}</time> : <time dateTime={delivery.createdAt}>{time(delivery.createdAt)}</time>}</td>
              </tr>
            ));
          })}
        </tbody>
      </table>
    </div>
  );
}
