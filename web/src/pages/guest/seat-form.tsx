/** Sitting down: a name and a table number register the guest, whose token then lives in this browser. */
import { useState, type FormEvent } from 'react';
import { clientFor } from '../../bistro.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import type { GuestSession } from '../../session.ts';
import { useAction } from '../../components/use-action.ts';

export function SeatForm({ onSeated }: { onSeated: (session: GuestSession) => void }) {
  const [name, setName] = useState('');
  const [table, setTable] = useState('');
  const { busy, error, run } = useAction();

  async function sitDown(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      // Anonymous: registering is what gives a guest a token.
      const registration = await clientFor(undefined).guests.register({ table: Number(table), name: name.trim() });
      onSeated({ token: registration.token, guestId: registration.guest.id, name: registration.guest.name, table: registration.guest.table });
    });
  }

  return (
    <form className="card seat-form" onSubmit={(event) => void sitDown(event)}>
      <h2>Take a seat</h2>
      <p>Tell us who you are and where you sit; then order from the menu and follow your meal here.</p>
      <label>
        Your name
        <input value={name} onChange={(event) => setName(event.target.value)} autoComplete="given-name" required maxLength={80} />
      </label>
      <label>
        Table number
        <input value={table} onChange={(event) => setTable(event.target.value)} type="number" inputMode="numeric" min={1} required />
      </label>
      <button type="submit" disabled={busy || name.trim() === '' || table === ''}>
        {busy ? 'Sitting down…' : 'Sit down'}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}
