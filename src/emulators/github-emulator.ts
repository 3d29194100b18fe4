/**
 * GitHub REST emulator: repos, branches, commits, Actions workflows and runs
 * (with lazy, clock-driven progress, jobs, steps and logs), environment
 * reviews, check runs, statuses, pull requests with merges, compare,
 * deployments, git data, rate-limit headers, ETags and signed webhooks.
 *
 * Octokit is pointed at it with `baseUrl: emu.url`. `html_url`s point at tiny
 * HTML pages served by the emulator itself.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { EmulatorBase, type EmulatorOptions, type RequestContext, escapeHtml, isRecord, parseBody, sendJson, sendText } from './emulator-base';
import { RouteTable, type RouteParams } from './route-table';

export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | 'neutral' | 'action_required';
export type RunStatus = 'queued' | 'waiting' | 'in_progress' | 'completed';
export type CommitState = 'error' | 'failure' | 'pending' | 'success';
export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success' | 'waiting';
type Json = Record<string, unknown>;

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

export interface CommitAuthor {
  name: string;
  email: string;
  /** GitHub login the author maps to (REST `author`); null when unset. */
  login?: string;
}

export interface AddWorkflowOptions {
  file: string;
  name?: string;
  /** GitHub Environment the deploy job uses; the run waits for review when it has reviewers (or a custom rule). */
  environment?: string;
  conclusion?: 'success' | 'failure';
  logLines?: string[];
  durations?: { queuedMs?: number; inProgressMs?: number };
  /** Branches whose pushes (merges, ref updates through the API) start this workflow. */
  onPushBranches?: string[];
  /** Declared `workflow_dispatch` inputs; when set, unknown inputs are refused and required ones enforced. */
  inputs?: Record<string, { required?: boolean; default?: string }>;
  /** Whether the workflow has a `workflow_dispatch` trigger (default true). */
  dispatchable?: boolean;
  /** Job name (also the check run name on the head SHA). Default `deploy`. */
  jobName?: string;
  /**
   * The workflow's `run-name`, with `{{inputs.NAME}}` placeholders (GitHub: `run-name: Deploy
   * ${{ inputs.promotion }}`); default the workflow name. It is each run's `display_title`.
   */
  runName?: string;
  /** Name of the main step. Default `Deploy`. */
  stepName?: string;
}

export interface WebhookDelivery {
  id: string;
  event: string;
  action?: string;
  payload: Json;
  at: number;
  status?: number;
  error?: string;
}

export interface DispatchRecord {
  repo: string;
  workflowId: number;
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
  runId: number;
  at: number;
}

export interface GitHubFault {
  method?: string;
  /** Matches the request path (string = exact path, RegExp = test). */
  path?: string | RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

// ------------------------------------------------------------------ internal records

interface GitIdentity {
  name: string;
  email: string;
  date: number;
  login?: string;
}

interface CommitRec {
  sha: string;
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
  parents: string[];
  tree: string;
  seq: number;
}

interface RepoRec {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  private: boolean;
  createdAt: number;
  pushedAt: number;
  branches: Map<string, string>;
  tags: Map<string, string>;
  commits: Map<string, CommitRec>;
  trees: Set<string>;
  protection: Map<string, { requiredChecks: string[] }>;
  workflowRunNumbers: Map<number, number>;
  pullNumber: number;
}

interface WorkflowRec {
  id: number;
  repo: string;
  file: string;
  path: string;
  name: string;
  environment?: string;
  conclusion: 'success' | 'failure';
  logLines: string[];
  durations: { queuedMs: number; inProgressMs: number };
  onPushBranches: string[];
  inputs?: Record<string, { required?: boolean; default?: string }>;
  dispatchable: boolean;
  jobName: string;
  stepName: string;
  runName?: string;
  createdAt: number;
}

interface Decision {
  state: 'approved' | 'rejected';
  at: number;
  login: string;
  comment: string;
}

interface ReviewRec {
  environment: string;
  needsReviewers: boolean;
  needsCustom: boolean;
  reviewers?: Decision;
  custom?: Decision;
}

interface RunRec {
  id: number;
  repo: string;
  workflowId: number;
  event: string;
  headBranch: string;
  headSha: string;
  runNumber: number;
  runAttempt: number;
  createdAt: number;
  inputs: Record<string, unknown>;
  actor: string;
  conclusion: Conclusion;
  displayTitle: string;
  durations: { queuedMs: number; inProgressMs: number };
  jobId: number;
  checkSuiteId: number;
  environment?: string;
  review?: ReviewRec;
  cancelledAt?: number;
  deploymentId?: number;
  reportedPhases: number;
}

interface Phase {
  status: RunStatus;
  at: number;
  conclusion: Conclusion | null;
}

interface CheckRunRec {
  id: number;
  repo: string;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: Conclusion | null;
  startedAt: number;
  completedAt: number | null;
  detailsUrl?: string;
  externalId: string;
  checkSuiteId: number;
}

interface StatusRec {
  id: number;
  repo: string;
  sha: string;
  context: string;
  state: CommitState;
  targetUrl: string | null;
  description: string | null;
  createdAt: number;
  creator: string;
}

interface PullRec {
  id: number;
  number: number;
  repo: string;
  title: string;
  body: string | null;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt?: number;
  mergedBy?: string;
  mergeCommitSha?: string;
  /** Head/base SHAs frozen when the PR closed. */
  closedHeadSha?: string;
  closedBaseSha?: string;
  /** Commits the PR carried when it merged/closed. */
  closedCommits?: string[];
  createdAt: number;
  updatedAt: number;
  closedAt?: number;
  user: string;
  mergeable?: boolean | null;
}

interface DeploymentStatusRec {
  id: number;
  state: DeploymentState;
  description: string;
  environment: string;
  environmentUrl: string;
  logUrl: string;
  createdAt: number;
  creator: string;
}

interface DeploymentRec {
  id: number;
  repo: string;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  creator: string;
  createdAt: number;
  productionEnvironment: boolean;
  transientEnvironment: boolean;
  statuses: DeploymentStatusRec[];
  runId?: number;
}

interface EnvironmentRec {
  id: number;
  repo: string;
  name: string;
  reviewers: string[] | null;
  customRule: boolean;
  createdAt: number;
  updatedAt: number;
  reviewerRuleId: number;
  customRuleId: number;
}

interface ApprovalRec {
  runId: number;
  environment: string;
  state: 'approved' | 'rejected';
  login: string;
  comment: string;
  at: number;
}

interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Req {
  ctx: RequestContext;
  params: RouteParams;
  query: Record<string, string>;
  body: Json;
  login: string;
}

type Handler = (req: Req) => HandlerResult;

const DOCS = 'https://docs.github.com/rest';
const ACTIONS_BOT = 'github-actions[bot]';
const DEFAULT_AUTHOR: CommitAuthor = { name: 'Dev Eloper', email: 'dev@example.com' };

class GhError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Json = {},
    readonly documentationUrl = DOCS,
  ) {
    super(message);
  }
}

function validationFailed(errors: Json[]): GhError {
  return new GhError(422, 'Validation Failed', { errors });
}

export class GitHubEmulator extends EmulatorBase {
  webhook: { url: string; secret: string } | undefined;
  /** Every workflow dispatch, with its inputs (GitHub does not return inputs in run objects). */
  readonly dispatches: DispatchRecord[] = [];
  /** Webhook deliveries attempted, oldest first. */
  readonly deliveries: WebhookDelivery[] = [];
  readonly login: string;

  private readonly tokens: Set<string> | undefined;
  private readonly defaultDurations: { queuedMs: number; inProgressMs: number };
  private readonly tickMs: number;
  private readonly installationId: number | undefined;
  private readonly repos = new Map<string, RepoRec>();
  private readonly workflows: WorkflowRec[] = [];
  private readonly runStore: RunRec[] = [];
  private readonly checkRuns: CheckRunRec[] = [];
  private readonly statuses: StatusRec[] = [];
  private readonly pullStore: PullRec[] = [];
  private readonly deploymentStore: DeploymentRec[] = [];
  private readonly environments: EnvironmentRec[] = [];
  private readonly approvals: ApprovalRec[] = [];
  private readonly faults: Array<GitHubFault & { remaining: number }> = [];
  private readonly rate: { limit: number; remaining: number; resetAt: number };
  private readonly routes = new RouteTable<Handler>();
  private idCounter = 1000;
  private commitSeq = 0;
  private ticker: NodeJS.Timeout | undefined;
  private deliveryChain: Promise<void> = Promise.resolve();

  constructor(options: GitHubEmulatorOptions = {}) {
    super(options);
    const tokens = [...(options.tokens ?? []), ...(options.token !== undefined ? [options.token] : [])];
    this.tokens = tokens.length > 0 ? new Set(tokens) : undefined;
    this.login = options.login ?? 'shipgate-bot';
    this.webhook = options.webhook;
    this.defaultDurations = options.defaultDurations ?? { queuedMs: 1000, inProgressMs: 3000 };
    this.tickMs = options.tickMs ?? 50;
    this.installationId = options.installationId;
    const limit = options.rateLimit ?? 5000;
    this.rate = { limit, remaining: limit, resetAt: Math.floor(this.now() / 1000) + 3600 };
    this.registerRoutes();
  }

  // ================================================================ seeding

  /** Create a repository with an initial commit on its default branch. Returns that commit's SHA. */
  addRepo(fullName: string, options: { defaultBranch?: string; private?: boolean } = {}): string {
    const [owner, name] = fullName.split('/');
    if (!owner || !name) throw new Error(`GitHubEmulator.addRepo: expected owner/name, got "${fullName}"`);
    const now = this.now();
    const repo: RepoRec = {
      id: this.nextId(),
      owner,
      name,
      fullName,
      defaultBranch: options.defaultBranch ?? 'main',
      private: options.private ?? true,
      createdAt: now,
      pushedAt: now,
      branches: new Map(),
      tags: new Map(),
      commits: new Map(),
      trees: new Set(),
      protection: new Map(),
      workflowRunNumbers: new Map(),
      pullNumber: 0,
    };
    this.repos.set(fullName, repo);
    const sha = this.createCommit(repo, { message: 'Initial commit', parents: [] });
    repo.branches.set(repo.defaultBranch, sha);
    return sha;
  }

  /** Add a commit on top of `branch` (created from the default branch when missing); returns its SHA. */
  addCommit(repoName: string, branch: string, options: { message: string; author?: CommitAuthor; date?: number; push?: boolean }): string {
    const repo = this.repoOrThrow(repoName);
    const parent = repo.branches.get(branch) ?? repo.branches.get(repo.defaultBranch);
    const sha = this.createCommit(repo, {
      message: options.message,
      parents: parent ? [parent] : [],
      author: options.author,
      date: options.date,
    });
    if (options.push) this.pushBranch(repo, branch, sha, false);
    else repo.branches.set(branch, sha);
    return sha;
  }

  /** Point a branch at an existing commit (creates the branch). */
  setBranch(repoName: string, branch: string, sha: string): void {
    const repo = this.repoOrThrow(repoName);
    if (!repo.commits.has(sha)) throw new Error(`GitHubEmulator.setBranch: unknown commit ${sha}`);
    repo.branches.set(branch, sha);
  }

  addTag(repoName: string, tag: string, sha: string): void {
    const repo = this.repoOrThrow(repoName);
    if (!repo.commits.has(sha)) throw new Error(`GitHubEmulator.addTag: unknown commit ${sha}`);
    repo.tags.set(tag, sha);
  }

  /** Register a workflow file; returns its numeric id. */
  addWorkflow(repoName: string, options: AddWorkflowOptions): number {
    const repo = this.repoOrThrow(repoName);
    const file = options.file.replace(/^\.github\/workflows\//, '');
    const workflow: WorkflowRec = {
      id: this.nextId(),
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
      createdAt: this.now(),
    };
    if (options.environment !== undefined) workflow.environment = options.environment;
    if (options.inputs !== undefined) workflow.inputs = options.inputs;
    this.workflows.push(workflow);
    return workflow.id;
  }

  /** Conclusion for runs of `file` started from now on. */
  setWorkflowOutcome(repoName: string, file: string, conclusion: 'success' | 'failure'): void {
    this.workflowOrThrow(repoName, file).conclusion = conclusion;
  }

  /** Change the conclusion of a run that has not completed yet. */
  setRunOutcome(runId: number, conclusion: Conclusion): void {
    const run = this.runStore.find((r) => r.id === runId);
    if (!run) throw new Error(`GitHubEmulator.setRunOutcome: unknown run ${runId}`);
    if (this.currentPhase(run).status === 'completed') throw new Error(`run ${runId} already completed`);
    run.conclusion = conclusion;
  }

  /**
   * Create a GitHub Environment. `reviewers: true` makes the authenticated user
   * (`login`) a required reviewer; a list names the reviewers; `customRule`
   * adds a custom deployment protection rule (answered through
   * `POST …/deployment_protection_rule`). Returns the environment id.
   */
  addEnvironment(repoName: string, name: string, options: { reviewers?: boolean | string[]; customRule?: boolean } = {}): number {
    const repo = this.repoOrThrow(repoName);
    const reviewers = options.reviewers === true ? [this.login] : Array.isArray(options.reviewers) ? [...options.reviewers] : null;
    const existing = this.environments.find((e) => e.repo === repo.fullName && e.name === name);
    if (existing) {
      existing.reviewers = reviewers;
      existing.customRule = options.customRule ?? false;
      existing.updatedAt = this.now();
      return existing.id;
    }
    const env: EnvironmentRec = {
      id: this.nextId(),
      repo: repo.fullName,
      name,
      reviewers,
      customRule: options.customRule ?? false,
      createdAt: this.now(),
      updatedAt: this.now(),
      reviewerRuleId: this.nextId(),
      customRuleId: this.nextId(),
    };
    this.environments.push(env);
    return env.id;
  }

  addCheckRun(
    repoName: string,
    ref: string,
    options: { name: string; status?: 'queued' | 'in_progress' | 'completed'; conclusion?: Conclusion | null; detailsUrl?: string },
  ): number {
    const repo = this.repoOrThrow(repoName);
    const sha = this.resolveRef(repo, ref);
    if (!sha) throw new Error(`GitHubEmulator.addCheckRun: unknown ref ${ref}`);
    const status = options.status ?? 'completed';
    const check: CheckRunRec = {
      id: this.nextId(),
      repo: repo.fullName,
      headSha: sha,
      name: options.name,
      status,
      conclusion: status === 'completed' ? (options.conclusion ?? 'success') : null,
      startedAt: this.now(),
      completedAt: status === 'completed' ? this.now() : null,
      externalId: '',
      checkSuiteId: this.nextId(),
    };
    if (options.detailsUrl !== undefined) check.detailsUrl = options.detailsUrl;
    this.checkRuns.push(check);
    return check.id;
  }

  updateCheckRun(id: number, update: { status?: 'queued' | 'in_progress' | 'completed'; conclusion?: Conclusion | null }): void {
    const check = this.checkRuns.find((c) => c.id === id);
    if (!check) throw new Error(`GitHubEmulator.updateCheckRun: unknown check run ${id}`);
    if (update.status !== undefined) check.status = update.status;
    if (update.conclusion !== undefined) check.conclusion = update.conclusion;
    if (check.status === 'completed') {
      check.conclusion ??= 'success';
      check.completedAt = this.now();
    }
  }

  addStatus(repoName: string, ref: string, options: { context: string; state: CommitState; targetUrl?: string; description?: string }): number {
    const repo = this.repoOrThrow(repoName);
    const sha = this.resolveRef(repo, ref);
    if (!sha) throw new Error(`GitHubEmulator.addStatus: unknown ref ${ref}`);
    return this.createStatus(repo, sha, options.context, options.state, options.targetUrl ?? null, options.description ?? null, this.login).id;
  }

  /** Classic branch protection: checks that must pass before a PR into `branch` can merge. */
  setBranchProtection(repoName: string, branch: string, options: { requiredChecks: string[] }): void {
    this.repoOrThrow(repoName).protection.set(branch, { requiredChecks: [...options.requiredChecks] });
  }

  /** Override GitHub's mergeability for a PR (`false` = conflicts, `null` = not computed yet). */
  setPullMergeable(repoName: string, number: number, mergeable: boolean | null): void {
    const pull = this.pullStore.find((p) => p.repo === repoName && p.number === number);
    if (!pull) throw new Error(`GitHubEmulator.setPullMergeable: unknown PR #${number}`);
    pull.mergeable = mergeable;
  }

  /** Approve or reject a waiting run as a reviewer would in GitHub's UI. */
  reviewRun(runId: number, state: 'approved' | 'rejected', options: { login?: string; comment?: string } = {}): void {
    this.sync();
    const run = this.runStore.find((r) => r.id === runId);
    if (!run?.review || this.currentPhase(run).status !== 'waiting' || run.review.reviewers) {
      throw new Error(`GitHubEmulator.reviewRun: run ${runId} is not waiting for review`);
    }
    this.decideReview(run, state, options.login ?? 'release-manager', options.comment ?? '');
  }

  setRateLimit(update: { remaining?: number; limit?: number; resetAt?: number }): void {
    if (update.limit !== undefined) this.rate.limit = update.limit;
    if (update.remaining !== undefined) this.rate.remaining = update.remaining;
    if (update.resetAt !== undefined) this.rate.resetAt = update.resetAt;
  }

  /** The next `times` matching requests get this response instead (e.g. 502s, secondary rate limits). */
  failNext(fault: GitHubFault, times = 1): void {
    this.faults.push({ ...fault, remaining: times });
  }

  // ================================================================ queries

  /** Runs (as the REST API shows them now), newest first. */
  runs(repoName?: string): Json[] {
    this.sync();
    return this.runStore
      .filter((r) => repoName === undefined || r.repo === repoName)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
      .map((r) => this.runJson(r));
  }

  run(runId: number): Json | undefined {
    this.sync();
    const run = this.runStore.find((r) => r.id === runId);
    return run ? this.runJson(run) : undefined;
  }

  pulls(repoName?: string): Json[] {
    return this.pullStore.filter((p) => repoName === undefined || p.repo === repoName).map((p) => this.pullJson(p));
  }

  deployments(repoName?: string): Json[] {
    this.sync();
    return this.deploymentStore
      .filter((d) => repoName === undefined || d.repo === repoName)
      .map((d) => ({ ...this.deploymentJson(d), statuses: d.statuses.map((s) => this.deploymentStatusJson(d, s)) }));
  }

  branchHead(repoName: string, branch: string): string | undefined {
    return this.repos.get(repoName)?.branches.get(branch);
  }

  commit(repoName: string, sha: string): { sha: string; message: string; parents: string[]; tree: string } | undefined {
    const c = this.repos.get(repoName)?.commits.get(sha);
    return c ? { sha: c.sha, message: c.message, parents: [...c.parents], tree: c.tree } : undefined;
  }

  /**
   * Notice run transitions now (the background timer does this every `tickMs`):
   * emits `'run'`/`'job'` events, creates environment deployments and sends webhooks.
   */
  tick(): void {
    this.sync();
  }

  // ================================================================ lifecycle

  protected override onStarted(): void {
    this.ticker = setInterval(() => this.sync(), this.tickMs);
    this.ticker.unref();
  }

  protected override onStopping(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  // ================================================================ HTTP

  protected override handle(ctx: RequestContext): void {
    const path = ctx.path;
    if (path.startsWith('/_logs/jobs/')) {
      this.serveLog(ctx);
      return;
    }
    const match = this.routes.match(ctx.method, path);
    const isApi = match !== undefined || /^\/(repos|user|rate_limit|app|orgs|users)(\/|$)/.test(path);
    if (!isApi && ctx.method === 'GET') {
      this.servePage(ctx);
      return;
    }
    const parsed = parseBody(ctx.raw, ctx.headers['content-type']);
    ctx.body = parsed;
    this.sync();

    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method.toUpperCase() === ctx.method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === path : f.path.test(path))),
    );
    if (fault) {
      fault.remaining -= 1;
      sendJson(ctx.res, fault.status, fault.body ?? { message: 'Server Error', documentation_url: DOCS, status: String(fault.status) }, {
        ...this.rateHeaders(),
        ...fault.headers,
      });
      return;
    }

    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(ctx.headers.authorization ?? '')?.[1];
    if (!token || (this.tokens && !this.tokens.has(token))) {
      this.sendError(ctx, new GhError(401, 'Bad credentials'));
      return;
    }
    const nowSec = Math.floor(this.now() / 1000);
    if (nowSec >= this.rate.resetAt) {
      this.rate.remaining = this.rate.limit;
      this.rate.resetAt = nowSec + 3600;
    }
    if (this.rate.remaining <= 0) {
      this.sendError(ctx, new GhError(403, 'API rate limit exceeded for user ID 1.', {}, 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'));
      return;
    }

    let result: HandlerResult;
    if (match === undefined || match === 'method') {
      result = this.errorResult(new GhError(404, 'Not Found'));
    } else {
      try {
        result = match.handler({
          ctx,
          params: match.params,
          query: ctx.query,
          body: isRecord(parsed) ? parsed : {},
          login: this.login,
        });
      } catch (error) {
        if (!(error instanceof GhError)) throw error;
        result = this.errorResult(error);
      }
    }

    const text = result.body === undefined ? '' : JSON.stringify(result.body);
    const headers: Record<string, string> = { ...result.headers };
    if (ctx.method === 'GET' && result.status === 200) {
      // GitHub's ETags are per credential (and media type): one token's ETag never earns another a 304
      const varying = `${token}\n${ctx.headers.accept ?? ''}\n${text}`;
      const digest = createHash('sha256').update(varying).digest('hex');
      const etag = `W/"${digest.slice(0, 40)}"`;
      headers.etag = etag;
      headers['cache-control'] = 'private, max-age=60, s-maxage=60';
      headers.vary = 'Accept, Authorization, Cookie, X-GitHub-OTP';
      const inm = ctx.headers['if-none-match'];
      if (
        inm !== undefined &&
        inm
          .split(',')
          .map((s) => s.trim())
          .includes(etag)
      ) {
        ctx.res.writeHead(304, { ...this.rateHeaders(), etag, vary: headers.vary });
        ctx.res.end();
        return;
      }
    }
    if (path !== '/rate_limit') this.rate.remaining -= 1;
    headers['x-github-media-type'] = 'github.v3; format=json';
    headers['x-github-request-id'] = `EMU:${this.calls.length + 1}`;
    if (result.body === undefined) {
      ctx.res.writeHead(result.status, { ...this.rateHeaders(), ...headers });
      ctx.res.end();
      return;
    }
    sendJson(ctx.res, result.status, result.body, { ...this.rateHeaders(), ...headers });
  }

  private errorResult(error: GhError): HandlerResult {
    return {
      status: error.status,
      body: { message: error.message, ...error.extra, documentation_url: error.documentationUrl, status: String(error.status) },
    };
  }

  private sendError(ctx: RequestContext, error: GhError): void {
    const result = this.errorResult(error);
    sendJson(ctx.res, result.status, result.body, this.rateHeaders());
  }

  private rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.rate.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.rate.remaining)),
      'x-ratelimit-reset': String(this.rate.resetAt),
      'x-ratelimit-used': String(this.rate.limit - Math.max(0, this.rate.remaining)),
      'x-ratelimit-resource': 'core',
    };
  }

  // ================================================================ routes

  private registerRoutes(): void {
    const r = this.routes;
    const R = '/repos/:owner/:repo';
    r.add('GET', '/rate_limit', () => {
      const core = {
        limit: this.rate.limit,
        used: this.rate.limit - this.rate.remaining,
        remaining: this.rate.remaining,
        reset: this.rate.resetAt,
      };
      // search has its own budget (30 a minute); shipgate never searches, so it stays full
      const search = { limit: 30, used: 0, remaining: 30, reset: Math.floor(this.now() / 1000) + 60 };
      return { status: 200, body: { resources: { core, search }, rate: core } };
    });
    r.add('GET', '/user', (q) => ({ status: 200, body: this.userJson(q.login) }));
    r.add('GET', R, (q) => ({ status: 200, body: { ...this.repoJson(this.repoParam(q)), network_count: 0, subscribers_count: 0 } }));

    // branches & refs
    r.add('GET', `${R}/branches`, (q) => {
      const repo = this.repoParam(q);
      const list = [...repo.branches.entries()].map(([name, sha]) => ({
        name,
        commit: { sha, url: `${this.apiRepoUrl(repo)}/commits/${sha}` },
        protected: repo.protection.has(name),
      }));
      return { status: 200, body: paginate(list, q.query) };
    });
    r.add('GET', `${R}/branches/:branch/protection/required_status_checks`, (q) => {
      const repo = this.repoParam(q);
      const protection = repo.protection.get(q.params.branch ?? '');
      if (!protection) throw new GhError(404, 'Branch not protected');
      return {
        status: 200,
        body: {
          url: `${this.apiRepoUrl(repo)}/branches/${q.params.branch}/protection/required_status_checks`,
          strict: false,
          contexts: protection.requiredChecks,
          checks: protection.requiredChecks.map((context) => ({ context, app_id: null })),
          contexts_url: `${this.apiRepoUrl(repo)}/branches/${q.params.branch}/protection/required_status_checks/contexts`,
        },
      };
    });
    r.add('GET', `${R}/rules/branches/:branch*`, (q) => {
      const repo = this.repoParam(q);
      const protection = repo.protection.get(q.params.branch ?? '');
      const rules = protection
        ? [
            {
              type: 'required_status_checks',
              parameters: {
                strict_required_status_checks_policy: false,
                required_status_checks: protection.requiredChecks.map((context) => ({ context })),
              },
              ruleset_source_type: 'Repository',
              ruleset_source: repo.fullName,
              ruleset_id: 1,
            },
          ]
        : [];
      return { status: 200, body: rules };
    });
    r.add('GET', `${R}/branches/:branch*`, (q) => {
      const repo = this.repoParam(q);
      const name = q.params.branch ?? '';
      const sha = repo.branches.get(name);
      if (!sha) throw new GhError(404, 'Branch not found');
      const commit = this.commitJson(repo, this.commitRec(repo, sha));
      return {
        status: 200,
        body: {
          name,
          commit,
          _links: { self: `${this.apiRepoUrl(repo)}/branches/${name}`, html: `${this.htmlRepoUrl(repo)}/tree/${name}` },
          protected: repo.protection.has(name),
          protection: { enabled: repo.protection.has(name), required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
          protection_url: `${this.apiRepoUrl(repo)}/branches/${name}/protection`,
        },
      };
    });
    r.add('GET', `${R}/git/ref/:ref*`, (q) => {
      const repo = this.repoParam(q);
      const ref = q.params.ref ?? '';
      const sha = this.refSha(repo, ref);
      if (!sha) throw new GhError(404, 'Not Found');
      return { status: 200, body: this.refJson(repo, `refs/${ref}`, sha) };
    });
    r.add('GET', `${R}/git/matching-refs/:ref*`, (q) => {
      const repo = this.repoParam(q);
      const prefix = `refs/${q.params.ref ?? ''}`;
      const all = [
        ...[...repo.branches.entries()].map(([n, s]) => [`refs/heads/${n}`, s] as const),
        ...[...repo.tags.entries()].map(([n, s]) => [`refs/tags/${n}`, s] as const),
      ];
      return { status: 200, body: all.filter(([n]) => n.startsWith(prefix)).map(([n, s]) => this.refJson(repo, n, s)) };
    });
    r.add('POST', `${R}/git/refs`, (q) => this.createRef(q));
    r.add('PATCH', `${R}/git/refs/:ref*`, (q) => this.updateRef(q));
    r.add('DELETE', `${R}/git/refs/:ref*`, (q) => {
      const repo = this.repoParam(q);
      const ref = q.params.ref ?? '';
      const [kind, ...rest] = ref.split('/');
      const name = rest.join('/');
      const map = kind === 'heads' ? repo.branches : kind === 'tags' ? repo.tags : undefined;
      if (!map?.delete(name)) throw new GhError(422, 'Reference does not exist');
      return { status: 204 };
    });
    r.add('GET', `${R}/git/commits/:sha`, (q) => {
      const repo = this.repoParam(q);
      const commit = repo.commits.get(q.params.sha ?? '');
      if (!commit) throw new GhError(404, 'Not Found');
      return { status: 200, body: this.gitCommitJson(repo, commit) };
    });
    r.add('POST', `${R}/git/commits`, (q) => this.createGitCommit(q));

    // commits, checks, statuses
    r.add('GET', `${R}/commits`, (q) => {
      const repo = this.repoParam(q);
      const start = this.resolveRef(repo, q.query.sha ?? repo.defaultBranch);
      if (!start) throw new GhError(404, 'Not Found');
      const list = [...this.ancestors(repo, start)]
        .map((s) => this.commitRec(repo, s))
        .sort((a, b) => b.seq - a.seq)
        .map((c) => this.commitJson(repo, c));
      return { status: 200, body: paginate(list, q.query) };
    });
    r.add('GET', `${R}/commits/:ref/check-runs`, (q) => this.listCheckRuns(q));
    r.add('GET', `${R}/commits/:ref/check-suites`, (q) => {
      const repo = this.repoParam(q);
      const sha = this.refOr422(repo, q.params.ref ?? '');
      const suites = this.runStore.filter((run) => run.repo === repo.fullName && run.headSha === sha).map((run) => this.checkSuiteJson(run));
      return { status: 200, body: { total_count: suites.length, check_suites: suites } };
    });
    r.add('GET', `${R}/commits/:ref/status`, (q) => this.combinedStatus(q));
    r.add('GET', `${R}/commits/:ref/statuses`, (q) => {
      const repo = this.repoParam(q);
      const sha = this.refOr422(repo, q.params.ref ?? '');
      const list = this.statuses
        .filter((s) => s.repo === repo.fullName && s.sha === sha)
        .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
        .map((s) => this.statusJson(repo, s));
      return { status: 200, body: paginate(list, q.query) };
    });
    r.add('GET', `${R}/commits/:sha/pulls`, (q) => {
      const repo = this.repoParam(q);
      const sha = this.refOr422(repo, q.params.sha ?? '');
      const list = this.pullStore.filter((p) => p.repo === repo.fullName && this.pullContains(repo, p, sha)).map((p) => this.pullJson(p));
      return { status: 200, body: list };
    });
    r.add('GET', `${R}/commits/:ref*`, (q) => {
      const repo = this.repoParam(q);
      const sha = this.refOr422(repo, q.params.ref ?? '');
      const commit = this.commitRec(repo, sha);
      return { status: 200, body: { ...this.commitJson(repo, commit), stats: { total: 0, additions: 0, deletions: 0 }, files: [] } };
    });
    r.add('POST', `${R}/statuses/:sha`, (q) => {
      const repo = this.repoParam(q);
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
      const repo = this.repoParam(q);
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
      const check = this.checkRuns.find((c) => c.id === id);
      if (!check) throw new GhError(500, 'check run vanished');
      return { status: 201, body: this.checkRunJson(repo, check) };
    });

    // actions
    r.add('GET', `${R}/actions/workflows`, (q) => {
      const repo = this.repoParam(q);
      const list = this.workflows.filter((w) => w.repo === repo.fullName).map((w) => this.workflowJson(repo, w));
      return { status: 200, body: { total_count: list.length, workflows: list } };
    });
    r.add('GET', `${R}/actions/workflows/:workflow`, (q) => {
      const repo = this.repoParam(q);
      return { status: 200, body: this.workflowJson(repo, this.workflowParam(repo, q.params.workflow)) };
    });
    r.add('POST', `${R}/actions/workflows/:workflow/dispatches`, (q) => this.dispatch(q));
    r.add('GET', `${R}/actions/workflows/:workflow/runs`, (q) => {
      const repo = this.repoParam(q);
      const workflow = this.workflowParam(repo, q.params.workflow);
      return this.listRuns(repo, q.query, workflow.id);
    });
    r.add('GET', `${R}/actions/runs`, (q) => this.listRuns(this.repoParam(q), q.query));
    r.add('GET', `${R}/actions/runs/:run_id`, (q) => {
      const { run } = this.runParam(q);
      return { status: 200, body: this.runJson(run) };
    });
    r.add('GET', `${R}/actions/runs/:run_id/attempts/:attempt`, (q) => {
      const { run } = this.runParam(q);
      if (Number(q.params.attempt) !== run.runAttempt) throw new GhError(404, 'Not Found');
      return { status: 200, body: this.runJson(run) };
    });
    r.add('GET', `${R}/actions/runs/:run_id/jobs`, (q) => {
      const { run } = this.runParam(q);
      return { status: 200, body: { total_count: 1, jobs: [this.jobJson(run)] } };
    });
    r.add('POST', `${R}/actions/runs/:run_id/cancel`, (q) => {
      const { run } = this.runParam(q);
      if (this.currentPhase(run).status === 'completed') throw new GhError(409, 'Cannot cancel a workflow run that is completed.');
      run.cancelledAt = this.now();
      this.sync();
      return { status: 202, body: {} };
    });
    r.add('GET', `${R}/actions/jobs/:job_id`, (q) => {
      const repo = this.repoParam(q);
      const run = this.runStore.find((x) => x.repo === repo.fullName && x.jobId === Number(q.params.job_id));
      if (!run) throw new GhError(404, 'Not Found');
      return { status: 200, body: this.jobJson(run) };
    });
    r.add('GET', `${R}/actions/jobs/:job_id/logs`, (q) => {
      const repo = this.repoParam(q);
      const run = this.runStore.find((x) => x.repo === repo.fullName && x.jobId === Number(q.params.job_id));
      if (!run) throw new GhError(404, 'Not Found');
      const sig = createHash('sha1').update(`log:${run.jobId}`).digest('hex').slice(0, 16);
      return { status: 302, headers: { location: `${this.url}/_logs/jobs/${run.jobId}.txt?sig=${sig}` } };
    });
    r.add('GET', `${R}/actions/runs/:run_id/pending_deployments`, (q) => {
      const { repo, run } = this.runParam(q);
      return { status: 200, body: this.pendingDeployments(repo, run, q.login) };
    });
    r.add('POST', `${R}/actions/runs/:run_id/pending_deployments`, (q) => this.reviewPendingDeployments(q));
    r.add('GET', `${R}/actions/runs/:run_id/approvals`, (q) => {
      const { repo, run } = this.runParam(q);
      const list = this.approvals
        .filter((a) => a.runId === run.id)
        .map((a) => {
          const env = this.environments.find((e) => e.repo === repo.fullName && e.name === a.environment);
          return {
            environments: env ? [this.environmentJson(repo, env)] : [],
            state: a.state,
            user: this.userJson(a.login),
            comment: a.comment,
          };
        });
      return { status: 200, body: list };
    });
    r.add('POST', `${R}/actions/runs/:run_id/deployment_protection_rule`, (q) => {
      const { run } = this.runParam(q);
      const envName = str(q.body.environment_name);
      const state = str(q.body.state);
      if (state !== 'approved' && state !== 'rejected') {
        throw validationFailed([{ resource: 'DeploymentProtectionRule', field: 'state', code: 'invalid' }]);
      }
      const review = run.review;
      if (!review?.needsCustom || review.environment !== envName || review.custom || this.currentPhase(run).status !== 'waiting') {
        throw new GhError(422, `No pending custom deployment protection rule for environment "${envName}".`);
      }
      review.custom = { state, at: this.now(), login: q.login, comment: optStr(q.body.comment) ?? '' };
      this.sync();
      return { status: 204 };
    });

    // pulls & compare
    r.add('GET', `${R}/pulls`, (q) => this.listPulls(q));
    r.add('POST', `${R}/pulls`, (q) => this.createPull(q));
    r.add('GET', `${R}/pulls/:number`, (q) => ({ status: 200, body: this.pullJson(this.pullParam(q)) }));
    r.add('PATCH', `${R}/pulls/:number`, (q) => {
      const pull = this.pullParam(q);
      if (typeof q.body.title === 'string') pull.title = q.body.title;
      if (typeof q.body.body === 'string') pull.body = q.body.body;
      if (q.body.state === 'closed' && pull.state === 'open') this.closePull(pull, false);
      else if (q.body.state === 'open' && pull.state === 'closed' && !pull.merged) {
        pull.state = 'open';
        delete pull.closedAt;
      }
      pull.updatedAt = this.now();
      return { status: 200, body: this.pullJson(pull) };
    });
    r.add('GET', `${R}/pulls/:number/commits`, (q) => {
      const repo = this.repoParam(q);
      const pull = this.pullParam(q);
      return { status: 200, body: this.pullCommits(repo, pull).map((s) => this.commitJson(repo, this.commitRec(repo, s))) };
    });
    r.add('GET', `${R}/pulls/:number/merge`, (q) => {
      if (!this.pullParam(q).merged) throw new GhError(404, 'Not Found');
      return { status: 204 };
    });
    r.add('PUT', `${R}/pulls/:number/merge`, (q) => this.mergePull(q));
    r.add('GET', `${R}/compare/:basehead*`, (q) => this.compare(q));

    // deployments & environments
    r.add('POST', `${R}/deployments`, (q) => this.createDeployment(q));
    r.add('GET', `${R}/deployments`, (q) => {
      const repo = this.repoParam(q);
      const { environment, sha, ref, task } = q.query;
      const list = this.deploymentStore
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
    r.add('GET', `${R}/environments`, (q) => {
      const repo = this.repoParam(q);
      const list = this.environments.filter((e) => e.repo === repo.fullName).map((e) => this.environmentJson(repo, e));
      return { status: 200, body: { total_count: list.length, environments: list } };
    });
    r.add('GET', `${R}/environments/:name`, (q) => {
      const repo = this.repoParam(q);
      const env = this.environments.find((e) => e.repo === repo.fullName && e.name === q.params.name);
      if (!env) throw new GhError(404, 'Not Found');
      return { status: 200, body: this.environmentJson(repo, env) };
    });
  }

  // ================================================================ param helpers

  private repoParam(q: Req): RepoRec {
    const repo = this.repos.get(`${q.params.owner}/${q.params.repo}`);
    if (!repo) throw new GhError(404, 'Not Found');
    return repo;
  }

  private workflowParam(repo: RepoRec, idOrFile: string | undefined): WorkflowRec {
    const key = idOrFile ?? '';
    const workflow = this.workflows.find((w) => w.repo === repo.fullName && (String(w.id) === key || w.file === key || w.path === key));
    if (!workflow) throw new GhError(404, 'Not Found');
    return workflow;
  }

  private runParam(q: Req): { repo: RepoRec; run: RunRec } {
    const repo = this.repoParam(q);
    const run = this.runStore.find((r) => r.repo === repo.fullName && r.id === Number(q.params.run_id));
    if (!run) throw new GhError(404, 'Not Found');
    return { repo, run };
  }

  private pullParam(q: Req): PullRec {
    const repo = this.repoParam(q);
    const pull = this.pullStore.find((p) => p.repo === repo.fullName && p.number === Number(q.params.number));
    if (!pull) throw new GhError(404, 'Not Found');
    return pull;
  }

  private deploymentParam(q: Req): DeploymentRec {
    const repo = this.repoParam(q);
    const deployment = this.deploymentStore.find((d) => d.repo === repo.fullName && d.id === Number(q.params.id));
    if (!deployment) throw new GhError(404, 'Not Found');
    return deployment;
  }

  private refOr422(repo: RepoRec, ref: string): string {
    const sha = this.resolveRef(repo, ref);
    if (!sha) throw new GhError(422, `No commit found for SHA: ${ref}`);
    return sha;
  }

  // ================================================================ git model

  private repoOrThrow(name: string): RepoRec {
    const repo = this.repos.get(name);
    if (!repo) throw new Error(`GitHubEmulator: unknown repo ${name} (addRepo first)`);
    return repo;
  }

  private workflowOrThrow(repoName: string, file: string): WorkflowRec {
    const workflow = this.workflows.find((w) => w.repo === repoName && (w.file === file || w.path === file));
    if (!workflow) throw new Error(`GitHubEmulator: unknown workflow ${file} in ${repoName}`);
    return workflow;
  }

  private nextId(): number {
    this.idCounter += 1;
    return this.idCounter;
  }

  private createCommit(
    repo: RepoRec,
    input: { message: string; parents: string[]; author?: CommitAuthor; date?: number; tree?: string; committer?: CommitAuthor; contentAddressed?: boolean },
  ): string {
    const seq = ++this.commitSeq;
    const date = input.date ?? this.now();
    const author = input.author ?? DEFAULT_AUTHOR;
    // like git, a commit created through the API is content-addressed: the same tree, parents,
    // message and dated identities give the same SHA (a retried create makes no second commit)
    const sha = createHash('sha1')
      .update(
        input.contentAddressed
          ? `${repo.fullName}\ntree ${input.tree}\n${input.parents.join(',')}\n${input.message}\n${author.email}\n${date}`
          : `${repo.fullName}\n${seq}\n${input.parents.join(',')}\n${input.message}\n${author.email}\n${date}`,
      )
      .digest('hex');
    if (input.contentAddressed && repo.commits.has(sha)) return sha;
    const tree = input.tree ?? createHash('sha1').update(`tree:${sha}`).digest('hex');
    const committer = input.committer ?? author;
    const identity = (a: CommitAuthor): GitIdentity => {
      const id: GitIdentity = { name: a.name, email: a.email, date };
      if (a.login !== undefined) id.login = a.login;
      return id;
    };
    repo.commits.set(sha, {
      sha,
      message: input.message,
      author: identity(author),
      committer: identity(committer),
      parents: [...input.parents],
      tree,
      seq,
    });
    repo.trees.add(tree);
    return sha;
  }

  private commitRec(repo: RepoRec, sha: string): CommitRec {
    const commit = repo.commits.get(sha);
    if (!commit) throw new GhError(422, `No commit found for SHA: ${sha}`);
    return commit;
  }

  /** sha, unique prefix (≥ 7), branch, tag, `heads/x`, `refs/heads/x`, `tags/x`. */
  private resolveRef(repo: RepoRec, ref: string): string | undefined {
    if (/^[0-9a-f]{40}$/i.test(ref)) return repo.commits.has(ref.toLowerCase()) ? ref.toLowerCase() : undefined;
    const bare = ref.replace(/^refs\//, '');
    if (bare.startsWith('heads/') && repo.branches.has(bare.slice(6))) return repo.branches.get(bare.slice(6));
    if (bare.startsWith('tags/') && repo.tags.has(bare.slice(5))) return repo.tags.get(bare.slice(5));
    const branch = repo.branches.get(ref) ?? repo.tags.get(ref);
    if (branch) return branch;
    if (/^[0-9a-f]{7,39}$/i.test(ref)) {
      const hits = [...repo.commits.keys()].filter((s) => s.startsWith(ref.toLowerCase()));
      if (hits.length === 1) return hits[0];
    }
    return undefined;
  }

  /** `heads/x` or `tags/x` → sha (exact refs only, like the git refs API). */
  private refSha(repo: RepoRec, ref: string): string | undefined {
    const bare = ref.replace(/^refs\//, '');
    if (bare.startsWith('heads/')) return repo.branches.get(bare.slice(6));
    if (bare.startsWith('tags/')) return repo.tags.get(bare.slice(5));
    return undefined;
  }

  private ancestors(repo: RepoRec, sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const next = stack.pop();
      if (next === undefined || seen.has(next)) continue;
      seen.add(next);
      for (const parent of repo.commits.get(next)?.parents ?? []) stack.push(parent);
    }
    return seen;
  }

  /** Commits reachable from `head` but not from `base`, oldest first. */
  private commitsBetween(repo: RepoRec, base: string, head: string): string[] {
    const baseSet = this.ancestors(repo, base);
    return [...this.ancestors(repo, head)].filter((s) => !baseSet.has(s)).sort((a, b) => this.commitRec(repo, a).seq - this.commitRec(repo, b).seq);
  }

  private mergeBase(repo: RepoRec, a: string, b: string): string | undefined {
    const left = this.ancestors(repo, a);
    let best: CommitRec | undefined;
    for (const sha of this.ancestors(repo, b)) {
      if (!left.has(sha)) continue;
      const commit = this.commitRec(repo, sha);
      if (!best || commit.seq > best.seq) best = commit;
    }
    return best?.sha;
  }

  /** Move a branch as a push would: runs `on: push` workflows and sends a `push` webhook. */
  private pushBranch(repo: RepoRec, branch: string, sha: string, forced: boolean): void {
    const before = repo.branches.get(branch) ?? '0'.repeat(40);
    repo.branches.set(branch, sha);
    repo.pushedAt = this.now();
    const pushed = before === '0'.repeat(40) ? [sha] : this.commitsBetween(repo, before, sha);
    const head = this.commitRec(repo, sha);
    const payload = {
      ref: `refs/heads/${branch}`,
      before,
      after: sha,
      created: before === '0'.repeat(40),
      deleted: false,
      forced,
      base_ref: null,
      compare: `${this.htmlRepoUrl(repo)}/compare/${before.slice(0, 12)}...${sha.slice(0, 12)}`,
      commits: pushed.map((s) => this.pushCommitJson(repo, this.commitRec(repo, s))),
      head_commit: this.pushCommitJson(repo, head),
      repository: this.repoJson(repo),
      pusher: { name: this.login, email: `${this.login}@users.noreply.github.com` },
      sender: this.userJson(this.login),
    };
    this.record('push', { repo: repo.fullName, branch, before, after: sha });
    this.sendWebhook('push', payload);
    for (const workflow of this.workflows) {
      if (workflow.repo === repo.fullName && workflow.onPushBranches.includes(branch)) {
        this.createRun(repo, workflow, { event: 'push', branch, sha, inputs: {}, displayTitle: head.message.split('\n')[0] ?? '' });
      }
    }
  }

  private createRef(q: Req): HandlerResult {
    const repo = this.repoParam(q);
    const ref = str(q.body.ref);
    const sha = str(q.body.sha);
    if (!/^refs\/(heads|tags)\/.+/.test(ref)) throw new GhError(422, 'Reference name must start with refs/heads/ or refs/tags/');
    if (!repo.commits.has(sha)) throw new GhError(422, 'Object does not exist');
    if (this.refSha(repo, ref) !== undefined) throw new GhError(422, 'Reference already exists');
    const name = ref.replace(/^refs\/(heads|tags)\//, '');
    if (ref.startsWith('refs/tags/')) repo.tags.set(name, sha);
    else this.pushBranch(repo, name, sha, false);
    return { status: 201, body: this.refJson(repo, ref, sha) };
  }

  private updateRef(q: Req): HandlerResult {
    const repo = this.repoParam(q);
    const ref = (q.params.ref ?? '').replace(/^refs\//, '');
    const current = this.refSha(repo, ref);
    if (!current) throw new GhError(422, 'Reference does not exist');
    const sha = str(q.body.sha);
    if (!repo.commits.has(sha)) throw new GhError(422, 'Object does not exist');
    const force = q.body.force === true;
    if (!force && !this.ancestors(repo, sha).has(current)) throw new GhError(422, 'Update is not a fast forward');
    const name = ref.replace(/^(heads|tags)\//, '');
    if (ref.startsWith('tags/')) repo.tags.set(name, sha);
    else if (current !== sha) this.pushBranch(repo, name, sha, force);
    return { status: 200, body: this.refJson(repo, `refs/${ref}`, sha) };
  }

  private createGitCommit(q: Req): HandlerResult {
    const repo = this.repoParam(q);
    const message = optStr(q.body.message);
    const tree = str(q.body.tree);
    if (message === undefined) throw validationFailed([{ resource: 'Commit', field: 'message', code: 'missing_field' }]);
    if (!repo.trees.has(tree)) throw new GhError(422, 'Tree SHA does not exist');
    const parents = Array.isArray(q.body.parents) ? q.body.parents.map((p) => str(p)) : [];
    for (const parent of parents) {
      if (!repo.commits.has(parent)) throw new GhError(422, 'Parent SHA does not exist or is not a commit object');
    }
    const author = isRecord(q.body.author)
      ? { name: str(q.body.author.name), email: str(q.body.author.email) }
      : { name: this.login, email: `${this.login}@users.noreply.github.com`, login: this.login };
    const date = isRecord(q.body.author) && typeof q.body.author.date === 'string' ? Date.parse(q.body.author.date) : undefined;
    const sha = this.createCommit(repo, { message, parents, tree, author, date: Number.isNaN(date) ? undefined : date, contentAddressed: true });
    return { status: 201, body: this.gitCommitJson(repo, this.commitRec(repo, sha)) };
  }

  // ================================================================ actions

  private dispatch(q: Req): HandlerResult {
    const repo = this.repoParam(q);
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
    const displayTitle = workflow.runName ? workflow.runName.replace(/\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, k: string) => String(inputs[k] ?? '')) : workflow.name;
    const run = this.createRun(repo, workflow, { event: 'workflow_dispatch', branch: bare, sha, inputs, displayTitle, actor: q.login });
    const dispatch: DispatchRecord = {
      repo: repo.fullName,
      workflowId: workflow.id,
      workflow: workflow.file,
      ref,
      inputs,
      runId: run.id,
      at: this.now(),
    };
    this.dispatches.push(dispatch);
    this.record('dispatch', dispatch);
    if (q.body.return_run_details === true) {
      return {
        status: 200,
        body: {
          workflow_run_id: run.id,
          run_url: `${this.apiRepoUrl(repo)}/actions/runs/${run.id}`,
          html_url: `${this.htmlRepoUrl(repo)}/actions/runs/${run.id}`,
        },
      };
    }
    return { status: 204 };
  }

  private createRun(
    repo: RepoRec,
    workflow: WorkflowRec,
    input: { event: string; branch: string; sha: string; inputs: Record<string, unknown>; displayTitle: string; actor?: string },
  ): RunRec {
    const runNumber = (repo.workflowRunNumbers.get(workflow.id) ?? 0) + 1;
    repo.workflowRunNumbers.set(workflow.id, runNumber);
    const run: RunRec = {
      id: this.nextId(),
      repo: repo.fullName,
      workflowId: workflow.id,
      event: input.event,
      headBranch: input.branch,
      headSha: input.sha,
      runNumber,
      runAttempt: 1,
      createdAt: this.now(),
      inputs: input.inputs,
      actor: input.actor ?? this.login,
      conclusion: workflow.conclusion,
      displayTitle: input.displayTitle,
      durations: { ...workflow.durations },
      jobId: this.nextId(),
      checkSuiteId: this.nextId(),
      reportedPhases: 0,
    };
    if (workflow.environment !== undefined) {
      run.environment = workflow.environment;
      const env = this.ensureEnvironment(repo, workflow.environment);
      const needsReviewers = (env.reviewers?.length ?? 0) > 0;
      if (needsReviewers || env.customRule) {
        run.review = { environment: env.name, needsReviewers, needsCustom: env.customRule };
      }
    }
    this.runStore.push(run);
    this.sync();
    return run;
  }

  /** Run phases on the emulator clock; the current one is the last that has started. */
  private phases(run: RunRec): Phase[] {
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

  private phasesAt(run: RunRec, at: number): Phase[] {
    return this.phases(run).filter((p) => p.at <= at);
  }

  private currentPhase(run: RunRec, at = this.now()): Phase {
    const reached = this.phasesAt(run, at);
    return reached[reached.length - 1] ?? { status: 'queued', at: run.createdAt, conclusion: null };
  }

  /** Notice transitions: events, environment deployments and webhooks, in phase order. */
  private sync(): void {
    const now = this.now();
    for (const run of this.runStore) {
      const reached = this.phasesAt(run, now);
      while (run.reportedPhases < reached.length) {
        const phase = reached[run.reportedPhases];
        run.reportedPhases += 1;
        if (phase) this.onTransition(run, phase);
      }
    }
  }

  private onTransition(run: RunRec, phase: Phase): void {
    const repo = this.repoOrThrow(run.repo);
    const workflow = this.workflows.find((w) => w.id === run.workflowId);
    if (!workflow) return;
    const runJson = this.runJson(run, phase.at);
    const jobJson = this.jobJson(run, phase.at);
    const runAction = phase.status === 'queued' ? 'requested' : phase.status === 'waiting' ? undefined : phase.status;
    this.record('run', { action: runAction ?? 'waiting', status: phase.status, conclusion: phase.conclusion, run: runJson });
    this.record('job', { action: phase.status, job: jobJson });
    const base = { repository: this.repoJson(repo), sender: this.userJson(run.actor) };
    if (runAction !== undefined) {
      this.sendWebhook('workflow_run', { action: runAction, workflow_run: runJson, workflow: this.workflowJson(repo, workflow), ...base });
    }
    this.sendWebhook('workflow_job', { action: phase.status, workflow_job: jobJson, ...base });

    if (run.environment !== undefined) {
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
      const deployment = this.deploymentStore.find((d) => d.id === run.deploymentId);
      if (deployment) {
        const logUrl = `${this.htmlRepoUrl(repo)}/actions/runs/${run.id}/job/${run.jobId}`;
        const opts = { description: '', logUrl, environmentUrl: '', creator: ACTIONS_BOT, at: phase.at, autoInactive: true };
        if (phase.status === 'waiting') this.addDeploymentStatus(deployment, 'waiting', opts);
        if (phase.status === 'in_progress') this.addDeploymentStatus(deployment, 'in_progress', opts);
        if (phase.status === 'completed') {
          const state: DeploymentState = phase.conclusion === 'success' ? 'success' : phase.conclusion === 'cancelled' ? 'error' : 'failure';
          this.addDeploymentStatus(deployment, state, opts);
        }
      }
      if (phase.status === 'waiting' && run.review) this.requestReviews(repo, run, runJson, deployment);
    }
    if (phase.status === 'completed') {
      this.sendWebhook('check_suite', { action: 'completed', check_suite: this.checkSuiteJson(run, phase.at), ...base });
    }
  }

  private requestReviews(repo: RepoRec, run: RunRec, runJson: Json, deployment: DeploymentRec | undefined): void {
    const review = run.review;
    if (!review) return;
    const env = this.ensureEnvironment(repo, review.environment);
    const job = this.jobJson(run);
    if (review.needsReviewers) {
      this.sendWebhook('deployment_review', {
        action: 'requested',
        workflow_run: runJson,
        environment: env.name,
        requestor: this.userJson(run.actor),
        reviewers: (env.reviewers ?? []).map((login) => ({ type: 'User', reviewer: this.userJson(login) })),
        since: iso(this.now()),
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
        repository: this.repoJson(repo),
        sender: this.userJson(run.actor),
      });
    }
    if (review.needsCustom) {
      this.sendWebhook('deployment_protection_rule', {
        action: 'requested',
        environment: env.name,
        event: run.event,
        deployment_callback_url: `${this.apiRepoUrl(repo)}/actions/runs/${run.id}/deployment_protection_rule`,
        deployment: deployment ? this.deploymentJson(deployment) : null,
        pull_requests: [],
        repository: this.repoJson(repo),
        sender: this.userJson(run.actor),
      });
    }
    this.record('review_requested', { runId: run.id, environment: env.name, reviewers: env.reviewers ?? [], customRule: env.customRule });
  }

  private listRuns(repo: RepoRec, query: Record<string, string>, workflowId?: number): HandlerResult {
    const created = parseCreatedFilter(query.created);
    const statusFilter = query.status;
    let list = this.runStore
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

  private pendingDeployments(repo: RepoRec, run: RunRec, login: string): Json[] {
    const review = run.review;
    if (!review || !review.needsReviewers || review.reviewers || this.currentPhase(run).status !== 'waiting') return [];
    const env = this.ensureEnvironment(repo, review.environment);
    const reviewers = env.reviewers ?? [];
    return [
      {
        environment: {
          id: env.id,
          node_id: nodeId('EN', env.id),
          name: env.name,
          url: `${this.apiRepoUrl(repo)}/environments/${encodeURIComponent(env.name)}`,
          html_url: `${this.htmlRepoUrl(repo)}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
        },
        wait_timer: 0,
        wait_timer_started_at: iso(this.currentPhase(run).at),
        current_user_can_approve: reviewers.includes(login),
        reviewers: reviewers.map((r) => ({ type: 'User', reviewer: this.userJson(r) })),
      },
    ];
  }

  private reviewPendingDeployments(q: Req): HandlerResult {
    const { repo, run } = this.runParam(q);
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
    const deployment = this.deploymentStore.find((d) => d.id === run.deploymentId);
    return { status: 200, body: deployment ? [this.deploymentJson(deployment)] : [] };
  }

  private decideReview(run: RunRec, state: 'approved' | 'rejected', login: string, comment: string): void {
    const review = run.review;
    if (!review) return;
    review.reviewers = { state, at: this.now(), login, comment };
    this.approvals.push({ runId: run.id, environment: review.environment, state, login, comment, at: this.now() });
    const repo = this.repoOrThrow(run.repo);
    const env = this.ensureEnvironment(repo, review.environment);
    this.record('review', { runId: run.id, environment: env.name, state, login, comment });
    const job = this.jobJson(run);
    this.sendWebhook('deployment_review', {
      action: state,
      approver: this.userJson(login),
      comment,
      workflow_run: this.runJson(run),
      workflow_job_runs: [
        {
          id: run.jobId,
          name: this.jobName(run),
          status: 'waiting',
          conclusion: null,
          html_url: job.html_url,
          created_at: job.created_at,
          updated_at: job.created_at,
          environment: env.name,
        },
      ],
      since: iso(this.now()),
      repository: this.repoJson(repo),
      sender: this.userJson(login),
    });
    this.sync();
  }

  private jobName(run: RunRec): string {
    return this.workflows.find((w) => w.id === run.workflowId)?.jobName ?? 'deploy';
  }

  private jobLog(run: RunRec): string {
    const workflow = this.workflows.find((w) => w.id === run.workflowId);
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
      `${stamp(2)} HEAD is now at ${run.headSha.slice(0, 7)} ${this.commitRec(this.repoOrThrow(run.repo), run.headSha).message.split('\n')[0] ?? ''}`,
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

  private serveLog(ctx: RequestContext): void {
    const id = Number(/^\/_logs\/jobs\/(\d+)\.txt$/.exec(ctx.path)?.[1]);
    this.sync();
    const run = this.runStore.find((r) => r.jobId === id);
    if (!run) {
      sendText(ctx.res, 404, 'The specified blob does not exist.');
      return;
    }
    sendText(ctx.res, 200, this.jobLog(run));
  }

  // ================================================================ checks & statuses

  private listCheckRuns(q: Req): HandlerResult {
    const repo = this.repoParam(q);
    const sha = this.refOr422(repo, q.params.ref ?? '');
    const fromJobs = this.runStore.filter((run) => run.repo === repo.fullName && run.headSha === sha).map((run) => this.jobCheckRunJson(repo, run));
    const seeded = this.checkRuns.filter((c) => c.repo === repo.fullName && c.headSha === sha).map((c) => this.checkRunJson(repo, c));
    let list = [...seeded, ...fromJobs];
    if (q.query.check_name !== undefined) list = list.filter((c) => c.name === q.query.check_name);
    if (q.query.status !== undefined) list = list.filter((c) => c.status === q.query.status);
    if (q.query.filter !== 'all') {
      // "latest" (default): the most recent check run per name.
      const latest = new Map<string, Json>();
      for (const c of list) {
        const prev = latest.get(str(c.name));
        if (!prev || Number(c.id) > Number(prev.id)) latest.set(str(c.name), c);
      }
      list = [...latest.values()];
    }
    list.sort((a, b) => Number(b.id) - Number(a.id));
    return { status: 200, body: { total_count: list.length, check_runs: paginate(list, q.query) } };
  }

  private combinedStatus(q: Req): HandlerResult {
    const repo = this.repoParam(q);
    const sha = this.refOr422(repo, q.params.ref ?? '');
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
        repository: this.minimalRepoJson(repo),
        commit_url: `${this.apiRepoUrl(repo)}/commits/${sha}`,
        url: `${this.apiRepoUrl(repo)}/commits/${sha}/status`,
      },
    };
  }

  private latestStatuses(repo: RepoRec, sha: string): StatusRec[] {
    const byContext = new Map<string, StatusRec>();
    for (const s of this.statuses) {
      if (s.repo !== repo.fullName || s.sha !== sha) continue;
      const prev = byContext.get(s.context);
      if (!prev || s.createdAt > prev.createdAt || (s.createdAt === prev.createdAt && s.id > prev.id)) byContext.set(s.context, s);
    }
    return [...byContext.values()];
  }

  private createStatus(
    repo: RepoRec,
    sha: string,
    context: string,
    state: CommitState,
    targetUrl: string | null,
    description: string | null,
    creator: string,
  ): StatusRec {
    const status: StatusRec = { id: this.nextId(), repo: repo.fullName, sha, context, state, targetUrl, description, createdAt: this.now(), creator };
    this.statuses.push(status);
    this.record('status', { repo: repo.fullName, sha, context, state });
    this.sendWebhook('status', {
      id: status.id,
      sha,
      name: repo.fullName,
      target_url: targetUrl,
      context,
      description,
      state,
      commit: this.commitJson(repo, this.commitRec(repo, sha)),
      branches: [],
      created_at: iso(status.createdAt),
      updated_at: iso(status.createdAt),
      repository: this.repoJson(repo),
      sender: this.userJson(creator),
    });
    return status;
  }

  /** Names of required checks not green on `sha` (check runs or statuses). */
  private failingChecks(repo: RepoRec, sha: string, names: string[]): string[] {
    const checks = [
      ...this.checkRuns.filter((c) => c.repo === repo.fullName && c.headSha === sha).map((c) => this.checkRunJson(repo, c)),
      ...this.runStore.filter((r) => r.repo === repo.fullName && r.headSha === sha).map((r) => this.jobCheckRunJson(repo, r)),
    ];
    const statuses = this.latestStatuses(repo, sha);
    return names.filter((name) => {
      const check = checks.filter((c) => c.name === name).sort((a, b) => Number(b.id) - Number(a.id))[0];
      if (check) return !(check.status === 'completed' && ['success', 'neutral', 'skipped'].includes(str(check.conclusion)));
      const status = statuses.find((s) => s.context === name);
      return status?.state !== 'success';
    });
  }

  // ================================================================ pulls

  private listPulls(q: Req): HandlerResult {
    const repo = this.repoParam(q);
    const state = q.query.state ?? 'open';
    const head = q.query.head;
    const headBranch = head?.includes(':') ? head.split(':').slice(1).join(':') : head;
    const headOwner = head?.includes(':') ? head.split(':')[0] : undefined;
    let list = this.pullStore
      .filter((p) => p.repo === repo.fullName)
      .filter((p) => state === 'all' || p.state === state)
      .filter((p) => headBranch === undefined || (p.head === headBranch && (headOwner === undefined || headOwner === repo.owner)))
      .filter((p) => q.query.base === undefined || p.base === q.query.base);
    const direction = q.query.direction ?? 'desc';
    list = list.sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number));
    return { status: 200, body: paginate(list, q.query).map((p) => this.pullJson(p)) };
  }

  private createPull(q: Req): HandlerResult {
    const repo = this.repoParam(q);
    const title = optStr(q.body.title);
    const headArg = str(q.body.head);
    const head = headArg.includes(':') ? headArg.split(':').slice(1).join(':') : headArg;
    const base = str(q.body.base);
    if (!title) throw validationFailed([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    if (!repo.branches.has(base)) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (!repo.branches.has(head)) throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    const existing = this.pullStore.find((p) => p.repo === repo.fullName && p.state === 'open' && p.head === head && p.base === base);
    if (existing) {
      throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${head}.` }]);
    }
    const headSha = repo.branches.get(head) ?? '';
    const baseSha = repo.branches.get(base) ?? '';
    if (this.commitsBetween(repo, baseSha, headSha).length === 0) {
      throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);
    }
    repo.pullNumber += 1;
    const pull: PullRec = {
      id: this.nextId(),
      number: repo.pullNumber,
      repo: repo.fullName,
      title,
      body: optStr(q.body.body) ?? null,
      head,
      base,
      state: 'open',
      merged: false,
      createdAt: this.now(),
      updatedAt: this.now(),
      user: q.login,
    };
    this.pullStore.push(pull);
    this.emitPull('opened', pull);
    return { status: 201, body: this.pullJson(pull) };
  }

  private pullHeadSha(repo: RepoRec, pull: PullRec): string {
    return pull.closedHeadSha ?? repo.branches.get(pull.head) ?? '';
  }

  private pullBaseSha(repo: RepoRec, pull: PullRec): string {
    return pull.closedBaseSha ?? repo.branches.get(pull.base) ?? '';
  }

  private pullCommits(repo: RepoRec, pull: PullRec): string[] {
    return pull.closedCommits ?? this.commitsBetween(repo, this.pullBaseSha(repo, pull), this.pullHeadSha(repo, pull));
  }

  private pullContains(repo: RepoRec, pull: PullRec, sha: string): boolean {
    return pull.mergeCommitSha === sha || this.pullCommits(repo, pull).includes(sha);
  }

  private mergeable(pull: PullRec): boolean | null {
    if (pull.state === 'closed') return null;
    return pull.mergeable === undefined ? true : pull.mergeable;
  }

  private closePull(pull: PullRec, merged: boolean): void {
    const repo = this.repoOrThrow(pull.repo);
    pull.closedCommits = this.pullCommits(repo, pull);
    pull.closedHeadSha = this.pullHeadSha(repo, pull);
    pull.closedBaseSha = this.pullBaseSha(repo, pull);
    pull.state = 'closed';
    pull.closedAt = this.now();
    pull.updatedAt = this.now();
    if (!merged) this.emitPull('closed', pull);
  }

  private mergePull(q: Req): HandlerResult {
    const repo = this.repoParam(q);
    const pull = this.pullParam(q);
    if (pull.merged) throw new GhError(405, 'Pull Request is not mergeable');
    if (pull.state !== 'open') throw new GhError(422, 'Pull Request is not open');
    const headSha = this.pullHeadSha(repo, pull);
    const baseSha = this.pullBaseSha(repo, pull);
    const expected = optStr(q.body.sha);
    if (expected !== undefined && expected !== headSha) throw new GhError(409, 'Head branch was modified. Review and try the merge again.');
    if (this.mergeable(pull) !== true) throw new GhError(405, 'Pull Request is not mergeable');
    const required = repo.protection.get(pull.base)?.requiredChecks ?? [];
    const failing = this.failingChecks(repo, headSha, required);
    if (failing.length > 0) {
      throw new GhError(405, `Required status check "${failing[0]}" is expected.`);
    }
    const method = optStr(q.body.merge_method) ?? 'merge';
    if (!['merge', 'squash', 'rebase'].includes(method)) {
      throw validationFailed([{ resource: 'PullRequest', field: 'merge_method', code: 'invalid' }]);
    }
    const commits = this.pullCommits(repo, pull);
    const committer: CommitAuthor = { name: 'GitHub', email: 'noreply@github.com' };
    const author: CommitAuthor = { name: q.login, email: `${q.login}@users.noreply.github.com`, login: q.login };
    const headTree = this.commitRec(repo, headSha).tree;
    let mergeSha: string;
    if (method === 'merge') {
      const title = optStr(q.body.commit_title) ?? `Merge pull request #${pull.number} from ${repo.owner}/${pull.head}`;
      const message = `${title}\n\n${optStr(q.body.commit_message) ?? pull.title}`;
      // a head that already contains the base merges to exactly the head's tree (as git does)
      const tree = this.ancestors(repo, headSha).has(baseSha) ? headTree : undefined;
      mergeSha = this.createCommit(repo, { message, parents: [baseSha, headSha], author, committer, ...(tree ? { tree } : {}) });
    } else if (method === 'squash') {
      const title = optStr(q.body.commit_title) ?? `${pull.title} (#${pull.number})`;
      const message = `${title}\n\n${optStr(q.body.commit_message) ?? commits.map((s) => `* ${this.commitRec(repo, s).message}`).join('\n')}`;
      mergeSha = this.createCommit(repo, { message, parents: [baseSha], author, committer, tree: headTree });
    } else {
      let parent = baseSha;
      for (const sha of commits) {
        const original = this.commitRec(repo, sha);
        parent = this.createCommit(repo, {
          message: original.message,
          parents: [parent],
          author: { name: original.author.name, email: original.author.email },
          committer,
        });
      }
      mergeSha = parent;
    }
    pull.merged = true;
    pull.mergedAt = this.now();
    pull.mergedBy = q.login;
    pull.mergeCommitSha = mergeSha;
    this.closePull(pull, true);
    this.pushBranch(repo, pull.base, mergeSha, false);
    this.emitPull('closed', pull);
    this.record('merge', { repo: repo.fullName, number: pull.number, sha: mergeSha, method, base: pull.base, head: pull.head });
    return { status: 200, body: { sha: mergeSha, merged: true, message: 'Pull Request successfully merged' } };
  }

  private emitPull(action: string, pull: PullRec): void {
    const repo = this.repoOrThrow(pull.repo);
    const json = this.pullJson(pull);
    this.record('pull_request', { action, pull_request: json });
    this.sendWebhook('pull_request', {
      action,
      number: pull.number,
      pull_request: json,
      repository: this.repoJson(repo),
      sender: this.userJson(this.login),
    });
  }

  private compare(q: Req): HandlerResult {
    const repo = this.repoParam(q);
    const basehead = q.params.basehead ?? '';
    const sep = basehead.indexOf('...');
    if (sep < 0) throw new GhError(404, 'Not Found');
    const strip = (ref: string): string => (ref.includes(':') ? ref.split(':').slice(1).join(':') : ref);
    const baseRef = strip(basehead.slice(0, sep));
    const headRef = strip(basehead.slice(sep + 3));
    const base = this.resolveRef(repo, baseRef);
    const head = this.resolveRef(repo, headRef);
    if (!base || !head) throw new GhError(404, 'Not Found');
    const ahead = this.commitsBetween(repo, base, head);
    const behind = this.commitsBetween(repo, head, base);
    const status = ahead.length === 0 && behind.length === 0 ? 'identical' : behind.length === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
    const mergeBase = this.mergeBase(repo, base, head) ?? base;
    return {
      status: 200,
      body: {
        url: `${this.apiRepoUrl(repo)}/compare/${baseRef}...${headRef}`,
        html_url: `${this.htmlRepoUrl(repo)}/compare/${baseRef}...${headRef}`,
        permalink_url: `${this.htmlRepoUrl(repo)}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
        diff_url: `${this.htmlRepoUrl(repo)}/compare/${baseRef}...${headRef}.diff`,
        patch_url: `${this.htmlRepoUrl(repo)}/compare/${baseRef}...${headRef}.patch`,
        base_commit: this.commitJson(repo, this.commitRec(repo, base)),
        merge_base_commit: this.commitJson(repo, this.commitRec(repo, mergeBase)),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits: ahead.slice(0, 250).map((s) => this.commitJson(repo, this.commitRec(repo, s))),
        files: [],
      },
    };
  }

  // ================================================================ deployments

  private createDeployment(q: Req): HandlerResult {
    const repo = this.repoParam(q);
    const ref = optStr(q.body.ref);
    if (!ref) throw validationFailed([{ resource: 'Deployment', field: 'ref', code: 'missing_field' }]);
    const sha = this.resolveRef(repo, ref);
    if (!sha) throw new GhError(422, `No ref found for: ${ref}`);
    const environment = optStr(q.body.environment) ?? 'production';
    const required = Array.isArray(q.body.required_contexts) ? q.body.required_contexts.map((c) => str(c)) : undefined;
    const contexts = required ?? [
      ...new Set([
        ...this.latestStatuses(repo, sha).map((s) => s.context),
        ...this.checkRuns.filter((c) => c.repo === repo.fullName && c.headSha === sha).map((c) => c.name),
      ]),
    ];
    const failing = this.failingChecks(repo, sha, contexts);
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
      createdAt: this.now(),
      productionEnvironment: typeof q.body.production_environment === 'boolean' ? q.body.production_environment : environment === 'production',
      transientEnvironment: q.body.transient_environment === true,
    });
    return { status: 201, body: this.deploymentJson(deployment) };
  }

  private insertDeployment(repo: RepoRec, input: Omit<DeploymentRec, 'id' | 'repo' | 'statuses'>): DeploymentRec {
    this.ensureEnvironment(repo, input.environment);
    const deployment: DeploymentRec = { ...input, id: this.nextId(), repo: repo.fullName, statuses: [] };
    this.deploymentStore.push(deployment);
    const json = this.deploymentJson(deployment);
    this.record('deployment', { deployment: json });
    const run = input.runId === undefined ? undefined : this.runStore.find((r) => r.id === input.runId);
    const workflow = run && this.workflows.find((w) => w.id === run.workflowId);
    this.sendWebhook('deployment', {
      action: 'created',
      deployment: json,
      workflow: workflow ? this.workflowJson(repo, workflow) : null,
      workflow_run: run ? this.deploymentRunJson(run, input.createdAt) : null,
      repository: this.repoJson(repo),
      sender: this.userJson(input.creator),
    });
    return deployment;
  }

  private addDeploymentStatus(
    deployment: DeploymentRec,
    state: DeploymentState,
    opts: { description: string; logUrl: string; environmentUrl: string; creator: string; environment?: string; at?: number; autoInactive: boolean },
  ): DeploymentStatusRec {
    const status: DeploymentStatusRec = {
      id: this.nextId(),
      state,
      description: opts.description,
      environment: opts.environment ?? deployment.environment,
      environmentUrl: opts.environmentUrl,
      logUrl: opts.logUrl,
      createdAt: opts.at ?? this.now(),
      creator: opts.creator,
    };
    deployment.statuses.push(status);
    if (state === 'success' && opts.autoInactive && !deployment.transientEnvironment) {
      for (const other of this.deploymentStore) {
        if (other === deployment || other.repo !== deployment.repo || other.environment !== deployment.environment) continue;
        const last = other.statuses[other.statuses.length - 1];
        if (last?.state === 'success') {
          other.statuses.push({ ...last, id: this.nextId(), state: 'inactive', createdAt: status.createdAt, creator: opts.creator });
        }
      }
    }
    const repo = this.repoOrThrow(deployment.repo);
    const statusJson = this.deploymentStatusJson(deployment, status);
    this.record('deployment_status', { deployment_status: statusJson, deployment: this.deploymentJson(deployment) });
    const payload: Json = {
      action: 'created',
      deployment_status: statusJson,
      deployment: this.deploymentJson(deployment),
      repository: this.repoJson(repo),
      sender: this.userJson(opts.creator),
    };
    const run = deployment.runId === undefined ? undefined : this.runStore.find((r) => r.id === deployment.runId);
    const workflow = run && this.workflows.find((w) => w.id === run.workflowId);
    if (run) payload.workflow_run = this.deploymentRunJson(run, status.createdAt);
    if (workflow) payload.workflow = this.workflowJson(repo, workflow);
    this.sendWebhook('deployment_status', payload);
    return status;
  }

  private ensureEnvironment(repo: RepoRec, name: string): EnvironmentRec {
    const existing = this.environments.find((e) => e.repo === repo.fullName && e.name === name);
    if (existing) return existing;
    const id = this.addEnvironment(repo.fullName, name);
    const env = this.environments.find((e) => e.id === id);
    if (!env) throw new Error('environment vanished');
    return env;
  }

  // ================================================================ webhooks

  private sendWebhook(event: string, payload: Json): void {
    const hook = this.webhook;
    if (!hook) return;
    const body = { ...payload };
    const repository = payload.repository as { owner?: { login?: string; type?: string } } | undefined;
    if (repository?.owner?.type === 'Organization' && body.organization === undefined) body.organization = this.orgJson(String(repository.owner.login));
    if (this.installationId !== undefined) body.installation = { id: this.installationId, node_id: nodeId('MDIz', this.installationId) };
    const raw = JSON.stringify(body);
    const delivery: WebhookDelivery = { id: randomUUID(), event, payload: body, at: this.now() };
    if (typeof payload.action === 'string') delivery.action = payload.action;
    this.deliveries.push(delivery);
    const signature = `sha256=${createHmac('sha256', hook.secret).update(raw).digest('hex')}`;
    const send = async (): Promise<void> => {
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'GitHub-Hookshot/emulator',
            'x-github-event': event,
            'x-github-delivery': delivery.id,
            'x-github-hook-id': '1',
            'x-github-hook-installation-target-type': this.installationId !== undefined ? 'integration' : 'repository',
            'x-hub-signature-256': signature,
          },
          body: raw,
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        delivery.status = res.status;
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
      }
      this.record('webhook', delivery);
    };
    this.deliveryChain = this.track(this.deliveryChain.then(send));
  }

  // ================================================================ JSON shapes

  private apiRepoUrl(repo: RepoRec): string {
    return `${this.url}/repos/${repo.fullName}`;
  }

  private htmlRepoUrl(repo: RepoRec): string {
    return `${this.url}/${repo.fullName}`;
  }

  private userJson(login: string): Json {
    const isBot = login.endsWith('[bot]');
    const id = login === ACTIONS_BOT ? 41898282 : numericHash(login);
    return {
      login,
      id,
      node_id: nodeId(isBot ? 'BOT_' : 'U_', id),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: '',
      url: `${this.url}/users/${encodeURIComponent(login)}`,
      html_url: `${this.url}/${encodeURIComponent(login)}`,
      ...this.userUrls(login),
      type: isBot ? 'Bot' : 'User',
      site_admin: false,
    };
  }

  /** The hypermedia URLs GitHub puts in every user object (simple-user requires them). */
  private userUrls(login: string): Json {
    const u = `${this.url}/users/${encodeURIComponent(login)}`;
    return {
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
    };
  }

  /** A repository owner that is an organization (every emulated repository's owner), as webhooks' `organization`. */
  private orgJson(login: string): Json {
    const id = numericHash(login);
    const api = `${this.url}/orgs/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: nodeId('O_', id),
      url: api,
      repos_url: `${api}/repos`,
      events_url: `${api}/events`,
      hooks_url: `${api}/hooks`,
      issues_url: `${api}/issues`,
      members_url: `${api}/members{/member}`,
      public_members_url: `${api}/public_members{/member}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      description: null,
    };
  }

  /**
   * A repository as GitHub's minimal shape (`workflow_run.repository`, a combined status's
   * `repository`): identity, owner and the hypermedia URLs, nothing else.
   */
  private minimalRepoJson(repo: RepoRec): Json {
    const api = this.apiRepoUrl(repo);
    return {
      id: repo.id,
      node_id: nodeId('R_', repo.id),
      name: repo.name,
      full_name: repo.fullName,
      private: repo.private,
      owner: { ...this.userJson(repo.owner), type: 'Organization' },
      html_url: this.htmlRepoUrl(repo),
      description: null,
      fork: false,
      url: api,
      forks_url: `${api}/forks`,
      keys_url: `${api}/keys{/key_id}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      teams_url: `${api}/teams`,
      hooks_url: `${api}/hooks`,
      issue_events_url: `${api}/issues/events{/number}`,
      events_url: `${api}/events`,
      assignees_url: `${api}/assignees{/user}`,
      branches_url: `${api}/branches{/branch}`,
      tags_url: `${api}/tags`,
      blobs_url: `${api}/git/blobs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      trees_url: `${api}/git/trees{/sha}`,
      statuses_url: `${api}/statuses/{sha}`,
      languages_url: `${api}/languages`,
      stargazers_url: `${api}/stargazers`,
      contributors_url: `${api}/contributors`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      commits_url: `${api}/commits{/sha}`,
      git_commits_url: `${api}/git/commits{/sha}`,
      comments_url: `${api}/comments{/number}`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      contents_url: `${api}/contents/{+path}`,
      compare_url: `${api}/compare/{base}...{head}`,
      merges_url: `${api}/merges`,
      archive_url: `${api}/{archive_format}{/ref}`,
      downloads_url: `${api}/downloads`,
      issues_url: `${api}/issues{/number}`,
      pulls_url: `${api}/pulls{/number}`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      labels_url: `${api}/labels{/name}`,
      releases_url: `${api}/releases{/id}`,
      deployments_url: `${api}/deployments`,
    };
  }

  /** A repository as GitHub's full shape (`GET /repos/{owner}/{repo}`, webhooks' `repository`, a PR's head and base repo). */
  private repoJson(repo: RepoRec): Json {
    const host = new URL(this.url).host;
    return {
      ...this.minimalRepoJson(repo),
      created_at: iso(repo.createdAt),
      updated_at: iso(repo.pushedAt),
      pushed_at: iso(repo.pushedAt),
      git_url: `git://${host}/${repo.fullName}.git`,
      ssh_url: `git@${host}:${repo.fullName}.git`,
      clone_url: `${this.htmlRepoUrl(repo)}.git`,
      svn_url: this.htmlRepoUrl(repo),
      homepage: null,
      size: 0,
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: true,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      mirror_url: null,
      archived: false,
      disabled: false,
      open_issues_count: 0,
      license: null,
      allow_forking: true,
      is_template: false,
      web_commit_signoff_required: false,
      topics: [],
      visibility: repo.private ? 'private' : 'public',
      forks: 0,
      open_issues: 0,
      watchers: 0,
      default_branch: repo.defaultBranch,
      permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    };
  }

  private gitIdentityJson(id: GitIdentity): Json {
    return { name: id.name, email: id.email, date: iso(id.date) };
  }

  private commitJson(repo: RepoRec, c: CommitRec): Json {
    const api = this.apiRepoUrl(repo);
    return {
      sha: c.sha,
      node_id: nodeId('C_', numericHash(c.sha)),
      url: `${api}/commits/${c.sha}`,
      html_url: `${this.htmlRepoUrl(repo)}/commit/${c.sha}`,
      comments_url: `${api}/commits/${c.sha}/comments`,
      commit: {
        url: `${api}/git/commits/${c.sha}`,
        author: this.gitIdentityJson(c.author),
        committer: this.gitIdentityJson(c.committer),
        message: c.message,
        tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
        comment_count: 0,
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
      },
      author: c.author.login ? this.userJson(c.author.login) : null,
      committer: c.committer.login ? this.userJson(c.committer.login) : null,
      parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${this.htmlRepoUrl(repo)}/commit/${p}` })),
    };
  }

  private gitCommitJson(repo: RepoRec, c: CommitRec): Json {
    const api = this.apiRepoUrl(repo);
    return {
      sha: c.sha,
      node_id: nodeId('C_', numericHash(c.sha)),
      url: `${api}/git/commits/${c.sha}`,
      html_url: `${this.htmlRepoUrl(repo)}/commit/${c.sha}`,
      author: this.gitIdentityJson(c.author),
      committer: this.gitIdentityJson(c.committer),
      message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      parents: c.parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `${this.htmlRepoUrl(repo)}/commit/${p}` })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  }

  private pushCommitJson(repo: RepoRec, c: CommitRec): Json {
    return {
      id: c.sha,
      tree_id: c.tree,
      distinct: true,
      message: c.message,
      timestamp: iso(c.committer.date),
      url: `${this.htmlRepoUrl(repo)}/commit/${c.sha}`,
      author: { name: c.author.name, email: c.author.email, username: c.author.login },
      committer: { name: c.committer.name, email: c.committer.email, username: c.committer.login },
      added: [],
      removed: [],
      modified: [],
    };
  }

  private refJson(repo: RepoRec, ref: string, sha: string): Json {
    return {
      ref,
      node_id: nodeId('REF_', numericHash(`${repo.fullName}:${ref}`)),
      url: `${this.apiRepoUrl(repo)}/git/${ref}`,
      object: { sha, type: 'commit', url: `${this.apiRepoUrl(repo)}/git/commits/${sha}` },
    };
  }

  private workflowJson(repo: RepoRec, w: WorkflowRec): Json {
    return {
      id: w.id,
      node_id: nodeId('W_', w.id),
      name: w.name,
      path: w.path,
      state: 'active',
      created_at: iso(w.createdAt),
      updated_at: iso(w.createdAt),
      url: `${this.apiRepoUrl(repo)}/actions/workflows/${w.id}`,
      html_url: `${this.htmlRepoUrl(repo)}/blob/${repo.defaultBranch}/${w.path}`,
      badge_url: `${this.htmlRepoUrl(repo)}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
    };
  }

  private runJson(run: RunRec, at = this.now()): Json {
    const repo = this.repoOrThrow(run.repo);
    const workflow = this.workflows.find((w) => w.id === run.workflowId);
    const phase = this.currentPhase(run, at);
    const api = `${this.apiRepoUrl(repo)}/actions/runs/${run.id}`;
    const prs = this.runPullRequests(repo, run);
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
      html_url: `${this.htmlRepoUrl(repo)}/actions/runs/${run.id}`,
      pull_requests: prs,
      created_at: iso(run.createdAt),
      updated_at: iso(phase.at),
      actor: this.userJson(run.actor),
      run_attempt: run.runAttempt,
      referenced_workflows: [],
      run_started_at: iso(run.createdAt),
      triggering_actor: this.userJson(run.actor),
      jobs_url: `${api}/jobs`,
      logs_url: `${api}/logs`,
      check_suite_url: `${this.apiRepoUrl(repo)}/check-suites/${run.checkSuiteId}`,
      artifacts_url: `${api}/artifacts`,
      cancel_url: `${api}/cancel`,
      rerun_url: `${api}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${this.apiRepoUrl(repo)}/actions/workflows/${run.workflowId}`,
      head_commit: this.simpleCommitJson(repo, run.headSha),
      repository: this.minimalRepoJson(repo),
      head_repository: this.minimalRepoJson(repo),
    };
  }

  /** A run as a deployment's or deployment status's `workflow_run`: GitHub leaves out the head commit and repositories there. */
  private deploymentRunJson(run: RunRec, at: number): Json {
    const json = this.runJson(run, at);
    for (const key of ['head_commit', 'repository', 'head_repository']) delete json[key];
    return json;
  }

  /** The open PRs whose head is the run's head (a run's or check suite's `pull_requests`). */
  private runPullRequests(repo: RepoRec, run: RunRec): Json[] {
    return this.pullStore
      .filter((p) => p.repo === repo.fullName && p.state === 'open' && p.head === run.headBranch && this.pullHeadSha(repo, p) === run.headSha)
      .map((p) => ({
        id: p.id,
        number: p.number,
        url: `${this.apiRepoUrl(repo)}/pulls/${p.number}`,
        head: { ref: p.head, sha: this.pullHeadSha(repo, p), repo: { id: repo.id, url: this.apiRepoUrl(repo), name: repo.name } },
        base: { ref: p.base, sha: this.pullBaseSha(repo, p), repo: { id: repo.id, url: this.apiRepoUrl(repo), name: repo.name } },
      }));
  }

  /** A commit as `head_commit` of a workflow run or check suite (GitHub's SimpleCommit). */
  private simpleCommitJson(repo: RepoRec, sha: string): Json {
    const head = this.commitRec(repo, sha);
    return {
      id: head.sha,
      tree_id: head.tree,
      message: head.message,
      timestamp: iso(head.committer.date),
      author: { name: head.author.name, email: head.author.email },
      committer: { name: head.committer.name, email: head.committer.email },
    };
  }

  private jobJson(run: RunRec, at = this.now()): Json & { name: string; html_url: string; created_at: string } {
    const repo = this.repoOrThrow(run.repo);
    const workflow = this.workflows.find((w) => w.id === run.workflowId);
    const phase = this.currentPhase(run, at);
    const phases = this.phasesAt(run, at);
    const started = phases.find((p) => p.status === 'in_progress');
    const all = this.phases(run);
    const plannedStart = all.find((p) => p.status === 'in_progress')?.at;
    const planned = all.find((p) => p.status === 'completed');
    const plannedEnd = planned?.at;
    const plannedConclusion = planned?.conclusion;
    const steps: Json[] = [];
    if (started && plannedStart !== undefined && plannedEnd !== undefined) {
      const span = Math.max(plannedEnd - plannedStart, 4);
      const names = ['Set up job', 'Run actions/checkout@v4', workflow?.stepName ?? 'Deploy', 'Complete job'];
      const fractions = [0, 0.1, 0.2, 0.9, 1];
      names.forEach((name, i) => {
        const s = plannedStart + Math.floor(span * (fractions[i] ?? 0));
        const e = plannedStart + Math.floor(span * (fractions[i + 1] ?? 1));
        // Steps split the planned in-progress span; completion (even a cancellation) ends it, so a completed run has every step completed.
        let status = 'queued';
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
    const htmlUrl = `${this.htmlRepoUrl(repo)}/actions/runs/${run.id}/job/${run.jobId}`;
    const createdAt = iso(run.createdAt);
    return {
      id: run.jobId,
      run_id: run.id,
      workflow_name: workflow?.name ?? '',
      head_branch: run.headBranch,
      run_url: `${this.apiRepoUrl(repo)}/actions/runs/${run.id}`,
      run_attempt: run.runAttempt,
      node_id: nodeId('CR_', run.jobId),
      head_sha: run.headSha,
      url: `${this.apiRepoUrl(repo)}/actions/jobs/${run.jobId}`,
      html_url: htmlUrl,
      status: phase.status,
      conclusion: phase.conclusion,
      created_at: createdAt,
      started_at: started ? iso(started.at) : createdAt,
      completed_at: phase.status === 'completed' ? iso(phase.at) : null,
      name: workflow?.jobName ?? 'deploy',
      steps,
      check_run_url: `${this.apiRepoUrl(repo)}/check-runs/${run.jobId}`,
      labels: ['ubuntu-latest'],
      runner_id: started ? 1 : null,
      runner_name: started ? 'GitHub Actions 1' : null,
      runner_group_id: started ? 2 : null,
      runner_group_name: started ? 'GitHub Actions' : null,
    };
  }

  private checkRunJson(repo: RepoRec, c: CheckRunRec): Json {
    const html = `${this.htmlRepoUrl(repo)}/runs/${c.id}`;
    return {
      id: c.id,
      head_sha: c.headSha,
      node_id: nodeId('CR_', c.id),
      external_id: c.externalId,
      url: `${this.apiRepoUrl(repo)}/check-runs/${c.id}`,
      html_url: html,
      details_url: c.detailsUrl ?? html,
      status: c.status,
      conclusion: c.conclusion,
      started_at: iso(c.startedAt),
      completed_at: c.completedAt === null ? null : iso(c.completedAt),
      output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${this.apiRepoUrl(repo)}/check-runs/${c.id}/annotations` },
      name: c.name,
      check_suite: { id: c.checkSuiteId },
      app: this.actionsAppJson(),
      pull_requests: [],
    };
  }

  /** Each workflow job is also a check run (same id) on the head SHA. */
  private jobCheckRunJson(repo: RepoRec, run: RunRec): Json {
    const job = this.jobJson(run);
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
      output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${this.apiRepoUrl(repo)}/check-runs/${run.jobId}/annotations` },
      name: job.name,
      check_suite: { id: run.checkSuiteId },
      app: this.actionsAppJson(),
      pull_requests: [],
    };
  }

  /** The GitHub Actions app (a check run's or check suite's `app`). */
  private actionsAppJson(): Json {
    return {
      id: 15368,
      slug: 'github-actions',
      client_id: 'Iv1.05c79e9ad1f6bdfa',
      node_id: 'MDM6QXBwMTUzNjg=',
      owner: { ...this.userJson('github'), type: 'Organization' },
      name: 'GitHub Actions',
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${this.url}/apps/github-actions`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: '2024-04-10T20:33:16Z',
      permissions: { actions: 'write', checks: 'write', contents: 'write', deployments: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' },
      events: ['check_run', 'check_suite', 'workflow_dispatch', 'workflow_run', 'workflow_job'],
    };
  }

  private checkSuiteJson(run: RunRec, at = this.now()): Json {
    const repo = this.repoOrThrow(run.repo);
    const phase = this.currentPhase(run, at);
    return {
      id: run.checkSuiteId,
      node_id: nodeId('CS_', run.checkSuiteId),
      head_branch: run.headBranch,
      head_sha: run.headSha,
      status: phase.status === 'waiting' ? 'queued' : phase.status,
      conclusion: phase.conclusion,
      url: `${this.apiRepoUrl(repo)}/check-suites/${run.checkSuiteId}`,
      app: this.actionsAppJson(),
      created_at: iso(run.createdAt),
      updated_at: iso(phase.at),
      latest_check_runs_count: 1,
      check_runs_url: `${this.apiRepoUrl(repo)}/check-suites/${run.checkSuiteId}/check-runs`,
      before: this.commitRec(repo, run.headSha).parents[0] ?? '0'.repeat(40),
      after: run.headSha,
      pull_requests: this.runPullRequests(repo, run),
      head_commit: this.simpleCommitJson(repo, run.headSha),
    };
  }

  private statusJson(repo: RepoRec, s: StatusRec): Json {
    return {
      url: `${this.apiRepoUrl(repo)}/statuses/${s.sha}`,
      avatar_url: null,
      id: s.id,
      node_id: nodeId('SC_', s.id),
      state: s.state,
      description: s.description,
      target_url: s.targetUrl,
      context: s.context,
      created_at: iso(s.createdAt),
      updated_at: iso(s.createdAt),
      creator: this.userJson(s.creator),
    };
  }

  private pullJson(p: PullRec): Json {
    const repo = this.repoOrThrow(p.repo);
    const api = `${this.apiRepoUrl(repo)}/pulls/${p.number}`;
    const headSha = this.pullHeadSha(repo, p);
    const baseSha = this.pullBaseSha(repo, p);
    const mergeable = this.mergeable(p);
    const commits = this.pullCommits(repo, p);
    const side = (ref: string, sha: string): Json => ({
      label: `${repo.owner}:${ref}`,
      ref,
      sha,
      user: { ...this.userJson(repo.owner), type: 'Organization' },
      repo: this.repoJson(repo),
    });
    return {
      url: api,
      id: p.id,
      node_id: nodeId('PR_', p.id),
      html_url: `${this.htmlRepoUrl(repo)}/pull/${p.number}`,
      diff_url: `${this.htmlRepoUrl(repo)}/pull/${p.number}.diff`,
      patch_url: `${this.htmlRepoUrl(repo)}/pull/${p.number}.patch`,
      issue_url: `${this.apiRepoUrl(repo)}/issues/${p.number}`,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${this.apiRepoUrl(repo)}/pulls/comments{/number}`,
      comments_url: `${this.apiRepoUrl(repo)}/issues/${p.number}/comments`,
      statuses_url: `${this.apiRepoUrl(repo)}/statuses/${headSha}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: this.userJson(p.user),
      body: p.body,
      labels: [],
      milestone: null,
      created_at: iso(p.createdAt),
      updated_at: iso(p.updatedAt),
      closed_at: p.closedAt === undefined ? null : iso(p.closedAt),
      merged_at: p.mergedAt === undefined ? null : iso(p.mergedAt),
      merge_commit_sha: p.mergeCommitSha ?? null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: side(p.head, headSha),
      base: side(p.base, baseSha),
      author_association: 'MEMBER',
      auto_merge: null,
      draft: false,
      merged: p.merged,
      mergeable,
      rebaseable: mergeable,
      mergeable_state: p.state === 'open' ? (mergeable === false ? 'dirty' : mergeable === null ? 'unknown' : 'clean') : 'unknown',
      merged_by: p.mergedBy === undefined ? null : this.userJson(p.mergedBy),
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: commits.length,
      additions: 0,
      deletions: 0,
      changed_files: 0,
      _links: {
        self: { href: api },
        html: { href: `${this.htmlRepoUrl(repo)}/pull/${p.number}` },
        issue: { href: `${this.apiRepoUrl(repo)}/issues/${p.number}` },
        comments: { href: `${this.apiRepoUrl(repo)}/issues/${p.number}/comments` },
        review_comments: { href: `${api}/comments` },
        review_comment: { href: `${this.apiRepoUrl(repo)}/pulls/comments{/number}` },
        commits: { href: `${api}/commits` },
        statuses: { href: `${this.apiRepoUrl(repo)}/statuses/${headSha}` },
      },
    };
  }

  private deploymentJson(d: DeploymentRec): Json {
    const repo = this.repoOrThrow(d.repo);
    const api = `${this.apiRepoUrl(repo)}/deployments/${d.id}`;
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
      creator: this.userJson(d.creator),
      created_at: iso(d.createdAt),
      updated_at: iso(last?.createdAt ?? d.createdAt),
      statuses_url: `${api}/statuses`,
      repository_url: this.apiRepoUrl(repo),
      transient_environment: d.transientEnvironment,
      production_environment: d.productionEnvironment,
    };
  }

  private deploymentStatusJson(d: DeploymentRec, s: DeploymentStatusRec): Json {
    const repo = this.repoOrThrow(d.repo);
    const api = `${this.apiRepoUrl(repo)}/deployments/${d.id}`;
    return {
      url: `${api}/statuses/${s.id}`,
      id: s.id,
      node_id: nodeId('DES_', s.id),
      state: s.state,
      creator: this.userJson(s.creator),
      description: s.description,
      environment: s.environment,
      target_url: s.logUrl,
      log_url: s.logUrl,
      environment_url: s.environmentUrl,
      created_at: iso(s.createdAt),
      updated_at: iso(s.createdAt),
      deployment_url: api,
      repository_url: this.apiRepoUrl(repo),
    };
  }

  private environmentJson(repo: RepoRec, e: EnvironmentRec): Json {
    const rules: Json[] = [];
    if (e.reviewers && e.reviewers.length > 0) {
      rules.push({
        id: e.reviewerRuleId,
        node_id: nodeId('GA_', e.reviewerRuleId),
        prevent_self_review: false,
        type: 'required_reviewers',
        reviewers: e.reviewers.map((login) => ({ type: 'User', reviewer: this.userJson(login) })),
      });
    }
    const json: Json = {
      id: e.id,
      node_id: nodeId('EN_', e.id),
      name: e.name,
      url: `${this.apiRepoUrl(repo)}/environments/${encodeURIComponent(e.name)}`,
      html_url: `${this.htmlRepoUrl(repo)}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
      created_at: iso(e.createdAt),
      updated_at: iso(e.updatedAt),
      can_admins_bypass: true,
      protection_rules: rules,
      deployment_branch_policy: null,
    };
    return json;
  }

  // ================================================================ HTML pages

  private servePage(ctx: RequestContext): void {
    this.sync();
    const parts = ctx.path
      .split('/')
      .filter(Boolean)
      .map((p) => decodeURIComponent(p));
    const [owner, name, kind, ...rest] = parts;
    const repo = owner && name ? this.repos.get(`${owner}/${name}`) : undefined;
    let title = 'GitHub emulator';
    let data: unknown = { repos: [...this.repos.keys()] };
    let status = 200;
    if (repo) {
      title = repo.fullName;
      data = this.repoJson(repo);
      if (kind === 'actions' && rest[0] === 'runs') {
        const run = this.runStore.find((r) => r.repo === repo.fullName && r.id === Number(rest[1]));
        if (run) {
          const json = this.runJson(run);
          title = `${str(json.name)} #${run.runNumber} · ${str(json.status)}${json.conclusion ? ` (${str(json.conclusion)})` : ''}`;
          data = rest[2] === 'job' ? { job: this.jobJson(run), log: this.jobLog(run) } : { run: json, jobs: [this.jobJson(run)], inputs: run.inputs };
        } else status = 404;
      } else if (kind === 'pull') {
        const pull = this.pullStore.find((p) => p.repo === repo.fullName && p.number === Number(rest[0]));
        if (pull) {
          title = `${pull.title} · #${pull.number} · ${pull.merged ? 'merged' : pull.state}`;
          data = this.pullJson(pull);
        } else status = 404;
      } else if (kind === 'commit') {
        const commit = repo.commits.get(rest[0] ?? '');
        if (commit) {
          title = `${commit.message.split('\n')[0] ?? ''} · ${commit.sha.slice(0, 7)}`;
          data = this.commitJson(repo, commit);
        } else status = 404;
      } else if (kind !== undefined) {
        title = `${repo.fullName} · ${[kind, ...rest].join('/')}`;
      }
    } else if (parts.length > 0) status = 404;
    sendText(
      ctx.res,
      status,
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(
        status === 404 ? 'Not Found' : title,
      )}</h1><pre>${escapeHtml(JSON.stringify(data, null, 2))}</pre></body></html>`,
      'text/html; charset=utf-8',
    );
  }
}

/** Alias following the file name's casing. */
export { GitHubEmulator as GithubEmulator };

// ------------------------------------------------------------------ helpers

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

function optStr(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : str(value);
}

function numericHash(input: string): number {
  return parseInt(createHash('sha1').update(input).digest('hex').slice(0, 7), 16);
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}kwDO${Buffer.from(String(id)).toString('base64url')}`;
}

function paginate<T>(list: T[], query: Record<string, string>): T[] {
  const perPage = Math.min(Math.max(Number(query.per_page ?? 30) || 30, 1), 100);
  const page = Math.max(Number(query.page ?? 1) || 1, 1);
  return list.slice((page - 1) * perPage, page * perPage);
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
