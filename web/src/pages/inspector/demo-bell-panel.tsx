/**
 * The demo bell: a receiver the node itself offers (only with BISTRO_WEBHOOK_ALLOW_PRIVATE=1), so a
 * visitor sees a signed delivery arrive without a server of their own. The page makes a bell, registers
 * an endpoint at its URL for every order event, keeps the secret in memory, and reads the rings each
 * second, verifying each with `verifyWebhook` exactly as a real receiver would.
 */
import { useState } from 'react';
import { verifyWebhook, type BistroClient } from 'bistro/client';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { orderEventTypes } from './event-types.ts';
import { usePolling } from './use-polling.ts';
import { useAction } from '../../components/use-action.ts';

interface Ring {
  n: number;
  at: string;
  headers: Record<string, string>;
  body: string;
}

interface ShownRing extends Ring {
  type: string;
  verified: boolean;
  why?: string;
}

interface Bell {
  id: string;
  url: string;
  endpointId: string;
}

/** The bell's own answers are problem+json when it refuses (off, unknown, too large): its detail is the message. */
async function bellFetch<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  const text = await response.text();
  if (!response.ok) {
    let detail = `The demo bell answered ${response.status}.`;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(detail);
  }
  return JSON.parse(text) as T;
}

/** Verifies with each secret the endpoint has had (rotation signs with both during the overlap). */
function check(ring: Ring, secrets: readonly string[]): ShownRing {
  let type = 'unreadable body';
  try {
    const parsed = (JSON.parse(ring.body) as { type?: unknown }).type;
    type = typeof parsed === 'string' ? parsed : 'no type';
  } catch {
    // shown as unreadable
  }
  let why = 'no secret known for this bell';
  for (const secret of secrets) {
    try {
      verifyWebhook(secret, ring.headers, ring.body);
      return { ...ring, type, verified: true };
    } catch (error) {
      why = error instanceof Error ? error.message : String(error);
    }
  }
  return { ...ring, type, verified: false, why };
}

export function DemoBellPanel({ client, secrets, onCreated }: { client: BistroClient; secrets: (endpointId: string) => readonly string[]; onCreated: (endpointId: string, secret: string) => void }) {
  const [bell, setBell] = useState<Bell>();
  const [rings, setRings] = useState<ShownRing[]>([]);
  const { busy, error, clearError, run } = useAction();
  const [pollError, setPollError] = useState<unknown>();

  async function start() {
    await run(async () => {
      const made = await bellFetch<{ id: string; url: string }>('/demo/bells', { method: 'POST' });
      const endpoint = await client.webhooks.create({ url: made.url, types: [...orderEventTypes], description: 'Demo bell in the web inspector' });
      onCreated(endpoint.id, endpoint.secret);
      setRings([]);
      setBell({ id: made.id, url: made.url, endpointId: endpoint.id });
    });
  }

  usePolling(
    async () => {
      if (!bell) return;
      const last = rings.at(-1)?.n ?? 0;
      try {
        const { rings: fresh } = await bellFetch<{ rings: Ring[] }>(`/demo/bells/${encodeURIComponent(bell.id)}?after=${last}`);
        if (fresh.length > 0) setRings((shown) => [...shown, ...fresh.filter((ring) => ring.n > (shown.at(-1)?.n ?? 0)).map((ring) => check(ring, secrets(bell.endpointId)))].slice(-50));
        setPollError(undefined);
      } catch (caught) {
        setPollError(caught);
      }
    },
    1000,
    bell?.id,
  );

  return (
    <section className="card demo-bell" aria-labelledby="demo-bell-title">
      <h2 id="demo-bell-title">Demo bell</h2>
      <p>
        No receiver of your own? The node can lend you one: the page registers an endpoint for every order event at a bell on this node and shows each ring here,
        checking its signature with the secret as a real receiver would.
      </p>
      <button type="button" disabled={busy} onClick={() => void start()}>
        {bell ? 'Use another demo bell' : 'Use a demo bell in this page'}
      </button>
      <ErrorNotice error={error ?? pollError} onDismiss={clearError} />
      {bell && (
        <>
          <p className="quiet-text">
            Listening at <code className="bell-url">{bell.url}</code>
          </p>
          <ol className="bell-rings" role="log" aria-label="Bell">
            {rings.map((ring) => (
              <li key={ring.n} className={ring.verified ? 'verified' : 'forged'}>
                <code>{ring.type}</code> <time dateTime={ring.at}>{new Date(ring.at).toLocaleTimeString()}</time>{' '}
                <strong>{ring.verified ? 'signature verified' : 'signature NOT verified'}</strong>
                {ring.why && <span className="quiet-text"> ({ring.why})</span>}
                <details>
                  <summary>For developers</summary>
                  <pre>{Object.entries(ring.headers).map(([name, value]) => `${name}: ${value}`).join('\n')}</pre>
                  <pre>{ring.body}</pre>
                </details>
              </li>
            ))}
          </ol>
          {rings.length === 0 && <p className="quiet-text">Nothing yet: send a test from the endpoint below, or place an order.</p>}
        </>
      )}
    </section>
  );
}
