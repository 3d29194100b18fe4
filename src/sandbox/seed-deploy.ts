import type { GitHubEmulator } from '../emulators/github-emulator';

/** What a seed needs to act on the emulated GitHub "in the past". */
export interface PastDeployContext {
  github: GitHubEmulator;
  /** Moves the emulator clock to `hoursAgo` and returns that instant. */
  at: (hoursAgo: number) => Date;
  api: <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<T>;
}

/** The deploy run of a seeded deployment. */
export interface PastDeployRun {
  id: number;
  name: string;
  runNumber: number;
  url: string;
  headSha: string;
}

/**
 * A deploy as CI or shipgate made it `hoursAgo`: `deploy.yml` dispatched with the environment
 * and SHA, and a GitHub Deployment of the SHA whose success status (six minutes later) links
 * the run. Returns the run and when the deployment finished.
 */
export async function deployInThePast(
  c: PastDeployContext,
  o: { repo: string; env: string; sha: string; hoursAgo: number; description: string; production?: boolean },
): Promise<{ run: PastDeployRun; finished: Date }> {
  c.at(o.hoursAgo);
  const started = await c.api<{ workflow_run_id: number; html_url: string }>('POST', `/repos/${o.repo}/actions/workflows/deploy.yml/dispatches`, {
    ref: 'main',
    inputs: { environment: o.env, sha: o.sha },
    return_run_details: true,
  });
  const dep = await c.api<{ id: number }>('POST', `/repos/${o.repo}/deployments`, {
    ref: o.sha,
    environment: o.env,
    task: 'deploy',
    auto_merge: false,
    required_contexts: [],
    ...(o.production !== undefined ? { production_environment: o.production } : {}),
    description: o.description,
  });
  const finished = c.at(o.hoursAgo - 0.1);
  await c.api('POST', `/repos/${o.repo}/deployments/${dep.id}/statuses`, {
    state: 'success',
    log_url: started.html_url,
    description: 'Deployed by deploy.yml',
  });
  const run = {
    id: started.workflow_run_id,
    name: 'deploy',
    runNumber: Number(c.github.run(started.workflow_run_id)?.run_number),
    url: started.html_url,
    headSha: o.sha,
  };
  return { run, finished };
}
