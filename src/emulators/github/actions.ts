/**
 * GitHub Actions in the emulator: workflows, `workflow_dispatch` (inputs checked as GitHub
 * does), runs with their single job, steps and logs, cancellation, and run durations on the
 * emulator clock. A run's phases (queued → waiting for review → in progress → completed)
 * are computed from its creation time, durations and review decisions; `sync()` notices the
 * phases reached so far and reports each once: `run`/`job` events, `workflow_run` and
 * `workflow_job` webhooks, then the phase listeners (deployments, reviews, check suites).
 */
import { createHash } from 'node:crypto';
import { isRecord, sendText, type RequestContext } from '../emulator-base';
import type { PullsRoom } from './pulls';
import { GhError, paginate, optStr, validationFailed, type GitHubRoutes, type HandlerResult, type Req } from './rest';
import type { GitRoom } from './git';
import { iso, nodeId, type Schemas, type Shapes } from './shapes';
import type { AddWorkflowOptions, Conclusion, Decision, DispatchRecord, GitHubState, Phase, RepoRec, ReviewRec, RunRec, WorkflowRec } from './state';
import type { Webhooks } from './webhooks';

/** A run reached a phase (reported once, in order); `runJson` is the run as of that phase. */
export interface RunPhaseEvent {
  repo: RepoRec;
  run: RunRec;
  phase: Phase;
  runJson: Schemas['workflow-run'];
}

/** A workflow run without its head commit and repositories (as deployments carry it). */
export type DeploymentWorkflowRun = Omit<Schemas['workflow-run'], 'head_commit' | 'repository' | 'head_repository'>;

export type RunPhaseListener = (event: RunPhaseEvent) => void;

export class ActionsRoom {
  /** Every workflow dispatch, with its inputs (GitHub does not return inputs in run objects). */
  readonly dispatches: DispatchRecord[] = [];
  private readonly phaseListeners: RunPhaseListener[] = [];

  constructor(
    private readonly state: GitHubState,
    private readonly shapes: Shapes,
    private readonly webhooks: Webhooks,
    private readonly git: GitRoom,
    private readonly pulls: PullsRoom,
    private readonly defaultDurations: { queuedMs: number; inProgressMs: number },
  ) {}

  /** Called for every phase a run reaches, after the run's own events and webhooks. */
  onPhase(listener: RunPhaseListener): void {
    this.phaseListeners.push(listener);
  }

  /** A push to `branch` starts the workflows that run `on: push` to it. */
  runOnPush(repo: RepoRec, branch: string, sha: string, message: string): void {
    for (const workflow of this.state.workflows) {
      if (workflow.repo === repo.fullName && workflow.onPushBranches.includes(branch)) {
        this.createRun(repo, workflow, { event: 'push', branch, sha, inputs: {}, displayTitle: message.split('\n')[0] ?? '' });
      }
    }
  }

  register(r: GitHubRoutes): void {
    const R = '/repos/:owner/:repo';
    r.add('GET', `${R}/actions/workflows`, (q) => {
      const repo = this.state.repoParam(q);
      const list = this.state.workflows.filter((w) => w.repo === repo.fullName).map((w) => this.workflowJson(repo, w));
      return { status: 200, body: { total_count: list.length, workflows: list } };
    });
    r.add('GET', `${R}/actions/workflows/:workflow`, (q) => {
      const repo = this.state.repoParam(q);
      return { status: 200, body: this.workflowJson(repo, this.workflowParam(repo, q.params.workflow)) };
    });
    r.add('POST', `${R}/actions/workflows/:workflow/dispatches`, (q) => this.dispatch(q));
    r.add('GET', `${R}/actions/workflows/:workflow/runs`, (q) => {
      const repo = this.state.repoParam(q);
      const workflow = this.workflowParam(repo, q.params.workflow);
      return this.listRuns(repo, q.query, workflow.id);
    });
    r.add('GET', `${R}/actions/runs`, (q) => this.listRuns(this.state.repoParam(q), q.query));
    r.add('GET', `${R}/actions/runs/:run_id`, (q) => {
      const { run } = this.state.runParam(q);
      return { status: 200, body: this.runJson(run) };
    });
    r.add('GET', `${R}/actions/runs/:run_id/attempts/:attempt`, (q) => {
      const { run } = this.state.runParam(q);
      if (Number(q.params.attempt) !== run.runAttempt) throw new GhError(404, 'Not Found');
      return { status: 200, body: this.runJson(run) };
    });
    r.add('GET', `${R}/actions/runs/:run_id/jobs`, (q) => {
      const { run } = this.state.runParam(q);
      return { status: 200, body: { total_count: 1, jobs: [this.jobJson(run)] } };
    });
    r.add('POST', `${R}/actions/runs/:run_id/cancel`, (q) => {
      const { run } = this.state.runParam(q);
      if (this.currentPhase(run).status === 'completed') throw new GhError(409, 'Cannot cancel a workflow run that is completed.');
      run.cancelledAt = this.state.now();
      this.sync();
      return { status: 202, body: {} };
    });
    r.add('GET', `${R}/actions/jobs/:job_id`, (q) => {
      const repo = this.state.repoParam(q);
      const run = this.state.runs.find((x) => x.repo === repo.fullName && x.jobId === Number(q.params.job_id));
      if (!run) throw new GhError(404, 'Not Found');
      return { status: 200, body: this.jobJson(run) };
    });
    r.add('GET', `${R}/actions/jobs/:job_id/logs`, (q) => {
      const repo = this.state.repoParam(q);
      const run = this.state.runs.find((x) => x.repo === repo.fullName && x.jobId === Number(q.params.job_id));
      if (!run) throw new GhError(404, 'Not Found');
      const sig = createHash('sha1').update(`log:${run.jobId}`).digest('hex').slice(0, 16);
      return { status: 302, headers: { location: `${this.state.url}/_logs/jobs/${run.jobId}.txt?sig=${sig}` } };
    });
  }

  // ================================================================ seeding

  /** Register a workflow file; returns its numeric id. */
  addWorkflow(repoName: string, options: AddWorkflowOptions): number {
    const repo = this.state.repoOrThrow(repoName);
    const file = options.file.replace(/^\.github\/workflows\//, '');
    const workflow: WorkflowRec = {
      id: this.state.nextId(),
      repo: repo.fullName,
      file,
      path: `.github/workflows/${file}`,
      name: options.name ?? file.replace(/\.ya?ml$/, ''),
      conclusion: options.conclusion ?? 'success',
      logLines: options.logLines ?? [],
      durations: {
        queuedMs: options.durations?.queuedMs ?? this.defaultDurations.queuedMs,
        inProgressMs: options.durations?.inProgressMs ?? this.defaultDurations.inProgressMs,
      },
      onPushBranches: options.onPushBranches ?? [],
      dispatchable: options.dispatchable ?? true,
      jobName: options.jobName ?? 'deploy',
      stepName: options.stepName ?? 'Deploy',
      ...(options.runName ? { runName: options.runName } : {}),
      createdAt: this.state.now(),
    };
    if (options.environment !== undefined) workflow.environment = options.environment;
    if (options.inputs !== undefined) workflow.inputs = options.inputs;
    if (options.artifacts !== undefined) workflow.artifacts = options.artifacts;
    this.state.workflows.push(workflow);
    return workflow.id;
  }

  /** Conclusion for runs of `file` started from now on. */
  setWorkflowOutcome(repoName: string, file: string, conclusion: 'success' | 'failure'): void {
    this.state.workflowOrThrow(repoName, file).conclusion = conclusion;
  }

  /** Change the conclusion of a run that has not completed yet. */
  setRunOutcome(runId: number, conclusion: Conclusion): void {
    const run = this.state.runs.find((r) => r.id === runId);
    if (!run) throw new Error(`GitHubEmulator.setRunOutcome: unknown run ${runId}`);
    if (this.currentPhase(run).status === 'completed') throw new Error(`run ${runId} already completed`);
    run.conclusion = conclusion;
  }

  // ================================================================ runs on the emulator clock

  workflowParam(repo: RepoRec, idOrFile: string | undefined): WorkflowRec {
    const key = idOrFile ?? '';
    const workflow = this.state.workflows.find((w) => w.repo === repo.fullName && (String(w.id) === key || w.file === key || w.path === key));
    if (!workflow) throw new GhError(404, 'Not Found');
    return workflow;
  }

  dispatch(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
    const workflow = this.workflowParam(repo, q.params.workflow);
    const ref = optStr(q.body.ref);
    if (!ref) throw validationFailed([{ resource: 'WorkflowDispatch', field: 'ref', code: 'missing_field' }]);
    if (!workflow.dispatchable) throw new GhError(422, "Workflow does not have 'workflow_dispatch' trigger");
    const bare = ref.replace(/^refs\/(heads|tags)\//, '');
    const sha = repo.branches.get(bare) ?? repo.tags.get(bare);
    if (!sha) throw new GhError(422, `No ref found for: ${ref}`);
    const inputs: Record<string, unknown> = isRecord(q.body.inputs) ? { ...q.body.inputs } : {};
    if (workflow.inputs) {
      const unexpected = Object.keys(inputs).filter((k) => !(k in (workflow.inputs ?? {})));
      if (unexpected.length > 0) throw new GhError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
      for (const [name, spec] of Object.entries(workflow.inputs)) {
        if (inputs[name] === undefined && spec.default !== undefined) inputs[name] = spec.default;
        if (spec.required && (inputs[name] === undefined || inputs[name] === '')) {
          throw new GhError(422, `Required input '${name}' not provided`);
        }
      }
    }
    if (Object.keys(inputs).length > 25) throw new GhError(422, 'you may only define up to 25 `inputs` for a `workflow_dispatch` event');
    const displayTitle = workflow.runName
      ? workflow.runName.replace(/\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, k: string) => String(inputs[k] ?? ''))
      : workflow.name;
    const run = this.createRun(repo, workflow, { event: 'workflow_dispatch', branch: bare, sha, inputs, displayTitle, actor: q.login });
    const dispatch: DispatchRecord = {
      repo: repo.fullName,
      workflowId: workflow.id,
      workflow: workflow.file,
      ref,
      inputs,
      runId: run.id,
      at: this.state.now(),
    };
    this.dispatches.push(dispatch);
    this.state.host.record('dispatch', dispatch);
    if (q.body.return_run_details === true) {
      return {
        status: 200,
        body: {
          workflow_run_id: run.id,
          run_url: `${this.shapes.apiRepoUrl(repo)}/actions/runs/${run.id}`,
          html_url: `${this.shapes.htmlRepoUrl(repo)}/actions/runs/${run.id}`,
        },
      };
    }
    return { status: 204 };
  }

  createRun(
    repo: RepoRec,
    workflow: WorkflowRec,
    input: { event: string; branch: string; sha: string; inputs: Record<string, unknown>; displayTitle: string; actor?: string },
  ): RunRec {
    const runNumber = (repo.workflowRunNumbers.get(workflow.id) ?? 0) + 1;
    repo.workflowRunNumbers.set(workflow.id, runNumber);
    const run: RunRec = {
      id: this.state.nextId(),
      repo: repo.fullName,
      workflowId: workflow.id,
      event: input.event,
      headBranch: input.branch,
      headSha: input.sha,
      runNumber,
      runAttempt: 1,
      createdAt: this.state.now(),
      inputs: input.inputs,
      actor: input.actor ?? this.state.login,
      conclusion: workflow.conclusion,
      displayTitle: input.displayTitle,
      durations: { ...workflow.durations },
      jobId: this.state.nextId(),
      checkSuiteId: this.state.nextId(),
      reportedPhases: 0,
    };
    if (workflow.environment !== undefined) {
      run.environment = workflow.environment;
      const env = this.state.ensureEnvironment(repo, workflow.environment);
      const needsReviewers = (env.reviewers?.length ?? 0) > 0;
      if (needsReviewers || env.customRule) {
        run.review = { environment: env.name, needsReviewers, needsCustom: env.customRule };
      }
    }
    this.state.runs.push(run);
    this.sync();
    return run;
  }

  /** Run phases on the emulator clock; the current one is the last that has started. */
  phases(run: RunRec): Phase[] {
    const out: Phase[] = [{ status: 'queued', at: run.createdAt, conclusion: null }];
    const queuedUntil = run.createdAt + run.durations.queuedMs;
    let startAt: number | undefined = queuedUntil;
    if (run.review) {
      out.push({ status: 'waiting', at: queuedUntil, conclusion: null });
      const decision = reviewDecision(run.review);
      if (!decision) startAt = undefined;
      else if (decision.state === 'rejected') {
        out.push({ status: 'completed', at: Math.max(decision.at, queuedUntil), conclusion: 'failure' });
        startAt = undefined;
      } else startAt = Math.max(decision.at, queuedUntil);
    }
    if (startAt !== undefined) {
      out.push({ status: 'in_progress', at: startAt, conclusion: null });
      out.push({ status: 'completed', at: startAt + run.durations.inProgressMs, conclusion: run.conclusion });
    }
    const cancelledAt = run.cancelledAt;
    if (cancelledAt === undefined) return out;
    const kept = out.filter((p) => p.at <= cancelledAt);
    if (!kept.some((p) => p.status === 'completed')) kept.push({ status: 'completed', at: cancelledAt, conclusion: 'cancelled' });
    return kept;
  }

  phasesAt(run: RunRec, at: number): Phase[] {
    return this.phases(run).filter((p) => p.at <= at);
  }

  currentPhase(run: RunRec, at = this.state.now()): Phase {
    const reached = this.phasesAt(run, at);
    return reached[reached.length - 1] ?? { status: 'queued', at: run.createdAt, conclusion: null };
  }

  /** Notice transitions: events, environment deployments and webhooks, in phase order. */
  sync(): void {
    const now = this.state.now();
    for (const run of this.state.runs) {
      const reached = this.phasesAt(run, now);
      while (run.reportedPhases < reached.length) {
        const phase = reached[run.reportedPhases];
        run.reportedPhases += 1;
        if (phase) this.onTransition(run, phase);
      }
    }
  }

  private onTransition(run: RunRec, phase: Phase): void {
    const repo = this.state.repoOrThrow(run.repo);
    const workflow = this.state.workflowOf(run);
    if (!workflow) return;
    const runJson = this.runJson(run, phase.at);
    const jobJson = this.jobJson(run, phase.at);
    const runAction = phase.status === 'queued' ? 'requested' : phase.status === 'waiting' ? undefined : phase.status;
    this.state.host.record('run', { action: runAction ?? 'waiting', status: phase.status, conclusion: phase.conclusion, run: runJson });
    this.state.host.record('job', { action: phase.status, job: jobJson });
    const base = { repository: this.shapes.repoJson(repo), sender: this.shapes.userJson(run.actor) };
    if (runAction !== undefined) {
      this.webhooks.send('workflow_run', { action: runAction, workflow_run: runJson, workflow: this.workflowJson(repo, workflow), ...base });
    }
    this.webhooks.send('workflow_job', { action: phase.status, workflow_job: jobJson, ...base });
    for (const listener of this.phaseListeners) listener({ repo, run, phase, runJson });
  }

  // ================================================================ lists and logs

  listRuns(repo: RepoRec, query: Record<string, string>, workflowId?: number): HandlerResult {
    const created = parseCreatedFilter(query.created);
    const statusFilter = query.status;
    let list = this.state.runs
      .filter((run) => run.repo === repo.fullName && (workflowId === undefined || run.workflowId === workflowId))
      .filter((run) => query.event === undefined || run.event === query.event)
      .filter((run) => query.branch === undefined || run.headBranch === query.branch)
      .filter((run) => query.head_sha === undefined || run.headSha === query.head_sha)
      .filter((run) => query.actor === undefined || run.actor === query.actor)
      .filter((run) => created(Math.floor(run.createdAt / 1000) * 1000));
    if (statusFilter !== undefined) {
      list = list.filter((run) => {
        const phase = this.currentPhase(run);
        return phase.status === statusFilter || (phase.status === 'completed' && phase.conclusion === statusFilter);
      });
    }
    list.sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
    const page = paginate(list, query);
    return { status: 200, body: { total_count: list.length, workflow_runs: page.map((run) => this.runJson(run)) } };
  }

  jobName(run: RunRec): string {
    return this.state.workflows.find((w) => w.id === run.workflowId)?.jobName ?? 'deploy';
  }

  jobLog(run: RunRec): string {
    const workflow = this.state.workflows.find((w) => w.id === run.workflowId);
    const phase = this.currentPhase(run);
    const phases = this.phases(run);
    const start = phases.find((p) => p.status === 'in_progress')?.at ?? run.createdAt;
    const stamp = (offset: number): string => `${new Date(start + offset).toISOString().replace(/Z$/, '')}0000Z`;
    const lines: string[] = [
      `${stamp(0)} Current runner version: '2.321.0'`,
      `${stamp(0)} ##[group]Runner Image`,
      `${stamp(0)} Image: ubuntu-24.04`,
      `${stamp(0)} ##[endgroup]`,
      `${stamp(1)} ##[group]Run actions/checkout@v4`,
      `${stamp(2)} HEAD is now at ${run.headSha.slice(0, 7)} ${this.git.commitRec(this.state.repoOrThrow(run.repo), run.headSha).message.split('\n')[0] ?? ''}`,
      `${stamp(2)} ##[endgroup]`,
    ];
    if (phase.status === 'completed' && phases.some((p) => p.status === 'in_progress')) {
      lines.push(`${stamp(3)} ##[group]Run ${workflow?.stepName ?? 'Deploy'}`);
      (workflow?.logLines ?? []).forEach((line, i) => lines.push(`${stamp(4 + i)} ${line}`));
      if (phase.conclusion === 'failure') lines.push(`${stamp(900)} ##[error]Process completed with exit code 1.`);
      lines.push(`${stamp(901)} ##[endgroup]`);
      lines.push(`${stamp(902)} Cleaning up orphan processes`);
    }
    return `${lines.join('\n')}\n`;
  }

  serveLog(ctx: RequestContext): void {
    const id = Number(/^\/_logs\/jobs\/(\d+)\.txt$/.exec(ctx.path)?.[1]);
    this.sync();
    const run = this.state.runs.find((r) => r.jobId === id);
    if (!run) {
      sendText(ctx.res, 404, 'The specified blob does not exist.');
      return;
    }
    sendText(ctx.res, 200, this.jobLog(run));
  }

  // ================================================================ JSON shapes

  workflowJson(repo: RepoRec, w: WorkflowRec): Schemas['workflow'] {
    return {
      id: w.id,
      node_id: nodeId('W_', w.id),
      name: w.name,
      path: w.path,
      state: 'active',
      created_at: iso(w.createdAt),
      updated_at: iso(w.createdAt),
      url: `${this.shapes.apiRepoUrl(repo)}/actions/workflows/${w.id}`,
      html_url: `${this.shapes.htmlRepoUrl(repo)}/blob/${repo.defaultBranch}/${w.path}`,
      badge_url: `${this.shapes.htmlRepoUrl(repo)}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
    };
  }

  runJson(run: RunRec, at = this.state.now()): Schemas['workflow-run'] {
    const repo = this.state.repoOrThrow(run.repo);
    return {
      ...this.deploymentRunJson(run, at),
      head_commit: this.git.simpleCommitJson(repo, run.headSha),
      repository: this.shapes.minimalRepoJson(repo),
      head_repository: this.shapes.minimalRepoJson(repo),
    };
  }

  /** A run as a deployment's or deployment status's `workflow_run`: GitHub leaves out the head commit and repositories there. */
  deploymentRunJson(run: RunRec, at: number): DeploymentWorkflowRun {
    const repo = this.state.repoOrThrow(run.repo);
    const workflow = this.state.workflows.find((w) => w.id === run.workflowId);
    const phase = this.currentPhase(run, at);
    const api = `${this.shapes.apiRepoUrl(repo)}/actions/runs/${run.id}`;
    const prs = this.pulls.runPullRequests(repo, run);
    return {
      id: run.id,
      name: workflow?.name ?? '',
      node_id: nodeId('WFR_', run.id),
      head_branch: run.headBranch,
      head_sha: run.headSha,
      path: workflow?.path ?? '',
      display_title: run.displayTitle,
      run_number: run.runNumber,
      event: run.event,
      status: phase.status,
      conclusion: phase.conclusion,
      workflow_id: run.workflowId,
      check_suite_id: run.checkSuiteId,
      check_suite_node_id: nodeId('CS_', run.checkSuiteId),
      url: api,
      html_url: `${this.shapes.htmlRepoUrl(repo)}/actions/runs/${run.id}`,
      pull_requests: prs,
      created_at: iso(run.createdAt),
      updated_at: iso(phase.at),
      actor: this.shapes.userJson(run.actor),
      run_attempt: run.runAttempt,
      referenced_workflows: [],
      run_started_at: iso(run.createdAt),
      triggering_actor: this.shapes.userJson(run.actor),
      jobs_url: `${api}/jobs`,
      logs_url: `${api}/logs`,
      check_suite_url: `${this.shapes.apiRepoUrl(repo)}/check-suites/${run.checkSuiteId}`,
      artifacts_url: `${api}/artifacts`,
      cancel_url: `${api}/cancel`,
      rerun_url: `${api}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${this.shapes.apiRepoUrl(repo)}/actions/workflows/${run.workflowId}`,
    };
  }

  jobJson(run: RunRec, at = this.state.now()): Schemas['job'] {
    const repo = this.state.repoOrThrow(run.repo);
    const workflow = this.state.workflows.find((w) => w.id === run.workflowId);
    const phase = this.currentPhase(run, at);
    const phases = this.phasesAt(run, at);
    const started = phases.find((p) => p.status === 'in_progress');
    const all = this.phases(run);
    const plannedStart = all.find((p) => p.status === 'in_progress')?.at;
    const planned = all.find((p) => p.status === 'completed');
    const plannedEnd = planned?.at;
    const plannedConclusion = planned?.conclusion;
    const steps: NonNullable<Schemas['job']['steps']> = [];
    if (started && plannedStart !== undefined && plannedEnd !== undefined) {
      const span = Math.max(plannedEnd - plannedStart, 4);
      const names = ['Set up job', 'Run actions/checkout@v4', workflow?.stepName ?? 'Deploy', 'Complete job'];
      const fractions = [0, 0.1, 0.2, 0.9, 1];
      names.forEach((name, i) => {
        const s = plannedStart + Math.floor(span * (fractions[i] ?? 0));
        const e = plannedStart + Math.floor(span * (fractions[i + 1] ?? 1));
        // Steps split the planned in-progress span; completion (even a cancellation) ends it, so a completed run has every step completed.
        let status: 'queued' | 'in_progress' | 'completed' = 'queued';
        let conclusion: string | null = null;
        if (at >= e) {
          status = 'completed';
          conclusion = i === 2 ? (plannedConclusion ?? 'success') : 'success';
        } else if (at >= s) status = 'in_progress';
        steps.push({
          name,
          status,
          conclusion,
          number: i + 1,
          started_at: at >= s ? iso(s) : null,
          completed_at: status === 'completed' ? iso(e) : null,
        });
      });
    }
    const htmlUrl = `${this.shapes.htmlRepoUrl(repo)}/actions/runs/${run.id}/job/${run.jobId}`;
    const createdAt = iso(run.createdAt);
    return {
      id: run.jobId,
      run_id: run.id,
      workflow_name: workflow?.name ?? '',
      head_branch: run.headBranch,
      run_url: `${this.shapes.apiRepoUrl(repo)}/actions/runs/${run.id}`,
      run_attempt: run.runAttempt,
      node_id: nodeId('CR_', run.jobId),
      head_sha: run.headSha,
      url: `${this.shapes.apiRepoUrl(repo)}/actions/jobs/${run.jobId}`,
      html_url: htmlUrl,
      status: phase.status,
      conclusion: phase.conclusion,
      created_at: createdAt,
      started_at: started ? iso(started.at) : createdAt,
      completed_at: phase.status === 'completed' ? iso(phase.at) : null,
      name: workflow?.jobName ?? 'deploy',
      steps,
      check_run_url: `${this.shapes.apiRepoUrl(repo)}/check-runs/${run.jobId}`,
      labels: ['ubuntu-latest'],
      runner_id: started ? 1 : null,
      runner_name: started ? 'GitHub Actions 1' : null,
      runner_group_id: started ? 2 : null,
      runner_group_name: started ? 'GitHub Actions' : null,
    };
  }
}

function reviewDecision(review: ReviewRec): { state: 'approved' | 'rejected'; at: number } | undefined {
  const needed: Array<Decision | undefined> = [];
  if (review.needsReviewers) needed.push(review.reviewers);
  if (review.needsCustom) needed.push(review.custom);
  const given = needed.filter((d): d is Decision => d !== undefined);
  const rejected = given.filter((d) => d.state === 'rejected').sort((a, b) => a.at - b.at)[0];
  if (rejected) return { state: 'rejected', at: rejected.at };
  if (given.length < needed.length) return undefined;
  return { state: 'approved', at: Math.max(...given.map((d) => d.at)) };
}

/** GitHub's `created` filter: `>=ISO`, `<=ISO`, `>ISO`, `<ISO`, `A..B`, or a date/instant. */
function parseCreatedFilter(filter: string | undefined): (ms: number) => boolean {
  if (!filter) return () => true;
  const parse = (s: string): number => Date.parse(s.trim());
  const range = /^(.+)\.\.(.+)$/.exec(filter);
  if (range) {
    const from = range[1] === '*' ? -Infinity : parse(range[1] ?? '');
    const to = range[2] === '*' ? Infinity : parse(range[2] ?? '');
    return (ms) => ms >= from && ms <= to;
  }
  const op = /^(>=|<=|>|<)(.+)$/.exec(filter);
  if (op) {
    const t = parse(op[2] ?? '');
    switch (op[1]) {
      case '>=':
        return (ms) => ms >= t;
      case '<=':
        return (ms) => ms <= t;
      case '>':
        return (ms) => ms > t;
      default:
        return (ms) => ms < t;
    }
  }
  const t = parse(filter);
  if (/^\d{4}-\d{2}-\d{2}$/.test(filter.trim())) return (ms) => ms >= t && ms < t + 86_400_000;
  return (ms) => ms === t;
}
