/** The live event log: the last events and every new one as it is committed, as the signed-in person may see them. */
import { useEffect, useState } from 'react';
import type { CloudEvent } from 'bistro/client';
import { clientFor } from '../../bistro.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { useSession } from '../../session.ts';

const shown = 50;

export function EventLogPage() {
  const [staff] = useSession('staff');
  const [guest] = useSession('guest');
  const token = staff?.token ?? guest?.token;
  const [events, setEvents] = useState<CloudEvent[]>([]);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const stop = new AbortController();
    const client = clientFor(token);
    setEvents([]);
    void (async () => {
      try {
        // The log's end, then the last few events before it, then everything after over SSE.
        const { nextCursor } = await client.events.list({ after: 'now' });
        const after = String(Math.max(0, Number(nextCursor ?? '0') - shown));
        for await (const event of client.follow({ after, via: 'sse', signal: stop.signal })) {
          setEvents((previous) => [event, ...previous].slice(0, shown));
        }
      } catch (caught) {
        if (!stop.signal.aborted) setError(caught);
      }
    })();
    return () => stop.abort();
  }, [token]);

  const who = staff ? `${staff.name} (${staff.role}) sees every event` : guest ? `${guest.name} sees the menu and their own orders` : 'Anonymous visitors see menu events only; sign in as staff to see everything';
  return (
    <section aria-labelledby="event-log-title">
      <h1 id="event-log-title">Event log</h1>
      <p>
        The one ordered log every pattern reads, followed live over Server-Sent Events. {who}.
      </p>
      <ErrorNotice error={error} />
      <ol className="event-log" aria-live="polite">
        {events.map((event) => (
          <li key={event.id}>
            <span className="sequence">#{event.sequence}</span> <code>{event.type}</code> <span className="subject">{event.subject}</span>{' '}
            <time dateTime={event.time}>{new Date(event.time).toLocaleTimeString()}</time>
          </li>
        ))}
      </ol>
      {events.length === 0 && !error && <p className="quiet-text">Nothing yet: events appear here as they are committed.</p>}
    </section>
  );
}
