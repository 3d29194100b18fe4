import type { Logger } from '../app/logger';
import type { CommitChecks } from '../app/ports/commit-checks';
import type { CycleRuns } from '../app/ports/cycle-runs';
import type { DeploymentLookup } from '../app/ports/deployment-lookup';
import type { EnvironmentReviews } from '../app/ports/environment-reviews';
import type { GitData } from '../app/ports/git-data';
import type { GitHubDeployments } from '../app/ports/github-deployments';
import type { PullRequests } from '../app/ports/pull-requests';
import type { RunLogs } from '../app/ports/run-logs';
import type { SourceCompare } from '../app/ports/source-compare';
import type { WorkflowRuns } from '../app/ports/workflow-runs';
import type { ProtectionRuleCallback } from '../app/ports/protection-rules';
import type { EvaluatePromotionDeps } from '../app/evaluate-promotion';
import { createGitHubClient, type GitHubClient, type GitHubClientOptions } from '../adapters/github/github-client';
import { EtagCache } from '../adapters/github/etag-cache';
import { CombinedStatusMemo } from '../adapters/github/combined-status-memo';
import { GitHubWorkflowRuns } from '../adapters/github/github-workflow-runs';
import { GitHubPullRequests } from '../adapters/github/github-pull-requests';
import { GitHubEnvironmentReviews } from '../adapters/github/github-environment-reviews';
import { GitHubRunLogs } from '../adapters/github/github-run-logs';
import { GitHubGitData } from '../adapters/github/github-git-data';
import { GitHubDeployments as GitHubDeploymentWrites } from '../adapters/github/github-deployments';
import { GitHubProtectionRuleCallback } from '../adapters/github/github-protection-rule-callback';
import { GitHubCompare } from '../adapters/github/github-compare';
import { GitHubCommitChecks } from '../adapters/github/github-commit-checks';
import { GitHubDeploymentLookup } from '../adapters/github/github-deployment-lookup';
import { GitHubCycleRuns } from '../adapters/github/github-cycle-runs';
import { commitUrlFor } from '../adapters/github/commit-url';
import { GitHubRunArtifacts } from '../adapters/github/github-run-artifacts';
import type { RunArtifacts } from '../app/ports/run-artifacts';

/** The GitHub variables every command reads (`serve` and `plan` alike). */
export interface GitHubEnv {
  GITHUB_API_URL: string;
  GITHUB_TOKEN?: string | undefined;
  GITHUB_APP_ID?: string | undefined;
  GITHUB_APP_PRIVATE_KEY?: string | undefined;
  GITHUB_APP_INSTALLATION_ID?: string | undefined;
}

/** Every GitHub adapter shipgate uses, each under the port it serves. */
export interface GitHubAdapters {
  client: GitHubClient;
  runs: WorkflowRuns;
  compare: SourceCompare;
  commitChecks: CommitChecks;
  deployments: DeploymentLookup;
  cycleRuns: CycleRuns;
  pulls: PullRequests;
  git: GitData;
  reviews: EnvironmentReviews;
  logs: RunLogs;
  artifacts: RunArtifacts;
  deploymentWrites: GitHubDeployments;
  protectionCallback: ProtectionRuleCallback;
  commitsBetween: NonNullable<EvaluatePromotionDeps['commitsBetween']>;
  /** Web URL of a commit on this GitHub. */
  commitUrl: (repo: string, sha: string) => string;
}

export type GitHubClientTuning = Omit<GitHubClientOptions, 'baseUrl' | 'token' | 'app' | 'logger'>;

/**
 * All GitHub construction in one place: the client (App auth when its three variables are set,
 * else the token) and every adapter over it, sharing one ETag cache (and the combined statuses
 * read while resolving a ref, for the checks read that follows).
 */
export function buildGitHub(env: GitHubEnv, logger: Logger, tuning: GitHubClientTuning = {}): GitHubAdapters {
  const client = createGitHubClient({
    baseUrl: env.GITHUB_API_URL,
    ...(env.GITHUB_APP_ID && env.GITHUB_APP_PRIVATE_KEY && env.GITHUB_APP_INSTALLATION_ID
      ? { app: { appId: env.GITHUB_APP_ID, privateKey: env.GITHUB_APP_PRIVATE_KEY, installationId: env.GITHUB_APP_INSTALLATION_ID } }
      : { token: env.GITHUB_TOKEN ?? '' }),
    logger,
    ...tuning,
  });
  const etags = new EtagCache(client);
  const statusMemo = new CombinedStatusMemo();
  const pulls = new GitHubPullRequests(client);
  return {
    client,
    runs: new GitHubWorkflowRuns(client, etags, statusMemo),
    compare: new GitHubCompare(client, { etags }),
    commitChecks: new GitHubCommitChecks(client, { etags, statusMemo }),
    deployments: new GitHubDeploymentLookup(client, { etags }),
    cycleRuns: new GitHubCycleRuns(client, { etags }),
    pulls,
    git: new GitHubGitData(client),
    reviews: new GitHubEnvironmentReviews(client),
    logs: new GitHubRunLogs(client),
    artifacts: new GitHubRunArtifacts(client),
    deploymentWrites: new GitHubDeploymentWrites(client),
    protectionCallback: new GitHubProtectionRuleCallback(client),
    commitsBetween: (repo, base, head) => pulls.commitsBetween(repo, base, head),
    commitUrl: commitUrlFor(env.GITHUB_API_URL),
  };
}
