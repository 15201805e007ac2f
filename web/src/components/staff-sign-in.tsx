/** Staff sign in with the key the admin issued (or the admin token printed at start); `me.get` says whose it is. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { clientFor } from '../bistro.ts';
import { useSession, type StaffRole, type StaffSession } from '../session.ts';
import { ErrorNotice } from './error-notice.tsx';
import { useAction } from './use-action.ts';

export function StaffSignIn({ purpose }: { purpose: string }) {
  const [, setStaff] = useSession('staff');
  const [key, setKey] = useState('');
  const { busy, error, run } = useAction();

  async function signIn(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const token = key.trim();
      const me = await clientFor(token).me.get();
      if (me.role === 'guest') throw new Error('That is a guest token. Staff sign in with a staff key (bk_…) or the admin token.');
      setStaff({ token, id: me.id, role: me.role, name: me.name });
    });
  }

  return (
    <form className="card sign-in" onSubmit={(event) => void signIn(event)}>
      <h2>Staff sign in</h2>
      <p>{purpose}</p>
      <label>
        Staff key
        <input type="password" autoComplete="off" value={key} onChange={(event) => setKey(event.target.value)} placeholder="bk_… or the admin token" required />
      </label>
      <button type="submit" disabled={busy || key.trim() === ''}>
        {busy ? 'Checking…' : 'Sign in'}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}

/** Shows `children(staff)` to a signed-in staff member whose role is allowed, the sign-in form otherwise. */
export function StaffOnly({ roles, purpose, children }: { roles: readonly StaffRole[]; purpose: string; children: (staff: StaffSession) => ReactNode }) {
  const [staff] = useSession('staff');
  if (!staff) return <StaffSignIn purpose={purpose} />;
  if (!roles.includes(staff.role)) {
    return (
      <div className="card">
        <p>
          You are signed in as {staff.name} ({staff.role}). This page is for {roles.join(' or ')} keys.
        </p>
        <StaffSignIn purpose="Sign in with another key." />
      </div>
    );
  }
  return <>{children(staff)}</>;
}
