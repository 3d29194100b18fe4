import type { Logger } from './logger';
import type { JobQueue } from './ports/job-queue';
import type { RunRecords } from './ports/run-records';
import type { WakeRegistry } from './ports/wake-registry';
import type { WorkflowRun } from './ports/workflow-runs';
import type { TriggerEvent } from '../domain/lifecycle';

export interface HandleGitHubEventDeps {
  wakes: WakeRegistry;
  runs: RunRecords;
  queue: Pick<JobQueue, 'wakeExecution'>;
  logger: Logger;
  /** Starts the promotions a `trigger` asks for (push / workflow_run); errors are logged, never thrown. */
  trigger?: (e: TriggerEvent) => Promise<unknown>;
}

/** A verified GitHub webhook as the adapter edge read it (`readGitHubEvent`). */
export interface GitHubEvent {
  /** `X-GitHub-Event`. */
  event: string;
  /** The run a `workflow_run` event describes, with its repository. */
  workflowRun?: { repo: string; run: WorkflowRun };
  /** A job of this run is waiting (`workflow_job` action `waiting`): the run waits, e.g. for an environment review. */
  runWaiting?: { repo: string; runId: number };
  /** A push or workflow_run as triggers read it. */
  trigger?: TriggerEvent;
  /** What a waiting promotion may be waiting on: runs, commits, pull requests of the repository. */
  wakeKeys: string[];
}

/**
 * A verified GitHub webhook: keeps what it says about a workflow run (the executor reads it
 * instead of asking GitHub again) and wakes exactly the promotions waiting on it.
 */
export class HandleGitHubEvent {
  constructor(private readonly d: HandleGitHubEventDeps) {}

  async handle(e: GitHubEvent): Promise<{ woke: string[] }> {
    if (e.workflowRun) await this.d.runs.remember(e.workflowRun.repo, e.workflowRun.run);
    if (e.runWaiting) {
      // the run as last seen, now waiting: its follower goes to the pending reviews without reading
      // the run again (completion is never inferred from a job; only the run's own events say it)
      const known = await this.d.runs.recall(e.runWaiting.repo, e.runWaiting.runId);
      if (known && known.status !== 'completed' && known.status !== 'waiting') await this.d.runs.remember(e.runWaiting.repo, { ...known, status: 'waiting' });
    }
    const ids = await this.d.wakes.waitingOn(e.wakeKeys);
    for (const id of ids) await this.d.queue.wakeExecution(id);
    if (ids.length) this.d.logger.debug({ event: e.event, woke: ids }, 'webhook woke waiting promotions');
    if (e.trigger && this.d.trigger) await this.d.trigger(e.trigger).catch((err: unknown) => this.d.logger.error({ err, delivery: e.trigger?.delivery }, 'trigger could not start a promotion'));
    return { woke: ids };
  }
}
