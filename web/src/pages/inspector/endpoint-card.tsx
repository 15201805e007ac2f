/** One endpoint: what it rings for, its actions (test, replay, rotate, pause, delete) and its deliveries, polled. */
import { useState } from 'react';
import type { BistroClient, WebhookDelivery, WebhookEndpoint } from 'bistro/client';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { DeliveriesTable } from './deliveries-table.tsx';
import { SecretOnce } from './secret-once.tsx';
import { usePolling } from './use-polling.ts';

interface Props {
  client: BistroClient;
  endpoint: WebhookEndpoint;
  /** The list changed (paused, resumed, deleted): read it again. */
  onChanged: () => void;
  /** A rotated secret, so the demo bell can verify with it too. */
  onSecret: (endpointId: string, secret: string) => void;
}

export function EndpointCard({ client, endpoint, onChanged, onSecret }: Props) {
  const [deliveries, setDeliveries] = useState<WebhookDelivery[]>([]);
  const [error, setError] = useState<unknown>();
  const [news, setNews] = useState<string>();
  const [secret, setSecret] = useState<string>();
  const [after, setAfter] = useState('0');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  // Deliveries and their attempts are not events in the log: polled every 2 s while the page is visible.
  usePolling(
    async () => {
      const page = await client.webhooks.deliveries({ id: endpoint.id, limit: 20 });
      setDeliveries(page.items);
    },
    2000,
    `${endpoint.id} ${String(endpoint.enabled)}`,
  );

  async function act(what: () => Promise<string | undefined>, reread = true) {
    setBusy(true);
    setError(undefined);
    setNews(undefined);
    try {
      setNews(await what());
      // A deleted endpoint has no deliveries left to read (404).
      if (!reread) return;
      const page = await client.webhooks.deliveries({ id: endpoint.id, limit: 20 });
      setDeliveries(page.items);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const sendTest = () =>
    act(async () => {
      await client.webhooks.test({ id: endpoint.id });
      return 'Test ping queued: it shows in the deliveries below.';
    });
  const replay = () =>
    act(async () => {
      const result = await client.webhooks.replay({ id: endpoint.id, after: after.trim() });
      return `Replay queued ${result.queued} deliveries, up to cursor ${result.through}${result.more ? ': there are more, replay again from there.' : '.'}`;
    });
  const rotate = () =>
    act(async () => {
      const rotated = await client.webhooks.rotateSecret({ id: endpoint.id });
      setSecret(rotated.secret);
      onSecret(endpoint.id, rotated.secret);
      return 'The old secret keeps signing beside the new one for a day.';
    });
  const setEnabled = (enabled: boolean) =>
    act(async () => {
      await client.webhooks.update({ id: endpoint.id, enabled });
      onChanged();
      return enabled ? 'Resumed: events from now on ring again.' : 'Paused: nothing rings until you resume.';
    });
  const remove = () =>
    act(async () => {
      await client.webhooks.delete({ id: endpoint.id });
      onChanged();
      return undefined;
    }, false);

  return (
    <article className="card endpoint" data-endpoint-id={endpoint.id} aria-label={`Endpoint ${endpoint.url}`}>
      <h3 className="endpoint-url">{endpoint.url}</h3>
      {endpoint.description && <p>{endpoint.description}</p>}
      <p>
        {endpoint.enabled ? <strong className="state on">Active</strong> : <strong className="state off">Paused</strong>}
        {!endpoint.enabled && endpoint.disabledReason && <span> ({endpoint.disabledReason})</span>} · rings for {endpoint.types.join(', ')}
      </p>
      <details>
        <summary>For developers</summary>
        <p>
          Id <code>{endpoint.id}</code>, owner <code>{endpoint.ownerId}</code>, created {new Date(endpoint.createdAt).toLocaleString()}, enabled <code>{String(endpoint.enabled)}</code>
        </p>
      </details>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void sendTest()}>
          Send test
        </button>
        <span className="replay">
          <label>
            Replay after cursor
            <input type="text" inputMode="numeric" value={after} onChange={(event) => setAfter(event.target.value)} size={8} />
          </label>
          <button type="button" disabled={busy} onClick={() => void replay()}>
            Replay
          </button>
        </span>
        <button type="button" className="quiet" disabled={busy} onClick={() => void rotate()}>
          Rotate secret
        </button>
        <button type="button" className="quiet" disabled={busy} onClick={() => void setEnabled(!endpoint.enabled)}>
          {endpoint.enabled ? 'Pause' : 'Resume'}
        </button>
        {!confirming ? (
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirming(true)}>
            Delete
          </button>
        ) : (
          <span className="confirm" role="group" aria-label="Confirm delete">
            <span>Delete this endpoint and its delivery log?</span>
            <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
              Yes, delete
            </button>
            <button type="button" className="quiet" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </span>
        )}
      </div>
      <ErrorNotice error={error} onDismiss={() => setError(undefined)} />
      {news && <p role="status">{news}</p>}
      {secret && <SecretOnce secret={secret} intro="New signing secret:" />}
      <DeliveriesTable deliveries={deliveries} />
    </article>
  );
}
