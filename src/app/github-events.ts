import { wakeKeys } from '../domain/wake-keys';

/** The wake keys a GitHub webhook event stands for (what a waiting promotion may be waiting on). */
export function wakeKeysFor(event: string, payload: Record<string, unknown>): string[] {
  const repo = (payload.repository as { full_name?: string } | undefined)?.full_name;
  if (!repo) return [];
  const keys: string[] = [];
  const run = payload.workflow_run as { id?: number; head_sha?: string } | undefined;
  const job = payload.workflow_job as { run_id?: number; head_sha?: string } | undefined;
  const suite = payload.check_suite as { head_sha?: string } | undefined;
  const checkRun = payload.check_run as { head_sha?: string } | undefined;
  const pr = payload.pull_request as { number?: number; head?: { sha?: string }; merge_commit_sha?: string | null } | undefined;
  const deployment = payload.deployment as { sha?: string } | undefined;
  switch (event) {
    case 'workflow_run':
      if (run?.id) keys.push(wakeKeys.run(repo, run.id));
      if (run?.head_sha) keys.push(wakeKeys.sha(repo, run.head_sha));
      keys.push(wakeKeys.workflow(repo));
      break;
    case 'workflow_job':
      if (job?.run_id) keys.push(wakeKeys.run(repo, job.run_id));
      break;
    case 'check_suite':
    case 'check_run':
      if (suite?.head_sha) keys.push(wakeKeys.sha(repo, suite.head_sha));
      if (checkRun?.head_sha) keys.push(wakeKeys.sha(repo, checkRun.head_sha));
      break;
    case 'status':
      if (typeof payload.sha === 'string') keys.push(wakeKeys.sha(repo, payload.sha));
      break;
    case 'pull_request':
      if (pr?.number) keys.push(wakeKeys.pull(repo, pr.number));
      if (pr?.head?.sha) keys.push(wakeKeys.sha(repo, pr.head.sha));
      if (pr?.merge_commit_sha) keys.push(wakeKeys.sha(repo, pr.merge_commit_sha));
      break;
    case 'deployment_status':
    case 'deployment':
      if (deployment?.sha) keys.push(wakeKeys.sha(repo, deployment.sha));
      break;
    default:
      break;
  }
  return keys;
}
