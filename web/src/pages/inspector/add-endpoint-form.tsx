/** Registers an endpoint: a receiver URL and the events it rings for; the secret comes back once. */
import { useState, type FormEvent } from 'react';
import type { BistroClient, WebhookEventType } from 'bistro/client';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { webhookEventTypes } from './event-types.ts';
import { SecretOnce } from './secret-once.tsx';
import { useAction } from '../../components/use-action.ts';

export function AddEndpointForm({ client, onAdded }: { client: BistroClient; onAdded: (endpointId: string, secret: string) => void }) {
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<ReadonlySet<WebhookEventType>>(new Set(['order.ready']));
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState<string>();
  const { busy, error, run } = useAction();

  function toggle(type: WebhookEventType, on: boolean) {
    const next = new Set(types);
    if (on) next.add(type);
    else next.delete(type);
    setTypes(next);
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    setSecret(undefined);
    await run(async () => {
      // The order of the list, not of the clicks; an empty list goes to the server, which says why not.
      const chosen = webhookEventTypes.filter((type) => types.has(type));
      const created = await client.webhooks.create({ url: url.trim(), types: chosen, ...(description.trim() ? { description: description.trim() } : {}) });
      setSecret(created.secret);
      setUrl('');
      setDescription('');
      onAdded(created.id, created.secret);
    });
  }

  return (
    <form className="card add-endpoint" onSubmit={(event) => void add(event)}>
      <h2>Add an endpoint</h2>
      {/* type=text, not url: the server checks the address (and says why it refuses one), not the browser. */}
      <label>
        Receiver URL
        <input type="text" inputMode="url" autoComplete="off" spellCheck={false} value={url} onChange={(event) => setUrl(event.target.value)} placeholder="https://example.com/bistro-bell" />
      </label>
      <fieldset className="event-types">
        <legend>Ring for</legend>
        {webhookEventTypes.map((type) => (
          <label key={type} className="check">
            <input type="checkbox" checked={types.has(type)} onChange={(event) => toggle(type, event.target.checked)} />
            {type}
          </label>
        ))}
      </fieldset>
      <label>
        Description (optional)
        <input type="text" maxLength={200} value={description} onChange={(event) => setDescription(event.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Adding…' : 'Add endpoint'}
      </button>
      <ErrorNotice error={error} />
      {secret && <SecretOnce secret={secret} intro="Endpoint added. Its signing secret:" />}
    </form>
  );
}
