/**
 * The Lab page (#/lab): runs a small Pattern Lab workload on this machine and shows the charts the
 * HTML report shows. A run starts a second node and the guests' clients here, so it is for the admin.
 */
import { useCallback, useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { StaffOnly } from '../../components/staff-sign-in.tsx';
import { useAction } from '../../components/use-action.ts';
import type { LabRunView } from 'bistro/lab-result';
import { currentLabRun, startLabRun, type LabRunRequest } from './lab-api.ts';
import { LabForm } from './lab-form.tsx';
import { LabProgressBar } from './lab-progress.tsx';
import { LabReport } from './lab-report.tsx';
import './lab.css';

/** How often a running run is asked about: its progress moves a step every second or so. */
const pollMs = 500;

function LabRunner({ token }: { token: string }) {
  const [run, setRun] = useState<LabRunView>();
  const [pollError, setPollError] = useState<unknown>();
  const { busy, error, run: act } = useAction();

  const read = useCallback(async () => {
    try {
      setRun(await currentLabRun(token));
      setPollError(undefined);
    } catch (caught) {
      setPollError(caught);
    }
  }, [token]);

  // The last run, or one already going on (started in another tab): shown from the start.
  useEffect(() => {
    void read();
  }, [read]);

  const running = run?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void read(), pollMs);
    return () => clearInterval(timer);
  }, [running, read]);

  function start(request: LabRunRequest) {
    void act(async () => {
      const started = await startLabRun(token, request);
      setRun({ id: started.id, state: 'running', progress: null, result: null, error: null });
    });
  }

  return (
    <>
      <LabForm busy={busy || running} onRun={start} />
      <ErrorNotice error={error} />
      <ErrorNotice error={pollError} />
      {running && <LabProgressBar progress={run.progress} />}
      {run?.state === 'failed' && <ErrorNotice error={new Error(`The run failed: ${run.error ?? 'no reason given'}`)} />}
      {run?.state === 'done' && run.result && <LabReport result={run.result} />}
    </>
  );
}

export function LabPage() {
  return (
    <section aria-labelledby="lab-title" className="lab">
      <h1 id="lab-title">Pattern Lab</h1>
      <p>
        One workload through each event-driven pattern: guests order, the kitchen cooks at a set pace, and each guest learns their order is ready by
        polling, long polling, SSE, a WebSocket, a GraphQL subscription or a webhook. The lab counts what that cost in latency, requests and bytes at
        the sockets. It runs here, on this machine: a second Bistro node and the guests’ clients, for a few seconds to a few minutes.
      </p>
      <StaffOnly roles={['admin']} purpose="A lab run starts a node and clients on this machine, so it takes the admin token (printed when the node starts).">
        {(staff) => <LabRunner key={staff.token} token={staff.token} />}
      </StaffOnly>
    </section>
  );
}
