import type { DatabricksEvidence } from './databricks-evidence';

/** What a promotion leaves behind for the thread, the audit record and the evidence pack. */
export interface RunEvidence {
  id: number;
  name: string;
  /** GitHub's `run_number`: what GitHub shows as `cd-prod #2` (the id is in the URL). */
  runNumber?: number;
  url: string;
  status: string;
  conclusion: string | null;
  /** The commit the run's workflow file was taken from (for a dispatch: the head of the workflow ref). */
  headSha: string;
  /** The commit the run deploys: the SHA input of a dispatched run, the merge commit of a branch deploy. */
  deployedSha?: string;
  jobs?: Array<{ id: number; name: string; conclusion: string | null; url: string }>;
}

export interface Evidence {
  sha?: string;
  runs: RunEvidence[];
  pullRequests: Array<{ number: number; url: string; title?: string }>;
  mergeSha?: string;
  deployments: Array<{ id: number; environment: string }>;
  /** `evidence.patterns` matches from job logs; Databricks run IDs enriched with state and run page URL. */
  matches: Array<{ name: string; value: string; source: string; state?: string; url?: string }>;
  approvers: Array<{ userId: string; at: string }>;
  startedAt?: string;
  finishedAt?: string;
  outcome?: 'succeeded' | 'failed' | 'failed_verification';
  /** `strategy: databricks`: the job run, each task's result, dbt's run_results summary. */
  databricks?: DatabricksEvidence;
  /** The environment's `verify` workflow run after the deploy (run id, url, conclusion). */
  verification?: { workflow: string; runId: number; url: string; name?: string; status: string; conclusion: string | null };
  /** GitHub API calls made for this promotion (gate evaluation and execution). */
  githubCalls?: number;
}

export function emptyEvidence(): Evidence {
  return { runs: [], pullRequests: [], deployments: [], matches: [], approvers: [] };
}

/**
 * How a run is named everywhere (thread, card, evidence, history): `cd-prod #2`, GitHub's
 * `run_number`; a record from before run numbers were kept says `cd-prod (run 1017)`.
 */
export function runLabel(r: Pick<RunEvidence, 'name' | 'id' | 'runNumber'>): string {
  return r.runNumber !== undefined ? `${r.name} #${r.runNumber}` : `${r.name} (run ${r.id})`;
}

/** `evidence.patterns` matches in a job log (first group, else the whole match), each value once per pattern. */
export function patternMatches(log: string, patterns: ReadonlyArray<{ name: string; regex: string }>, source: string): Evidence['matches'] {
  const found: Evidence['matches'] = [];
  for (const pat of patterns) {
    for (const m of log.matchAll(new RegExp(pat.regex, 'g'))) {
      const value = m[1] ?? m[0];
      if (!found.some((f) => f.name === pat.name && f.value === value)) found.push({ name: pat.name, value, source });
    }
  }
  return found;
}

/** Upserts a run by id (a run is followed and re-recorded as it progresses). */
export function withRun(e: Evidence, run: RunEvidence): Evidence {
  const runs = e.runs.some((r) => r.id === run.id) ? e.runs.map((r) => (r.id === run.id ? run : r)) : [...e.runs, run];
  return { ...e, runs };
}
