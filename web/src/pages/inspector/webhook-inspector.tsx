/**
 * The webhook inspector (#/webhooks): register endpoints, ring them, and watch every delivery and
 * attempt. It acts as the signed-in admin, else as the seated guest: a guest's endpoints hear their
 * own orders, an admin's hear (and manage) everything.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { BistroClient, WebhookEndpoint } from 'bistro/client';
import { clientFor } from '../../bistro.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StaffSignIn } from '../../components/staff-sign-in.tsx';
import { hrefOf } from '../../route.ts';
import { useSession } from '../../session.ts';
import { AddEndpointForm } from './add-endpoint-form.tsx';
import { DemoBellPanel } from './demo-bell-panel.tsx';
import { EndpointCard } from './endpoint-card.tsx';
import { usePolling } from './use-polling.ts';
import './inspector.css';

function Inspector({ client, who }: { client: BistroClient; who: string }) {
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[]>();
  const [error, setError] = useState<unknown>();
  // Secrets the server showed once in this page (created, rotated), kept in memory only, for the demo bell.
  const secrets = useRef(new Map<string, string[]>());

  const load = useCallback(async () => {
    try {
      const page = await client.webhooks.list({ limit: 50 });
      setEndpoints(page.items);
      setError(undefined);
    } catch (caught) {
      setError(caught);
    }
  }, [client]);
  // Pauses by the worker (410, failing too long) happen on the server: polled every 2 s while visible.
  usePolling(load, 2000, client);

  const remember = useCallback(
    (endpointId: string, secret: string) => {
      secrets.current.set(endpointId, [...(secrets.current.get(endpointId) ?? []), secret]);
      void load();
    },
    [load],
  );
  const secretsOf = useCallback((endpointId: string) => secrets.current.get(endpointId) ?? [], []);

  return (
    <>
      <p>
        Acting as {who}. Bistro rings each endpoint, signed per Standard Webhooks, when an event it subscribes to happens; every attempt is listed with its
        answer and latency.
      </p>
      <div className="inspector-top">
        <AddEndpointForm client={client} onAdded={remember} />
        <DemoBellPanel client={client} secrets={secretsOf} onCreated={remember} />
      </div>
      <section aria-labelledby="endpoints-title">
        <h2 id="endpoints-title">Endpoints</h2>
        <ErrorNotice error={error} />
        {endpoints?.length === 0 && <p className="quiet-text">No endpoints yet: add one above, or use the demo bell.</p>}
        {endpoints?.map((endpoint) => <EndpointCard key={endpoint.id} client={client} endpoint={endpoint} onChanged={() => void load()} onSecret={remember} />)}
      </section>
    </>
  );
}

export function WebhookInspector() {
  const [staff] = useSession('staff');
  const [guest] = useSession('guest');
  const acting = staff?.role === 'admin' ? { token: staff.token, who: `${staff.name} (admin): every endpoint` } : guest ? { token: guest.token, who: `${guest.name} at table ${guest.table}: your own orders` } : undefined;
  // One client per token: a new one on every render would restart every poll.
  const token = acting?.token;
  const client = useMemo(() => (token ? clientFor(token) : undefined), [token]);
  return (
    <section aria-labelledby="inspector-title" className="inspector">
      <h1 id="inspector-title">Webhook inspector</h1>
      {acting && client ? (
        <Inspector key={acting.token} client={client} who={acting.who} />
      ) : (
        <div className="card">
          <p>
            Webhooks belong to someone. <a href={hrefOf('guest')}>Sit down on the Guest page</a> to ring a bell for your own orders, or sign in with the
            admin key to see every endpoint.
          </p>
          {staff && <p>You are signed in as {staff.name} ({staff.role}); this page is for guests and admins.</p>}
          <StaffSignIn purpose="The admin key (printed when the node starts) manages every endpoint." />
        </div>
      )}
    </section>
  );
}
