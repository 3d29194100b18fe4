/**
 * GitHub Environments and their protection rules: required reviewers (pending deployments,
 * approve/reject, the approvals history) and custom deployment protection rules (answered
 * through the run's `deployment_protection_rule` callback). A run waiting on an environment
 * requests its reviews (`deployment_review` / `deployment_protection_rule` webhooks).
 */
import type { ActionsRoom, RunPhaseEvent } from './actions';
import type { DeploymentsRoom } from './deployments';
import { isRecord } from '../emulator-base';
import { GhError, optStr, str, validationFailed, type GitHubRoutes, type HandlerResult, type Json, type Req } from './rest';
import { iso, nodeId, type Schemas, type Shapes } from './shapes';
import type { DeploymentRec, EnvironmentRec, GitHubState, RepoRec, RunRec } from './state';
import type { Webhooks } from './webhooks';

/** An environment; GitHub also answers `can_admins_bypass`, which its schema does not list. */
type Environment = Schemas['environment'] & { can_admins_bypass: boolean };

export class EnvironmentsRoom {
  constructor(
    private readonly state: GitHubState,
    private readonly shapes: Shapes,
    private readonly webhooks: Webhooks,
    private readonly actions: ActionsRoom,
    private readonly deployments: DeploymentsRoom,
  ) {}

  register(r: GitHubRoutes): void {
    const R = '/repos/:owner/:repo';
    r.add('GET', `${R}/actions/runs/:run_id/pending_deployments`, (q) => {
      const { repo, run } = this.state.runParam(q);
      return { status: 200, body: this.pendingDeployments(repo, run, q.login) };
    });
    r.add('POST', `${R}/actions/runs/:run_id/pending_deployments`, (q) => this.reviewPendingDeployments(q));
    r.add('GET', `${R}/actions/runs/:run_id/approvals`, (q) => {
      const { repo, run } = this.state.runParam(q);
      const list = this.state.approvals
        .filter((a) => a.runId === run.id)
        .map((a): Schemas['environment-approvals'] => {
          const env = this.state.environments.find((e) => e.repo === repo.fullName && e.name === a.environment);
          return {
            // the schema's environment id may be a bigint; the approvals' environments take a number
            environments: env ? [this.environmentJson(repo, env)].map((e) => ({ ...e, id: Number(e.id) })) : [],
            state: a.state,
            user: this.shapes.userJson(a.login),
            comment: a.comment,
          };
        });
      return { status: 200, body: list };
    });
    r.add('POST', `${R}/actions/runs/:run_id/deployment_protection_rule`, (q) => {
      const { run } = this.state.runParam(q);
      const envName = str(q.body.environment_name);
      const state = str(q.body.state);
      if (state !== 'approved' && state !== 'rejected') {
        throw validationFailed([{ resource: 'DeploymentProtectionRule', field: 'state', code: 'invalid' }]);
      }
      const review = run.review;
      if (!review?.needsCustom || review.environment !== envName || review.custom || this.actions.currentPhase(run).status !== 'waiting') {
        throw new GhError(422, `No pending custom deployment protection rule for environment "${envName}".`);
      }
      review.custom = { state, at: this.state.now(), login: q.login, comment: optStr(q.body.comment) ?? '' };
      this.actions.sync();
      return { status: 204 };
    });
    r.add('GET', `${R}/environments`, (q) => {
      const repo = this.state.repoParam(q);
      const list = this.state.environments.filter((e) => e.repo === repo.fullName).map((e) => this.environmentJson(repo, e));
      return { status: 200, body: { total_count: list.length, environments: list } };
    });
    r.add('GET', `${R}/environments/:name`, (q) => {
      const repo = this.state.repoParam(q);
      const env = this.state.environments.find((e) => e.repo === repo.fullName && e.name === q.params.name);
      if (!env) throw new GhError(404, 'Not Found');
      return { status: 200, body: this.environmentJson(repo, env) };
    });
  }

  /** A run waiting on a protected environment requests its reviews. */
  onRunPhase({ repo, run, phase, runJson }: RunPhaseEvent): void {
    if (run.environment === undefined || phase.status !== 'waiting' || !run.review) return;
    const deployment = this.state.deployments.find((d) => d.id === run.deploymentId);
    this.requestReviews(repo, run, runJson, deployment);
  }

  /** Approve or reject a waiting run as a reviewer would in GitHub's UI. */
  reviewRun(runId: number, state: 'approved' | 'rejected', options: { login?: string; comment?: string } = {}): void {
    this.actions.sync();
    const run = this.state.runs.find((r) => r.id === runId);
    if (!run?.review || this.actions.currentPhase(run).status !== 'waiting' || run.review.reviewers) {
      throw new Error(`GitHubEmulator.reviewRun: run ${runId} is not waiting for review`);
    }
    this.decideReview(run, state, options.login ?? 'release-manager', options.comment ?? '');
  }

  pendingDeployments(repo: RepoRec, run: RunRec, login: string): Schemas['pending-deployment'][] {
    const review = run.review;
    if (!review || !review.needsReviewers || review.reviewers || this.actions.currentPhase(run).status !== 'waiting') return [];
    const env = this.state.ensureEnvironment(repo, review.environment);
    const reviewers = env.reviewers ?? [];
    return [
      {
        environment: {
          id: env.id,
          node_id: nodeId('EN', env.id),
          name: env.name,
          url: `${this.shapes.apiRepoUrl(repo)}/environments/${encodeURIComponent(env.name)}`,
          html_url: `${this.shapes.htmlRepoUrl(repo)}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
        },
        wait_timer: 0,
        wait_timer_started_at: iso(this.actions.currentPhase(run).at),
        current_user_can_approve: reviewers.includes(login),
        reviewers: reviewers.map((r) => ({ type: 'User', reviewer: this.shapes.userJson(r) })),
      },
    ];
  }

  reviewPendingDeployments(q: Req): HandlerResult {
    const { repo, run } = this.state.runParam(q);
    const state = str(q.body.state);
    const ids = Array.isArray(q.body.environment_ids) ? q.body.environment_ids.map((v) => Number(v)) : [];
    const comment = optStr(q.body.comment);
    if ((state !== 'approved' && state !== 'rejected') || comment === undefined || ids.length === 0) {
      throw validationFailed([{ resource: 'PendingDeployment', field: 'state', code: 'invalid' }]);
    }
    const pending = this.pendingDeployments(repo, run, q.login);
    const env = pending[0]?.environment;
    const envId = isRecord(env) ? Number(env.id) : undefined;
    if (envId === undefined || !ids.includes(envId)) {
      throw new GhError(422, 'No pending deployment requests to approve or reject');
    }
    if (pending[0]?.current_user_can_approve !== true) {
      throw new GhError(422, 'Unable to approve or reject deployments: the user is not a required reviewer.');
    }
    this.decideReview(run, state, q.login, comment);
    const deployment = this.state.deployments.find((d) => d.id === run.deploymentId);
    return { status: 200, body: deployment ? [this.deployments.deploymentJson(deployment)] : [] };
  }

  decideReview(run: RunRec, state: 'approved' | 'rejected', login: string, comment: string): void {
    const review = run.review;
    if (!review) return;
    review.reviewers = { state, at: this.state.now(), login, comment };
    this.state.approvals.push({ runId: run.id, environment: review.environment, state, login, comment, at: this.state.now() });
    const repo = this.state.repoOrThrow(run.repo);
    const env = this.state.ensureEnvironment(repo, review.environment);
    this.state.host.record('review', { runId: run.id, environment: env.name, state, login, comment });
    const job = this.actions.jobJson(run);
    this.webhooks.send('deployment_review', {
      action: state,
      approver: this.shapes.userJson(login),
      comment,
      workflow_run: this.actions.runJson(run),
      workflow_job_runs: [
        {
          id: run.jobId,
          name: this.actions.jobName(run),
          status: 'waiting',
          conclusion: null,
          html_url: job.html_url,
          created_at: job.created_at,
          updated_at: job.created_at,
          environment: env.name,
        },
      ],
      since: iso(this.state.now()),
      repository: this.shapes.repoJson(repo),
      sender: this.shapes.userJson(login),
    });
    this.actions.sync();
  }

  requestReviews(repo: RepoRec, run: RunRec, runJson: Json, deployment: DeploymentRec | undefined): void {
    const review = run.review;
    if (!review) return;
    const env = this.state.ensureEnvironment(repo, review.environment);
    const job = this.actions.jobJson(run);
    if (review.needsReviewers) {
      this.webhooks.send('deployment_review', {
        action: 'requested',
        workflow_run: runJson,
        environment: env.name,
        requestor: this.shapes.userJson(run.actor),
        reviewers: (env.reviewers ?? []).map((login) => ({ type: 'User', reviewer: this.shapes.userJson(login) })),
        since: iso(this.state.now()),
        workflow_job_run: {
          id: run.jobId,
          name: job.name,
          status: 'waiting',
          conclusion: null,
          html_url: job.html_url,
          created_at: job.created_at,
          updated_at: job.created_at,
          environment: env.name,
        },
        repository: this.shapes.repoJson(repo),
        sender: this.shapes.userJson(run.actor),
      });
    }
    if (review.needsCustom) {
      this.webhooks.send('deployment_protection_rule', {
        action: 'requested',
        environment: env.name,
        event: run.event,
        deployment_callback_url: `${this.shapes.apiRepoUrl(repo)}/actions/runs/${run.id}/deployment_protection_rule`,
        deployment: deployment ? this.deployments.deploymentJson(deployment) : null,
        pull_requests: [],
        repository: this.shapes.repoJson(repo),
        sender: this.shapes.userJson(run.actor),
      });
    }
    this.state.host.record('review_requested', { runId: run.id, environment: env.name, reviewers: env.reviewers ?? [], customRule: env.customRule });
  }

  // ================================================================ JSON shapes

  environmentJson(repo: RepoRec, e: EnvironmentRec): Environment {
    const rules: NonNullable<Schemas['environment']['protection_rules']> = [];
    if (e.reviewers && e.reviewers.length > 0) {
      rules.push({
        id: e.reviewerRuleId,
        node_id: nodeId('GA_', e.reviewerRuleId),
        prevent_self_review: false,
        type: 'required_reviewers',
        reviewers: e.reviewers.map((login) => ({ type: 'User', reviewer: this.shapes.userJson(login) })),
      });
    }
    const json: Environment = {
      id: e.id,
      node_id: nodeId('EN_', e.id),
      name: e.name,
      url: `${this.shapes.apiRepoUrl(repo)}/environments/${encodeURIComponent(e.name)}`,
      html_url: `${this.shapes.htmlRepoUrl(repo)}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
      created_at: iso(e.createdAt),
      updated_at: iso(e.updatedAt),
      can_admins_bypass: true,
      protection_rules: rules,
      deployment_branch_policy: null,
    };
    return json;
  }
}
