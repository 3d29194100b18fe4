/**
 * Seeds the `cycles` gate's runs (examples/sandbox/shipgate.yml: prod needs 2 successful runs
 * of `surveillance-pipeline.yml` on the candidate in the source environment since it was
 * deployed there). Each demo repository gets the workflow and, on the SHA now in the
 * environment before prod, runs after that deployment: markets-pipeline (int) two successes
 * and a failure in between (which does not count), databricks-jobs (test) two successes. The
 * card of a prod request then shows "2 of 2 cycles" with the runs' links; a newer candidate
 * starts again at 0 (trigger runs with the emulated GitHub's dispatch to watch it count).
 */
import type { GitHubEmulator } from '../emulators/github-emulator';

const HOUR = 3_600_000;

export const CYCLES_WORKFLOW = 'surveillance-pipeline.yml';

export interface CyclesSeedClock {
  skewMs: number;
}

/** One planned run: on `ref`'s head, `hoursAgo` before now, with this conclusion. */
interface PlannedRun {
  repo: string;
  ref: string;
  hoursAgo: number;
  conclusion: 'success' | 'failure';
}

/** The cycles workflow in a demo repository. */
function addCyclesWorkflow(github: GitHubEmulator, repo: string): void {
  github.addWorkflow(repo, {
    file: CYCLES_WORKFLOW,
    name: 'surveillance-pipeline',
    jobName: 'surveillance',
    stepName: 'Trade surveillance checks',
    durations: { queuedMs: 1000, inProgressMs: 4000 },
    logLines: ['surveillance: 0 alerts over the last cycle'],
  });
}

/** One run of the cycles workflow on `ref` (a branch or tag), dispatched as a person would; its run id. */
async function dispatchCycle(github: GitHubEmulator, token: string, repo: string, ref: string): Promise<number> {
  const res = await fetch(`${github.url}/repos/${repo}/actions/workflows/${CYCLES_WORKFLOW}/dispatches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'content-type': 'application/json' },
    body: JSON.stringify({ ref, return_run_details: true }),
  });
  if (!res.ok) throw new Error(`sandbox seed: dispatching ${CYCLES_WORKFLOW} in ${repo} answered ${res.status}: ${await res.text()}`);
  return Number(((await res.json()) as { workflow_run_id: number }).workflow_run_id);
}

export async function seedCycleRuns(
  github: GitHubEmulator,
  clock: CyclesSeedClock,
  token: string,
  repos: { markets: string; platform: string },
): Promise<number[]> {
  for (const repo of [repos.markets, repos.platform]) addCyclesWorkflow(github, repo);
  const plan: PlannedRun[] = [
    { repo: repos.markets, ref: 'main', hoursAgo: 18, conclusion: 'success' },
    { repo: repos.markets, ref: 'main', hoursAgo: 12, conclusion: 'failure' },
    { repo: repos.markets, ref: 'main', hoursAgo: 6, conclusion: 'success' },
    { repo: repos.platform, ref: 'test', hoursAgo: 16, conclusion: 'success' },
    { repo: repos.platform, ref: 'test', hoursAgo: 4, conclusion: 'success' },
  ].sort((a, b) => b.hoursAgo - a.hoursAgo) as PlannedRun[];
  const ids: number[] = [];
  for (const r of plan) {
    clock.skewMs = -r.hoursAgo * HOUR;
    github.setWorkflowOutcome(r.repo, CYCLES_WORKFLOW, r.conclusion);
    ids.push(await dispatchCycle(github, token, r.repo, r.ref));
  }
  for (const repo of [repos.markets, repos.platform]) github.setWorkflowOutcome(repo, CYCLES_WORKFLOW, 'success');
  return ids;
}

/**
 * The same for services whose candidate is not a branch head (the parallel-stage risk-models in
 * staging, markets-infra in int): two successful runs on each `sha`, between its deployment
 * (`at`) and now, dispatched on a tag of that commit (`build-<sha7>`, as CI tags its builds).
 */
export async function seedCycleRunsOn(
  github: GitHubEmulator,
  clock: CyclesSeedClock & { base?: () => number },
  token: string,
  targets: ReadonlyArray<{ repo: string; sha: string; at: Date }>,
): Promise<number[]> {
  const ids: number[] = [];
  for (const t of targets) {
    addCyclesWorkflow(github, t.repo);
    const tag = `build-${t.sha.slice(0, 7)}`;
    github.addTag(t.repo, tag, t.sha);
    const since = (clock.base ? clock.base() : Date.now()) - t.at.getTime();
    for (const part of [2 / 3, 1 / 3]) {
      clock.skewMs = -Math.round(since * part);
      ids.push(await dispatchCycle(github, token, t.repo, tag));
    }
  }
  clock.skewMs = 0;
  return ids;
}
