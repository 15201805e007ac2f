/**
 * The Lab page's two calls: `POST /lab/runs` and `GET /lab/runs/current`. They are the node's own
 * routes for this page, not catalogue operations, so they are plain fetches with the admin's token;
 * a refusal is problem+json, turned into the same error the client throws so ErrorNotice shows it alike.
 */
import { BistroClientError, type ClientErrorCode, type FieldError } from 'bistro/client';
import type { LabPattern, LabRunState, LabRunView } from 'bistro/lab-result';

export interface LabRunRequest {
  guests: number;
  paceMs: number;
  durationS: number;
  rounds: number;
  seed?: number;
  patterns: LabPattern[];
}


interface Problem {
  code?: string;
  detail?: string;
  errors?: FieldError[];
}

async function labFetch<T>(token: string, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (!response.ok) {
    let problem: Problem = {};
    try {
      problem = JSON.parse(text) as Problem;
    } catch {
      // Not problem+json (a proxy's page): the status line is all there is.
    }
    throw new BistroClientError((problem.code ?? 'unexpected_answer') as ClientErrorCode, problem.detail ?? `The lab answered ${response.status}.`, {
      status: response.status,
      fields: problem.errors ?? [],
    });
  }
  return JSON.parse(text) as T;
}

export function startLabRun(token: string, request: LabRunRequest): Promise<{ id: string; state: LabRunState }> {
  return labFetch(token, '/lab/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
}

export function currentLabRun(token: string): Promise<LabRunView> {
  return labFetch(token, '/lab/runs/current');
}
