/**
 * The GitHub emulator's store: repositories (branches, tags, commits, branch protection),
 * workflows, runs, check runs, statuses, pull requests, deployments, environments and
 * review decisions, with the id counter they share. Every room reads and writes here.
 */
import { GhError, type Req } from './rest';

export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | 'neutral' | 'action_required';
export type RunStatus = 'queued' | 'waiting' | 'in_progress' | 'completed';
export type CommitState = 'error' | 'failure' | 'pending' | 'success';
export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success' | 'waiting';

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
  /** Artifacts each run uploads (name → files), e.g. a plan workflow's `plan` with `plan.md`; listed once the run completed. */
  artifacts?: WorkflowArtifacts;
}

/** Artifact name → its files (path → content), fixed or made from the run (a function answering undefined: not uploaded by that run). */
export type WorkflowArtifacts = Record<string, Record<string, string> | ((run: { inputs: Record<string, unknown>; headSha: string; id: number }) => Record<string, string> | undefined)>;

export interface DispatchRecord {
  repo: string;
  workflowId: number;
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
  runId: number;
  at: number;
}

// ------------------------------------------------------------------ records

export interface GitIdentity {
  name: string;
  email: string;
  date: number;
  login?: string;
}

export interface CommitRec {
  sha: string;
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
  parents: string[];
  tree: string;
  seq: number;
}

export interface RepoRec {
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

export interface WorkflowRec {
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
  artifacts?: WorkflowArtifacts;
  createdAt: number;
}

export interface Decision {
  state: 'approved' | 'rejected';
  at: number;
  login: string;
  comment: string;
}

export interface ReviewRec {
  environment: string;
  needsReviewers: boolean;
  needsCustom: boolean;
  reviewers?: Decision;
  custom?: Decision;
}

export interface RunRec {
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

export interface Phase {
  status: RunStatus;
  at: number;
  conclusion: Conclusion | null;
}

export interface CheckRunRec {
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

export interface StatusRec {
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

export interface PullRec {
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

export interface DeploymentStatusRec {
  id: number;
  state: DeploymentState;
  description: string;
  environment: string;
  environmentUrl: string;
  logUrl: string;
  createdAt: number;
  creator: string;
}

export interface DeploymentRec {
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

export interface EnvironmentRec {
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

export interface ApprovalRec {
  runId: number;
  environment: string;
  state: 'approved' | 'rejected';
  login: string;
  comment: string;
  at: number;
}

/** What the rooms need from the emulator hosting them. */
export interface EmulatorHost {
  /** Base URL once started ('' before). */
  baseUrl(): string;
  now(): number;
  /** Record a domain event (`emu.events`, `emu.waitFor(type)`). */
  record(type: string, data: unknown): void;
  /** Track background work so `stop()` lets it settle. */
  track<T>(promise: Promise<T>): Promise<T>;
}

export const ACTIONS_BOT = 'github-actions[bot]';

export class GitHubState {
  readonly repos = new Map<string, RepoRec>();
  readonly workflows: WorkflowRec[] = [];
  readonly runs: RunRec[] = [];
  readonly checkRuns: CheckRunRec[] = [];
  readonly statuses: StatusRec[] = [];
  readonly pulls: PullRec[] = [];
  readonly deployments: DeploymentRec[] = [];
  readonly environments: EnvironmentRec[] = [];
  readonly approvals: ApprovalRec[] = [];
  /** Order of commits as created (the `seq` of each commit). */
  commitSeq = 0;
  private idCounter = 1000;

  constructor(
    readonly host: EmulatorHost,
    /** Login of the authenticated user. */
    readonly login: string,
  ) {}

  get url(): string {
    return this.host.baseUrl();
  }

  now(): number {
    return this.host.now();
  }

  nextId(): number {
    this.idCounter += 1;
    return this.idCounter;
  }

  repoOrThrow(name: string): RepoRec {
    const repo = this.repos.get(name);
    if (!repo) throw new Error(`GitHubEmulator: unknown repo ${name} (addRepo first)`);
    return repo;
  }

  workflowOrThrow(repoName: string, file: string): WorkflowRec {
    const workflow = this.workflows.find((w) => w.repo === repoName && (w.file === file || w.path === file));
    if (!workflow) throw new Error(`GitHubEmulator: unknown workflow ${file} in ${repoName}`);
    return workflow;
  }

  workflowOf(run: RunRec): WorkflowRec | undefined {
    return this.workflows.find((w) => w.id === run.workflowId);
  }

  /** The repository of `/repos/:owner/:repo/…`, or a 404. */
  repoParam(q: Req): RepoRec {
    const repo = this.repos.get(`${q.params.owner}/${q.params.repo}`);
    if (!repo) throw new GhError(404, 'Not Found');
    return repo;
  }

  /** The run of `…/actions/runs/:run_id`, or a 404. */
  runParam(q: Req): { repo: RepoRec; run: RunRec } {
    const repo = this.repoParam(q);
    const run = this.runs.find((r) => r.repo === repo.fullName && r.id === Number(q.params.run_id));
    if (!run) throw new GhError(404, 'Not Found');
    return { repo, run };
  }

  /**
   * Create (or reconfigure) a GitHub Environment. `reviewers: true` makes the authenticated
   * user a required reviewer; `customRule` adds a custom deployment protection rule.
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

  /** The environment (created without protection rules when missing, as a deployment to it does). */
  ensureEnvironment(repo: RepoRec, name: string): EnvironmentRec {
    const existing = this.environments.find((e) => e.repo === repo.fullName && e.name === name);
    if (existing) return existing;
    const id = this.addEnvironment(repo.fullName, name);
    const env = this.environments.find((e) => e.id === id);
    if (!env) throw new Error('environment vanished');
    return env;
  }
}
