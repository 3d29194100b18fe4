/**
 * Checks of a commit: check runs (seeded, created through the API, and one per workflow job),
 * check suites (one per workflow run), commit statuses and the combined status, and which
 * required checks are not green (branch protection, deployments).
 */
import type { ActionsRoom, RunPhaseEvent } from './actions';
import type { GitRoom } from './git';
import type { PullsRoom } from './pulls';
import { GhError, paginate, optStr, str, validationFailed, type GitHubRoutes, type HandlerResult, type Req } from './rest';
import { iso, nodeId, type Schemas, type Shapes } from './shapes';
import type { CheckRunRec, CommitState, Conclusion, GitHubState, RepoRec, RunRec, StatusRec } from './state';
import type { Webhooks } from './webhooks';

type CheckRun = Schemas['check-run'];
/** A check suite as GitHub shows it, less the `repository` the emulator has never sent (shipgate reads suites from webhooks only). */
type CheckSuite = Omit<Schemas['check-suite'], 'repository'>;

export class ChecksRoom {
  constructor(
    private readonly state: GitHubState,
    private readonly shapes: Shapes,
    private readonly webhooks: Webhooks,
    private readonly git: GitRoom,
    private readonly pulls: PullsRoom,
    private readonly actions: ActionsRoom,
  ) {}

  register(r: GitHubRoutes): void {
    const R = '/repos/:owner/:repo';
    r.add('GET', `${R}/commits/:ref/check-runs`, (q) => this.listCheckRuns(q));
    r.add('GET', `${R}/commits/:ref/check-suites`, (q) => {
      const repo = this.state.repoParam(q);
      const sha = this.git.refOr422(repo, q.params.ref ?? '');
      const suites = this.state.runs.filter((run) => run.repo === repo.fullName && run.headSha === sha).map((run) => this.checkSuiteJson(run));
      return { status: 200, body: { total_count: suites.length, check_suites: suites } };
    });
    r.add('GET', `${R}/commits/:ref/status`, (q) => this.combinedStatus(q));
    r.add('GET', `${R}/commits/:ref/statuses`, (q) => {
      const repo = this.state.repoParam(q);
      const sha = this.git.refOr422(repo, q.params.ref ?? '');
      const list = this.state.statuses
        .filter((s) => s.repo === repo.fullName && s.sha === sha)
        .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
        .map((s) => this.statusJson(repo, s));
      return { status: 200, body: paginate(list, q.query) };
    });
    r.add('POST', `${R}/statuses/:sha`, (q) => {
      const repo = this.state.repoParam(q);
      const sha = q.params.sha ?? '';
      if (!repo.commits.has(sha)) throw validationFailed([{ resource: 'Status', field: 'sha', code: 'invalid' }]);
      const state = str(q.body.state) as CommitState;
      if (!['error', 'failure', 'pending', 'success'].includes(state)) {
        throw validationFailed([{ resource: 'Status', field: 'state', code: 'invalid' }]);
      }
      const status = this.createStatus(
        repo,
        sha,
        optStr(q.body.context) ?? 'default',
        state,
        optStr(q.body.target_url) ?? null,
        optStr(q.body.description) ?? null,
        q.login,
      );
      return { status: 201, body: this.statusJson(repo, status) };
    });
    r.add('POST', `${R}/check-runs`, (q) => {
      const repo = this.state.repoParam(q);
      const sha = str(q.body.head_sha);
      const name = str(q.body.name);
      if (!repo.commits.has(sha) || !name) throw validationFailed([{ resource: 'CheckRun', field: 'head_sha', code: 'invalid' }]);
      const status = (optStr(q.body.status) ?? 'queued') as CheckRunRec['status'];
      const id = this.addCheckRun(repo.fullName, sha, {
        name,
        status,
        conclusion: (optStr(q.body.conclusion) as Conclusion | undefined) ?? null,
        detailsUrl: optStr(q.body.details_url),
      });
      const check = this.state.checkRuns.find((c) => c.id === id);
      if (!check) throw new GhError(500, 'check run vanished');
      return { status: 201, body: this.checkRunJson(repo, check) };
    });
  }

  /** A completed run completes its check suite. */
  onRunPhase({ repo, run, phase }: RunPhaseEvent): void {
    if (phase.status !== 'completed') return;
    const base = { repository: this.shapes.repoJson(repo), sender: this.shapes.userJson(run.actor) };
    this.webhooks.send('check_suite', { action: 'completed', check_suite: this.checkSuiteJson(run, phase.at), ...base });
  }

  // ================================================================ seeding

  addCheckRun(
    repoName: string,
    ref: string,
    options: { name: string; status?: 'queued' | 'in_progress' | 'completed'; conclusion?: Conclusion | null; detailsUrl?: string },
  ): number {
    const repo = this.state.repoOrThrow(repoName);
    const sha = this.git.resolveRef(repo, ref);
    if (!sha) throw new Error(`GitHubEmulator.addCheckRun: unknown ref ${ref}`);
    const status = options.status ?? 'completed';
    const check: CheckRunRec = {
      id: this.state.nextId(),
      repo: repo.fullName,
      headSha: sha,
      name: options.name,
      status,
      conclusion: status === 'completed' ? (options.conclusion ?? 'success') : null,
      startedAt: this.state.now(),
      completedAt: status === 'completed' ? this.state.now() : null,
      externalId: '',
      checkSuiteId: this.state.nextId(),
    };
    if (options.detailsUrl !== undefined) check.detailsUrl = options.detailsUrl;
    this.state.checkRuns.push(check);
    return check.id;
  }

  updateCheckRun(id: number, update: { status?: 'queued' | 'in_progress' | 'completed'; conclusion?: Conclusion | null }): void {
    const check = this.state.checkRuns.find((c) => c.id === id);
    if (!check) throw new Error(`GitHubEmulator.updateCheckRun: unknown check run ${id}`);
    if (update.status !== undefined) check.status = update.status;
    if (update.conclusion !== undefined) check.conclusion = update.conclusion;
    if (check.status === 'completed') {
      check.conclusion ??= 'success';
      check.completedAt = this.state.now();
    }
  }

  addStatus(repoName: string, ref: string, options: { context: string; state: CommitState; targetUrl?: string; description?: string }): number {
    const repo = this.state.repoOrThrow(repoName);
    const sha = this.git.resolveRef(repo, ref);
    if (!sha) throw new Error(`GitHubEmulator.addStatus: unknown ref ${ref}`);
    return this.createStatus(repo, sha, options.context, options.state, options.targetUrl ?? null, options.description ?? null, this.state.login).id;
  }

  // ================================================================ check runs and statuses

  listCheckRuns(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
    const sha = this.git.refOr422(repo, q.params.ref ?? '');
    const fromJobs = this.state.runs.filter((run) => run.repo === repo.fullName && run.headSha === sha).map((run) => this.jobCheckRunJson(repo, run));
    const seeded = this.state.checkRuns.filter((c) => c.repo === repo.fullName && c.headSha === sha).map((c) => this.checkRunJson(repo, c));
    let list = [...seeded, ...fromJobs];
    if (q.query.check_name !== undefined) list = list.filter((c) => c.name === q.query.check_name);
    if (q.query.status !== undefined) list = list.filter((c) => c.status === q.query.status);
    if (q.query.filter !== 'all') {
      // "latest" (default): the most recent check run per name.
      const latest = new Map<string, CheckRun>();
      for (const c of list) {
        const prev = latest.get(str(c.name));
        if (!prev || Number(c.id) > Number(prev.id)) latest.set(str(c.name), c);
      }
      list = [...latest.values()];
    }
    list.sort((a, b) => Number(b.id) - Number(a.id));
    return { status: 200, body: { total_count: list.length, check_runs: paginate(list, q.query) } };
  }

  combinedStatus(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
    const sha = this.git.refOr422(repo, q.params.ref ?? '');
    const latest = this.latestStatuses(repo, sha);
    const states = latest.map((s) => s.state);
    const state: CommitState = states.some((s) => s === 'failure' || s === 'error')
      ? 'failure'
      : states.length === 0 || states.includes('pending')
        ? 'pending'
        : 'success';
    return {
      status: 200,
      body: {
        state,
        statuses: latest.map((s) => this.statusJson(repo, s)),
        sha,
        total_count: latest.length,
        repository: this.shapes.minimalRepoJson(repo),
        commit_url: `${this.shapes.apiRepoUrl(repo)}/commits/${sha}`,
        url: `${this.shapes.apiRepoUrl(repo)}/commits/${sha}/status`,
      } satisfies Schemas['combined-commit-status'],
    };
  }

  latestStatuses(repo: RepoRec, sha: string): StatusRec[] {
    const byContext = new Map<string, StatusRec>();
    for (const s of this.state.statuses) {
      if (s.repo !== repo.fullName || s.sha !== sha) continue;
      const prev = byContext.get(s.context);
      if (!prev || s.createdAt > prev.createdAt || (s.createdAt === prev.createdAt && s.id > prev.id)) byContext.set(s.context, s);
    }
    return [...byContext.values()];
  }

  createStatus(
    repo: RepoRec,
    sha: string,
    context: string,
    state: CommitState,
    targetUrl: string | null,
    description: string | null,
    creator: string,
  ): StatusRec {
    const status: StatusRec = {
      id: this.state.nextId(),
      repo: repo.fullName,
      sha,
      context,
      state,
      targetUrl,
      description,
      createdAt: this.state.now(),
      creator,
    };
    this.state.statuses.push(status);
    this.state.host.record('status', { repo: repo.fullName, sha, context, state });
    this.webhooks.send('status', {
      id: status.id,
      sha,
      name: repo.fullName,
      target_url: targetUrl,
      context,
      description,
      state,
      commit: this.git.commitJson(repo, this.git.commitRec(repo, sha)),
      branches: [],
      created_at: iso(status.createdAt),
      updated_at: iso(status.createdAt),
      repository: this.shapes.repoJson(repo),
      sender: this.shapes.userJson(creator),
    });
    return status;
  }

  /** Names of required checks not green on `sha` (check runs or statuses). */
  failingChecks(repo: RepoRec, sha: string, names: string[]): string[] {
    const checks = [
      ...this.state.checkRuns.filter((c) => c.repo === repo.fullName && c.headSha === sha).map((c) => this.checkRunJson(repo, c)),
      ...this.state.runs.filter((r) => r.repo === repo.fullName && r.headSha === sha).map((r) => this.jobCheckRunJson(repo, r)),
    ];
    const statuses = this.latestStatuses(repo, sha);
    return names.filter((name) => {
      const check = checks.filter((c) => c.name === name).sort((a, b) => Number(b.id) - Number(a.id))[0];
      if (check) return !(check.status === 'completed' && ['success', 'neutral', 'skipped'].includes(str(check.conclusion)));
      const status = statuses.find((s) => s.context === name);
      return status?.state !== 'success';
    });
  }

  // ================================================================ JSON shapes

  checkRunJson(repo: RepoRec, c: CheckRunRec): CheckRun {
    const html = `${this.shapes.htmlRepoUrl(repo)}/runs/${c.id}`;
    return {
      id: c.id,
      head_sha: c.headSha,
      node_id: nodeId('CR_', c.id),
      external_id: c.externalId,
      url: `${this.shapes.apiRepoUrl(repo)}/check-runs/${c.id}`,
      html_url: html,
      details_url: c.detailsUrl ?? html,
      status: c.status,
      conclusion: c.conclusion,
      started_at: iso(c.startedAt),
      completed_at: c.completedAt === null ? null : iso(c.completedAt),
      output: {
        title: null,
        summary: null,
        text: null,
        annotations_count: 0,
        annotations_url: `${this.shapes.apiRepoUrl(repo)}/check-runs/${c.id}/annotations`,
      },
      name: c.name,
      check_suite: { id: c.checkSuiteId },
      app: this.shapes.actionsAppJson(),
      pull_requests: [],
    };
  }

  /** Each workflow job is also a check run (same id) on the head SHA. */
  jobCheckRunJson(repo: RepoRec, run: RunRec): CheckRun {
    const job = this.actions.jobJson(run);
    const status = job.status === 'waiting' ? 'waiting' : job.status;
    return {
      id: run.jobId,
      head_sha: run.headSha,
      node_id: job.node_id,
      external_id: String(run.jobId),
      url: job.check_run_url,
      html_url: job.html_url,
      details_url: job.html_url,
      status,
      conclusion: job.conclusion,
      started_at: job.started_at,
      completed_at: job.completed_at,
      output: {
        title: null,
        summary: null,
        text: null,
        annotations_count: 0,
        annotations_url: `${this.shapes.apiRepoUrl(repo)}/check-runs/${run.jobId}/annotations`,
      },
      name: job.name,
      check_suite: { id: run.checkSuiteId },
      app: this.shapes.actionsAppJson(),
      pull_requests: [],
    };
  }

  checkSuiteJson(run: RunRec, at = this.state.now()): CheckSuite {
    const repo = this.state.repoOrThrow(run.repo);
    const phase = this.actions.currentPhase(run, at);
    return {
      id: run.checkSuiteId,
      node_id: nodeId('CS_', run.checkSuiteId),
      head_branch: run.headBranch,
      head_sha: run.headSha,
      status: phase.status === 'waiting' ? 'queued' : phase.status,
      conclusion: phase.conclusion,
      url: `${this.shapes.apiRepoUrl(repo)}/check-suites/${run.checkSuiteId}`,
      app: this.shapes.actionsAppJson(),
      created_at: iso(run.createdAt),
      updated_at: iso(phase.at),
      latest_check_runs_count: 1,
      check_runs_url: `${this.shapes.apiRepoUrl(repo)}/check-suites/${run.checkSuiteId}/check-runs`,
      before: this.git.commitRec(repo, run.headSha).parents[0] ?? '0'.repeat(40),
      after: run.headSha,
      pull_requests: this.pulls.runPullRequests(repo, run),
      head_commit: this.git.simpleCommitJson(repo, run.headSha),
    };
  }

  statusJson(repo: RepoRec, s: StatusRec): Schemas['status'] {
    return {
      url: `${this.shapes.apiRepoUrl(repo)}/statuses/${s.sha}`,
      avatar_url: null,
      id: s.id,
      node_id: nodeId('SC_', s.id),
      state: s.state,
      description: s.description,
      target_url: s.targetUrl,
      context: s.context,
      created_at: iso(s.createdAt),
      updated_at: iso(s.createdAt),
      creator: this.shapes.userJson(s.creator),
    };
  }
}
