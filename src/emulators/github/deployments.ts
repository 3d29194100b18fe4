/**
 * Deployments and their statuses: created through the API (refused while required checks
 * are not green) or by a workflow run whose job uses an environment (`waiting`,
 * `in_progress`, then `success`/`failure`/`error` as the run moves); a success makes the
 * environment's earlier successful deployments `inactive`.
 */
import type { ActionsRoom, RunPhaseEvent } from './actions';
import type { ChecksRoom } from './checks';
import type { GitRoom } from './git';
import { GhError, paginate, optStr, str, validationFailed, type GitHubRoutes, type HandlerResult, type Json, type Req } from './rest';
import { iso, nodeId, type Schemas, type Shapes } from './shapes';
import { ACTIONS_BOT, type DeploymentRec, type DeploymentState, type DeploymentStatusRec, type GitHubState, type RepoRec } from './state';
import type { Webhooks } from './webhooks';

/** A deployment status; its state may also be `waiting` (a run waiting for review), which GitHub's REST schema leaves out. */
export type DeploymentStatus = Omit<Schemas['deployment-status'], 'state'> & { state: DeploymentState };

/** A deployment; its `payload` is echoed as the client sent it (GitHub documents an object or a string). */
export type Deployment = Omit<Schemas['deployment'], 'payload'> & { payload: unknown };

export class DeploymentsRoom {
  constructor(
    private readonly state: GitHubState,
    private readonly shapes: Shapes,
    private readonly webhooks: Webhooks,
    private readonly git: GitRoom,
    private readonly checks: ChecksRoom,
    private readonly actions: ActionsRoom,
  ) {}

  register(r: GitHubRoutes): void {
    const R = '/repos/:owner/:repo';
    r.add('POST', `${R}/deployments`, (q) => this.createDeployment(q));
    r.add('GET', `${R}/deployments`, (q) => {
      const repo = this.state.repoParam(q);
      const { environment, sha, ref, task } = q.query;
      const list = this.state.deployments
        .filter(
          (d) =>
            d.repo === repo.fullName &&
            (environment === undefined || d.environment === environment) &&
            (sha === undefined || d.sha === sha) &&
            (ref === undefined || d.ref === ref) &&
            (task === undefined || d.task === task),
        )
        .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
        .map((d) => this.deploymentJson(d));
      return { status: 200, body: paginate(list, q.query) };
    });
    r.add('GET', `${R}/deployments/:id`, (q) => ({ status: 200, body: this.deploymentJson(this.deploymentParam(q)) }));
    r.add('POST', `${R}/deployments/:id/statuses`, (q) => {
      const deployment = this.deploymentParam(q);
      const state = str(q.body.state) as DeploymentState;
      const valid: DeploymentState[] = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
      if (!valid.includes(state)) throw validationFailed([{ resource: 'DeploymentStatus', field: 'state', code: 'invalid' }]);
      const description = optStr(q.body.description) ?? '';
      if (description.length > 140) {
        throw validationFailed([
          { resource: 'DeploymentStatus', field: 'description', code: 'custom', message: 'description is too long (maximum is 140 characters)' },
        ]);
      }
      const status = this.addDeploymentStatus(deployment, state, {
        description,
        logUrl: optStr(q.body.log_url) ?? optStr(q.body.target_url) ?? '',
        environmentUrl: optStr(q.body.environment_url) ?? '',
        creator: q.login,
        environment: optStr(q.body.environment),
        autoInactive: q.body.auto_inactive !== false,
      });
      return { status: 201, body: this.deploymentStatusJson(deployment, status) };
    });
    r.add('GET', `${R}/deployments/:id/statuses`, (q) => {
      const deployment = this.deploymentParam(q);
      const list = [...deployment.statuses].reverse().map((s) => this.deploymentStatusJson(deployment, s));
      return { status: 200, body: paginate(list, q.query) };
    });
  }

  /** A run whose job uses an environment deploys there: one deployment per run, a status per phase. */
  onRunPhase({ repo, run, phase }: RunPhaseEvent): void {
    if (run.environment === undefined) return;
    if ((phase.status === 'waiting' || phase.status === 'in_progress') && run.deploymentId === undefined) {
      const deployment = this.insertDeployment(repo, {
        sha: run.headSha,
        ref: run.headBranch,
        task: 'deploy',
        environment: run.environment,
        description: null,
        payload: {},
        creator: ACTIONS_BOT,
        createdAt: phase.at,
        productionEnvironment: /prod/i.test(run.environment),
        transientEnvironment: false,
        runId: run.id,
      });
      run.deploymentId = deployment.id;
    }
    const deployment = this.state.deployments.find((d) => d.id === run.deploymentId);
    if (deployment) {
      const logUrl = `${this.shapes.htmlRepoUrl(repo)}/actions/runs/${run.id}/job/${run.jobId}`;
      const opts = { description: '', logUrl, environmentUrl: '', creator: ACTIONS_BOT, at: phase.at, autoInactive: true };
      if (phase.status === 'waiting') this.addDeploymentStatus(deployment, 'waiting', opts);
      if (phase.status === 'in_progress') this.addDeploymentStatus(deployment, 'in_progress', opts);
      if (phase.status === 'completed') {
        const state: DeploymentState = phase.conclusion === 'success' ? 'success' : phase.conclusion === 'cancelled' ? 'error' : 'failure';
        this.addDeploymentStatus(deployment, state, opts);
      }
    }
  }

  deploymentParam(q: Req): DeploymentRec {
    const repo = this.state.repoParam(q);
    const deployment = this.state.deployments.find((d) => d.repo === repo.fullName && d.id === Number(q.params.id));
    if (!deployment) throw new GhError(404, 'Not Found');
    return deployment;
  }

  createDeployment(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
    const ref = optStr(q.body.ref);
    if (!ref) throw validationFailed([{ resource: 'Deployment', field: 'ref', code: 'missing_field' }]);
    const sha = this.git.resolveRef(repo, ref);
    if (!sha) throw new GhError(422, `No ref found for: ${ref}`);
    const environment = optStr(q.body.environment) ?? 'production';
    const required = Array.isArray(q.body.required_contexts) ? q.body.required_contexts.map((c) => str(c)) : undefined;
    const contexts = required ?? [
      ...new Set([
        ...this.checks.latestStatuses(repo, sha).map((s) => s.context),
        ...this.state.checkRuns.filter((c) => c.repo === repo.fullName && c.headSha === sha).map((c) => c.name),
      ]),
    ];
    const failing = this.checks.failingChecks(repo, sha, contexts);
    if (failing.length > 0) {
      throw new GhError(409, `Conflict: Commit status checks failed for ${ref}.`, {
        errors: [{ contexts: failing.map((context) => ({ context, state: 'failure' })), resource: 'Deployment', field: 'required_contexts' }],
      });
    }
    const deployment = this.insertDeployment(repo, {
      sha,
      ref,
      task: optStr(q.body.task) ?? 'deploy',
      environment,
      description: optStr(q.body.description) ?? null,
      payload: q.body.payload ?? {},
      creator: q.login,
      createdAt: this.state.now(),
      productionEnvironment: typeof q.body.production_environment === 'boolean' ? q.body.production_environment : environment === 'production',
      transientEnvironment: q.body.transient_environment === true,
    });
    return { status: 201, body: this.deploymentJson(deployment) };
  }

  insertDeployment(repo: RepoRec, input: Omit<DeploymentRec, 'id' | 'repo' | 'statuses'>): DeploymentRec {
    this.state.ensureEnvironment(repo, input.environment);
    const deployment: DeploymentRec = { ...input, id: this.state.nextId(), repo: repo.fullName, statuses: [] };
    this.state.deployments.push(deployment);
    const json = this.deploymentJson(deployment);
    this.state.host.record('deployment', { deployment: json });
    const run = input.runId === undefined ? undefined : this.state.runs.find((r) => r.id === input.runId);
    const workflow = run && this.state.workflows.find((w) => w.id === run.workflowId);
    this.webhooks.send('deployment', {
      action: 'created',
      deployment: json,
      workflow: workflow ? this.actions.workflowJson(repo, workflow) : null,
      workflow_run: run ? this.actions.deploymentRunJson(run, input.createdAt) : null,
      repository: this.shapes.repoJson(repo),
      sender: this.shapes.userJson(input.creator),
    });
    return deployment;
  }

  addDeploymentStatus(
    deployment: DeploymentRec,
    state: DeploymentState,
    opts: { description: string; logUrl: string; environmentUrl: string; creator: string; environment?: string; at?: number; autoInactive: boolean },
  ): DeploymentStatusRec {
    const status: DeploymentStatusRec = {
      id: this.state.nextId(),
      state,
      description: opts.description,
      environment: opts.environment ?? deployment.environment,
      environmentUrl: opts.environmentUrl,
      logUrl: opts.logUrl,
      createdAt: opts.at ?? this.state.now(),
      creator: opts.creator,
    };
    deployment.statuses.push(status);
    if (state === 'success' && opts.autoInactive && !deployment.transientEnvironment) {
      for (const other of this.state.deployments) {
        if (other === deployment || other.repo !== deployment.repo || other.environment !== deployment.environment) continue;
        const last = other.statuses[other.statuses.length - 1];
        if (last?.state === 'success') {
          other.statuses.push({ ...last, id: this.state.nextId(), state: 'inactive', createdAt: status.createdAt, creator: opts.creator });
        }
      }
    }
    const repo = this.state.repoOrThrow(deployment.repo);
    const statusJson = this.deploymentStatusJson(deployment, status);
    this.state.host.record('deployment_status', { deployment_status: statusJson, deployment: this.deploymentJson(deployment) });
    const payload: Json = {
      action: 'created',
      deployment_status: statusJson,
      deployment: this.deploymentJson(deployment),
      repository: this.shapes.repoJson(repo),
      sender: this.shapes.userJson(opts.creator),
    };
    const run = deployment.runId === undefined ? undefined : this.state.runs.find((r) => r.id === deployment.runId);
    const workflow = run && this.state.workflows.find((w) => w.id === run.workflowId);
    if (run) payload.workflow_run = this.actions.deploymentRunJson(run, status.createdAt);
    if (workflow) payload.workflow = this.actions.workflowJson(repo, workflow);
    this.webhooks.send('deployment_status', payload);
    return status;
  }

  // ================================================================ JSON shapes

  deploymentJson(d: DeploymentRec): Deployment {
    const repo = this.state.repoOrThrow(d.repo);
    const api = `${this.shapes.apiRepoUrl(repo)}/deployments/${d.id}`;
    const last = d.statuses[d.statuses.length - 1];
    return {
      url: api,
      id: d.id,
      node_id: nodeId('DE_', d.id),
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: this.shapes.userJson(d.creator),
      created_at: iso(d.createdAt),
      updated_at: iso(last?.createdAt ?? d.createdAt),
      statuses_url: `${api}/statuses`,
      repository_url: this.shapes.apiRepoUrl(repo),
      transient_environment: d.transientEnvironment,
      production_environment: d.productionEnvironment,
    };
  }

  deploymentStatusJson(d: DeploymentRec, s: DeploymentStatusRec): DeploymentStatus {
    const repo = this.state.repoOrThrow(d.repo);
    const api = `${this.shapes.apiRepoUrl(repo)}/deployments/${d.id}`;
    return {
      url: `${api}/statuses/${s.id}`,
      id: s.id,
      node_id: nodeId('DES_', s.id),
      state: s.state,
      creator: this.shapes.userJson(s.creator),
      description: s.description,
      environment: s.environment,
      target_url: s.logUrl,
      log_url: s.logUrl,
      environment_url: s.environmentUrl,
      created_at: iso(s.createdAt),
      updated_at: iso(s.createdAt),
      deployment_url: api,
      repository_url: this.shapes.apiRepoUrl(repo),
    };
  }
}
