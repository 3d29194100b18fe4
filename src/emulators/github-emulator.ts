/**
 * GitHub REST emulator: repos, branches, commits, Actions workflows and runs
 * (with lazy, clock-driven progress, jobs, steps and logs), environment
 * reviews, check runs, statuses, pull requests with merges, compare,
 * deployments, git data, rate-limit headers, ETags and signed webhooks.
 *
 * Octokit is pointed at it with `baseUrl: emu.url`. `html_url`s point at tiny
 * HTML pages served by the emulator itself.
 *
 * This class composes the rooms under `./github/` (each registers its routes on the
 * gateway's route table) and keeps the seeding and query API tests use.
 */
import { EmulatorBase, type EmulatorOptions, type RequestContext } from './emulator-base';
import { ActionsRoom } from './github/actions';
import { ArtifactsRoom } from './github/artifacts';
import { ChecksRoom } from './github/checks';
import { DeploymentsRoom } from './github/deployments';
import { EnvironmentsRoom } from './github/environments';
import { Gateway, type GitHubFault } from './github/gateway';
import { GitRoom } from './github/git';
import { PagesRoom } from './github/pages';
import { PullsRoom } from './github/pulls';
import { ReposRoom } from './github/repos';
import type { Json } from './github/rest';
import { Shapes } from './github/shapes';
import { GitHubState, type AddWorkflowOptions, type CommitAuthor, type CommitState, type Conclusion, type DispatchRecord } from './github/state';
import { Webhooks, type WebhookDelivery } from './github/webhooks';

export type { AddWorkflowOptions, CommitAuthor, CommitState, Conclusion, DeploymentState, DispatchRecord, RunStatus } from './github/state';
export type { GitHubFault } from './github/gateway';
export type { WebhookDelivery } from './github/webhooks';

export interface GitHubEmulatorOptions extends EmulatorOptions {
  /** The one accepted token (shorthand for `tokens: [token]`). */
  token?: string;
  /** Accepted tokens; when neither this nor `token` is set any non-empty token is accepted. */
  tokens?: string[];
  /** Login of the authenticated user (approvals, PR authors, deployment creator). Default `shipgate-bot`. */
  login?: string;
  /** Core rate limit per hour (default 5000). */
  rateLimit?: number;
  /** Where to POST webhook events (settable later through `emu.webhook`). */
  webhook?: { url: string; secret: string };
  /** Run durations when a workflow does not set its own (default 1 s queued, 3 s in progress). */
  defaultDurations?: { queuedMs: number; inProgressMs: number };
  /** Interval of the background timer that notices run transitions (default 50 ms). */
  tickMs?: number;
  /** When set, webhook payloads carry `installation: { id }` like a GitHub App's. */
  installationId?: number;
}

export class GitHubEmulator extends EmulatorBase {
  webhook: { url: string; secret: string } | undefined;
  /** Every workflow dispatch, with its inputs (GitHub does not return inputs in run objects). */
  readonly dispatches: DispatchRecord[];
  /** Webhook deliveries attempted, oldest first. */
  readonly deliveries: WebhookDelivery[];
  private readonly webhookRoom: Webhooks;
  readonly login: string;

  private readonly tickMs: number;
  private readonly state: GitHubState;
  private readonly git: GitRoom;
  private readonly repos: ReposRoom;
  private readonly pullRoom: PullsRoom;
  private readonly actions: ActionsRoom;
  /** Artifacts of completed runs (list, download as zip). */
  readonly artifacts: ArtifactsRoom;
  private readonly checks: ChecksRoom;
  private readonly deploymentRoom: DeploymentsRoom;
  private readonly environments: EnvironmentsRoom;
  private readonly gateway: Gateway;
  private ticker: NodeJS.Timeout | undefined;

  constructor(options: GitHubEmulatorOptions = {}) {
    super(options);
    const tokens = [...(options.tokens ?? []), ...(options.token !== undefined ? [options.token] : [])];
    this.login = options.login ?? 'shipgate-bot';
    this.webhook = options.webhook;
    this.tickMs = options.tickMs ?? 50;
    const host = {
      baseUrl: () => this.url,
      now: () => this.now(),
      record: (type: string, data: unknown) => this.record(type, data),
      track: <T>(promise: Promise<T>) => this.track(promise),
    };
    const state = (this.state = new GitHubState(host, this.login));
    const shapes = new Shapes(state);
    const webhooks = (this.webhookRoom = new Webhooks(state, shapes, () => this.webhook, options.installationId));
    this.deliveries = webhooks.deliveries;
    const git = (this.git = new GitRoom(state, shapes, webhooks));
    this.repos = new ReposRoom(state, shapes, git);
    // the checks room answers the pulls room's merge refusals; it is built after the rooms it reads
    const pulls = (this.pullRoom = new PullsRoom(state, shapes, webhooks, git, (repo, sha, names) => this.checks.failingChecks(repo, sha, names)));
    const actions = (this.actions = new ActionsRoom(state, shapes, webhooks, git, pulls, options.defaultDurations ?? { queuedMs: 1000, inProgressMs: 3000 }));
    this.dispatches = actions.dispatches;
    const checks = (this.checks = new ChecksRoom(state, shapes, webhooks, git, pulls, actions));
    const deployments = (this.deploymentRoom = new DeploymentsRoom(state, shapes, webhooks, git, checks, actions));
    const environments = (this.environments = new EnvironmentsRoom(state, shapes, webhooks, actions, deployments));
    const artifacts = (this.artifacts = new ArtifactsRoom(state, shapes, actions));
    const pages = new PagesRoom(state, shapes, git, pulls, actions);

    git.onPush((repo, branch, sha, head) => actions.runOnPush(repo, branch, sha, head.message));
    // a run's phase: its deployment and status first, then review requests, then the check suite
    actions.onPhase((e) => deployments.onRunPhase(e));
    actions.onPhase((e) => environments.onRunPhase(e));
    actions.onPhase((e) => checks.onRunPhase(e));

    this.gateway = new Gateway(state, {
      tokens: tokens.length > 0 ? new Set(tokens) : undefined,
      rateLimit: options.rateLimit ?? 5000,
      callCount: () => this.calls.length,
      sync: () => actions.sync(),
      serveLog: (ctx) => (ctx.path.startsWith('/_logs/artifacts/') ? artifacts.serveZip(ctx) : actions.serveLog(ctx)),
      servePage: (ctx) => pages.servePage(ctx),
    });
    const routes = this.gateway.routes;
    this.repos.register(routes);
    git.register(routes);
    checks.register(routes);
    pulls.register(routes);
    git.registerLate(routes);
    actions.register(routes);
    artifacts.register(routes);
    environments.register(routes);
    deployments.register(routes);
  }

  // ================================================================ seeding

  /** Create a repository with an initial commit on its default branch. Returns that commit's SHA. */
  addRepo(fullName: string, options: { defaultBranch?: string; private?: boolean } = {}): string {
    return this.git.addRepo(fullName, options);
  }

  /** Add a commit on top of `branch` (created from the default branch when missing); returns its SHA. */
  addCommit(repoName: string, branch: string, options: { message: string; author?: CommitAuthor; date?: number; push?: boolean }): string {
    return this.git.addCommit(repoName, branch, options);
  }

  /** Point a branch at an existing commit (creates the branch). */
  setBranch(repoName: string, branch: string, sha: string): void {
    this.git.setBranch(repoName, branch, sha);
  }

  addTag(repoName: string, tag: string, sha: string): void {
    this.git.addTag(repoName, tag, sha);
  }

  /** Register a workflow file; returns its numeric id. */
  addWorkflow(repoName: string, options: AddWorkflowOptions): number {
    return this.actions.addWorkflow(repoName, options);
  }

  /** Conclusion for runs of `file` started from now on. */
  setWorkflowOutcome(repoName: string, file: string, conclusion: 'success' | 'failure'): void {
    this.actions.setWorkflowOutcome(repoName, file, conclusion);
  }

  /** Sends an earlier webhook delivery again with the same \`X-GitHub-Delivery\` id (GitHub's Redeliver). */
  redeliver(deliveryId: string): WebhookDelivery {
    return this.webhookRoom.redeliver(deliveryId);
  }

  /** Change the conclusion of a run that has not completed yet. */
  setRunOutcome(runId: number, conclusion: Conclusion): void {
    this.actions.setRunOutcome(runId, conclusion);
  }

  /**
   * Create a GitHub Environment. `reviewers: true` makes the authenticated user
   * (`login`) a required reviewer; a list names the reviewers; `customRule`
   * adds a custom deployment protection rule (answered through
   * `POST …/deployment_protection_rule`). Returns the environment id.
   */
  addEnvironment(repoName: string, name: string, options: { reviewers?: boolean | string[]; customRule?: boolean } = {}): number {
    return this.state.addEnvironment(repoName, name, options);
  }

  addCheckRun(
    repoName: string,
    ref: string,
    options: { name: string; status?: 'queued' | 'in_progress' | 'completed'; conclusion?: Conclusion | null; detailsUrl?: string },
  ): number {
    return this.checks.addCheckRun(repoName, ref, options);
  }

  updateCheckRun(id: number, update: { status?: 'queued' | 'in_progress' | 'completed'; conclusion?: Conclusion | null }): void {
    this.checks.updateCheckRun(id, update);
  }

  addStatus(repoName: string, ref: string, options: { context: string; state: CommitState; targetUrl?: string; description?: string }): number {
    return this.checks.addStatus(repoName, ref, options);
  }

  /** Classic branch protection: checks that must pass before a PR into `branch` can merge. */
  setBranchProtection(repoName: string, branch: string, options: { requiredChecks: string[] }): void {
    this.repos.setBranchProtection(repoName, branch, options);
  }

  /** Override GitHub's mergeability for a PR (`false` = conflicts, `null` = not computed yet). */
  setPullMergeable(repoName: string, number: number, mergeable: boolean | null): void {
    this.pullRoom.setPullMergeable(repoName, number, mergeable);
  }

  /** Approve or reject a waiting run as a reviewer would in GitHub's UI. */
  reviewRun(runId: number, state: 'approved' | 'rejected', options: { login?: string; comment?: string } = {}): void {
    this.environments.reviewRun(runId, state, options);
  }

  setRateLimit(update: { remaining?: number; limit?: number; resetAt?: number }): void {
    this.gateway.setRateLimit(update);
  }

  /** The next `times` matching requests get this response instead (e.g. 502s, secondary rate limits). */
  failNext(fault: GitHubFault, times = 1): void {
    this.gateway.failNext(fault, times);
  }

  // ================================================================ queries

  /** Runs (as the REST API shows them now), newest first. */
  runs(repoName?: string): Json[] {
    this.actions.sync();
    return this.state.runs
      .filter((r) => repoName === undefined || r.repo === repoName)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
      .map((r) => this.actions.runJson(r));
  }

  run(runId: number): Json | undefined {
    this.actions.sync();
    const run = this.state.runs.find((r) => r.id === runId);
    return run ? this.actions.runJson(run) : undefined;
  }

  pulls(repoName?: string): Json[] {
    return this.state.pulls.filter((p) => repoName === undefined || p.repo === repoName).map((p) => this.pullRoom.pullJson(p));
  }

  deployments(repoName?: string): Json[] {
    this.actions.sync();
    return this.state.deployments
      .filter((d) => repoName === undefined || d.repo === repoName)
      .map((d) => ({ ...this.deploymentRoom.deploymentJson(d), statuses: d.statuses.map((s) => this.deploymentRoom.deploymentStatusJson(d, s)) }));
  }

  branchHead(repoName: string, branch: string): string | undefined {
    return this.git.branchHead(repoName, branch);
  }

  commit(repoName: string, sha: string): { sha: string; message: string; parents: string[]; tree: string } | undefined {
    return this.git.commit(repoName, sha);
  }

  /**
   * Notice run transitions now (the background timer does this every `tickMs`):
   * emits `'run'`/`'job'` events, creates environment deployments and sends webhooks.
   */
  tick(): void {
    this.actions.sync();
  }

  // ================================================================ lifecycle and HTTP

  protected override onStarted(): void {
    this.ticker = setInterval(() => this.actions.sync(), this.tickMs);
    this.ticker.unref();
  }

  protected override onStopping(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  protected override handle(ctx: RequestContext): void {
    this.gateway.handle(ctx);
  }
}

/** Alias following the file name's casing. */
export { GitHubEmulator as GithubEmulator };
