import type { GitHubEvent } from '../../app/handle-github-event';
import type { WorkflowRun } from '../../app/ports/workflow-runs';
import { wakeKeys } from '../../domain/wake-keys';
import type { GitHubWebhookPayload } from './webhook-payload';
import type { TriggerEvent } from '../../domain/lifecycle';

/** A workflow_run payload's run as the executor reads runs (the webhook's own fields). */
function runFrom(r: GitHubWebhookPayload['workflow_run']): WorkflowRun | undefined {
  if (!r || r.id === undefined || r.html_url === undefined || r.head_sha === undefined) return undefined;
  return {
    id: r.id,
    name: r.name ?? `run ${r.id}`,
    htmlUrl: r.html_url,
    status: r.status ?? 'unknown',
    conclusion: r.conclusion ?? null,
    headSha: r.head_sha,
    event: r.event ?? '',
    createdAt: r.created_at ?? '',
    ...(r.updated_at !== undefined ? { updatedAt: r.updated_at } : {}),
    ...(r.display_title !== undefined ? { displayTitle: r.display_title } : {}),
    ...(r.run_number !== undefined ? { runNumber: r.run_number } : {}),
    ...(r.head_branch !== undefined ? { headBranch: r.head_branch } : {}),
  };
}

/** The wake keys a GitHub webhook event stands for (what a waiting promotion may be waiting on). */
export function wakeKeysFor(event: string, payload: GitHubWebhookPayload): string[] {
  const repo = payload.repository?.full_name;
  if (!repo) return [];
  const keys: string[] = [];
  const { workflow_run: run, workflow_job: job, check_suite: suite, check_run: checkRun, pull_request: pr, deployment } = payload;
  switch (event) {
    case 'workflow_run':
      if (run?.id) keys.push(wakeKeys.run(repo, run.id));
      if (run?.head_sha) keys.push(wakeKeys.sha(repo, run.head_sha));
      keys.push(wakeKeys.workflow(repo));
      break;
    case 'workflow_job':
      // a job waiting (for an environment review) is news to the run's follower; a job starting or
      // ending is not: the run's own workflow_run events tell it (a wake per job would only re-read
      // the run for nothing)
      if (job?.run_id && payload.action === 'waiting') keys.push(wakeKeys.run(repo, job.run_id));
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

/**
 * What a verified webhook (its `X-GitHub-Event` and the payload the edge schema accepted)
 * tells shipgate: the workflow run it describes, if any, and the wake keys it stands for.
 */
export function readGitHubEvent(event: string, payload: GitHubWebhookPayload, delivery = ''): GitHubEvent {
  const repo = payload.repository?.full_name;
  const run = event === 'workflow_run' && repo ? runFrom(payload.workflow_run) : undefined;
  // GitHub sends no workflow_run event when a run starts waiting for a review: its job's event says so
  const waiting = event === 'workflow_job' && payload.action === 'waiting' && repo && payload.workflow_job?.run_id ? { repo, runId: payload.workflow_job.run_id } : undefined;
  const trigger = repo ? triggerFrom(event, payload, repo, delivery) : undefined;
  return { event, ...(run && repo ? { workflowRun: { repo, run } } : {}), ...(waiting ? { runWaiting: waiting } : {}), ...(trigger ? { trigger } : {}), wakeKeys: wakeKeysFor(event, payload) };
}

type Author = { name?: string | null | undefined; email?: string | null | undefined; username?: string | null | undefined } | undefined;

function authorOf(a: Author): TriggerEvent['author'] {
  if (!a) return undefined;
  return { ...(a.name ? { name: a.name } : {}), ...(a.email ? { email: a.email } : {}), ...(a.username ? { login: a.username } : {}) };
}

/** What a `push` or `workflow_run` event says for triggers (domain/lifecycle decides whether one fires). */
function triggerFrom(event: string, p: GitHubWebhookPayload, repo: string, delivery: string): TriggerEvent | undefined {
  if (event === 'push' && p.after && p.ref) {
    const author = authorOf(p.head_commit?.author);
    return { name: 'push', delivery, repo, sha: p.after, ref: p.ref, ...(p.deleted ? { deleted: true } : {}), ...(author ? { author } : {}) };
  }
  const r = p.workflow_run;
  if (event === 'workflow_run' && r?.head_sha) {
    const author = authorOf(r.head_commit?.author ?? undefined);
    return {
      name: 'workflow_run',
      delivery,
      repo,
      sha: r.head_sha,
      ...(r.head_branch ? { ref: r.head_branch } : {}),
      ...(r.path ? { workflowPath: r.path } : {}),
      ...(p.action ? { action: p.action } : {}),
      conclusion: r.conclusion ?? null,
      ...(r.html_url ? { runUrl: r.html_url } : {}),
      ...(author ? { author } : {}),
    };
  }
  return undefined;
}
