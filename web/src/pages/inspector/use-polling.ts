/**
 * Runs `poll` now and every `intervalMs` while the page is visible. Plain polling is enough for
 * the inspector: deliveries and bell rings change a few times a minute, and a poll is one small GET.
 * (Following events would not show retries anyway: attempts are not events in the log.)
 */
import { useEffect, useRef } from 'react';

export function usePolling(poll: () => Promise<void>, intervalMs: number, key: unknown): void {
  const latest = useRef(poll);
  latest.current = poll;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    async function tick() {
      timer = undefined;
      if (stopped) return;
      // A hidden tab waits for visibilitychange instead of polling for nobody.
      if (document.visibilityState === 'visible') await latest.current().catch(() => undefined);
      if (!stopped && document.visibilityState === 'visible') timer = setTimeout(() => void tick(), intervalMs);
    }
    function onVisibility() {
      if (document.visibilityState === 'visible' && timer === undefined) void tick();
    }
    void tick();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs, key]);
}
