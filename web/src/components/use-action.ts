/** What a button does against the server: busy while it runs; a refusal is kept to show (ErrorNotice), never thrown. */
import { useCallback, useState } from 'react';

export interface Action {
  busy: boolean;
  error: unknown;
  clearError: () => void;
  /** Runs `action`; true when it went through, false when it was refused (the error is kept). */
  run: (action: () => Promise<void>) => Promise<boolean>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(undefined), []);
  return { busy, error, clearError, run };
}
