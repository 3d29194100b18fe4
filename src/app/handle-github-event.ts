import type { Logger } from './logger';
import { wakeKeysFor } from './github-events';
import type { JobQueue } from './ports/job-queue';
import type { RunRecords } from './ports/run-records';
import type { WakeRegistry } from './ports/wake-registry';
import type { WorkflowRun } from './ports/workflow-runs';

export interface HandleGitHubEventDeps {
  wakes: WakeRegistry;
  runs: RunRecords;
  queue: Pick<JobQueue, 'wakeExecution'>;
  logger: Logger;
}

/** A workflow_run payload as the executor reads runs (the webhook's own fields). */
function runFrom(payload: Record<string, unknown>): WorkflowRun | undefined {
  const r = payload.workflow_run as Record<string, unknown> | undefined;
  if (!r || typeof r.id !== 'number' || typeof r.html_url !== 'string' || typeof r.head_sha !== 'string') return undefined;
  return {
    id: r.id,
    name: typeof r.name === 'string' ? r.name : `run ${r.id}`,
    htmlUrl: r.html_url,
    status: typeof r.status === 'string' ? r.status : 'unknown',
    conclusion: typeof r.conclusion === 'string' ? r.conclusion : null,
    headSha: r.head_sha,
    event: typeof r.event === 'string' ? r.event : '',
    createdAt: typeof r.created_at === 'string' ? r.created_at : '',
    ...(typeof r.updated_at === 'string' ? { updatedAt: r.updated_at } : {}),
    ...(typeof r.display_title === 'string' ? { displayTitle: r.display_title } : {}),
    ...(typeof r.run_number === 'number' ? { runNumber: r.run_number } : {}),
    ...(typeof r.head_branch === 'string' ? { headBranch: r.head_branch } : {}),
  };
}

/**
 * A verified GitHub webhook: keeps what it says about a workflow run (the executor reads it
 * instead of asking GitHub again) and wakes exactly the promotions waiting on it.
 */
export class HandleGitHubEvent {
  constructor(private readonly d: HandleGitHubEventDeps) {}

  async handle(event: string, payload: Record<string, unknown>): Promise<{ woke: string[] }> {
    const repo = (payload.repository as { full_name?: string } | undefined)?.full_name;
    if (event === 'workflow_run' && repo) {
      const run = runFrom(payload);
      if (run) await this.d.runs.remember(repo, run);
    }
    const ids = await this.d.wakes.waitingOn(wakeKeysFor(event, payload));
    for (const id of ids) await this.d.queue.wakeExecution(id);
    if (ids.length) this.d.logger.debug({ event, woke: ids }, 'webhook woke waiting promotions');
    return { woke: ids };
  }
}
