import type { EnvironmentReviews, PendingDeployment } from '../../app/ports/environment-reviews';
import type { DeploymentState, GitHubDeployments } from '../../app/ports/github-deployments';
import type { MergeResult, PullRequest, PullRequests } from '../../app/ports/pull-requests';
import type { RunLogs } from '../../app/ports/run-logs';
import type { GitData } from '../../app/ports/git-data';
import type { ProtectionRuleCallback } from '../../app/answer-protection-rule';
import { ShipgateError } from '../../domain/shipgate-error';
import type { GitHubClient } from './github-client';
import { githubFailure, messageOf, statusOf } from './github-failure';

/** Bookkeeping writes (Deployment mirroring) go in the low lane: they never delay a dispatch. */
const LOW = { request: { lane: 'low' } } as const;

function split(repo: string): { owner: string; repo: string } {
  const [owner, name] = repo.split('/');
  return { owner: owner!, repo: name! };
}


interface RawPull {
  number: number;
  html_url: string;
  title: string;
  state: string;
  merged?: boolean;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  head: { ref: string; sha: string };
  base: { ref: string };
}

function toPull(p: RawPull): PullRequest {
  const merged = Boolean(p.merged ?? p.merged_at);
  return {
    number: p.number,
    url: p.html_url,
    title: p.title,
    state: p.state,
    merged,
    ...(merged && p.merge_commit_sha ? { mergeSha: p.merge_commit_sha } : {}),
    headRef: p.head.ref,
    headSha: p.head.sha,
    baseRef: p.base.ref,
  };
}

/** GitHub REST for the branch strategy, environment reviews, job logs and deployments. */
export class GitHubPromotionApi implements PullRequests, EnvironmentReviews, RunLogs, GitHubDeployments, ProtectionRuleCallback, GitData {
  constructor(private readonly gh: GitHubClient) {}

  async findOpen(repo: string, head: string, base: string): Promise<PullRequest | undefined> {
    const r = split(repo);
    const res = await this.gh.request('GET /repos/{owner}/{repo}/pulls', { ...r, state: 'open', head: `${r.owner}:${head}`, base, per_page: 10 });
    const found = (res.data as unknown as RawPull[]).find((p) => p.head.ref === head && p.base.ref === base);
    return found ? toPull(found) : undefined;
  }

  async create(repo: string, p: { head: string; base: string; title: string; body: string }): Promise<PullRequest | undefined> {
    try {
      const res = await this.gh.request('POST /repos/{owner}/{repo}/pulls', { ...split(repo), ...p });
      return toPull(res.data as unknown as RawPull);
    } catch (e) {
      if (statusOf(e) === 422 && /no commits between/i.test(messageOf(e))) return undefined;
      if (statusOf(e) === 422 && /already exists/i.test(messageOf(e))) {
        const open = await this.findOpen(repo, p.head, p.base);
        if (open) return open;
      }
      throw githubFailure(e, `opening a pull request ${p.head} → ${p.base} in ${repo}`);
    }
  }

  async get(repo: string, number: number): Promise<PullRequest> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...split(repo), pull_number: number });
    return toPull(res.data as unknown as RawPull);
  }

  async merge(repo: string, number: number, sha: string, method: 'merge' | 'squash' | 'rebase', title: string): Promise<MergeResult> {
    try {
      const res = await this.gh.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', { ...split(repo), pull_number: number, sha, merge_method: method, commit_title: title });
      return { ok: true, sha: res.data.sha };
    } catch (e) {
      const s = statusOf(e);
      if (s === 409) return { ok: false, reason: 'head_moved', message: messageOf(e) };
      if (s === 405 || s === 422) return { ok: false, reason: 'not_mergeable', message: messageOf(e) };
      throw githubFailure(e, `merging #${number} in ${repo}`);
    }
  }

  async commitsBetween(repo: string, base: string, head: string): Promise<Array<{ sha: string; message: string; author: string }>> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/compare/{basehead}', { ...split(repo), basehead: `${base}...${head}` });
    return res.data.commits.map((c) => ({
      sha: c.sha,
      message: c.commit.message.split('\n')[0] ?? '',
      author: c.author?.login ?? c.commit.author?.name ?? 'unknown',
    }));
  }

  async pending(repo: string, runId: number): Promise<PendingDeployment[]> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', { ...split(repo), run_id: runId });
    return res.data.map((d) => ({ environmentId: d.environment.id ?? 0, environment: d.environment.name ?? '', canApprove: d.current_user_can_approve }));
  }

  async review(repo: string, runId: number, environmentIds: number[], state: 'approved' | 'rejected', comment: string): Promise<void> {
    try {
      await this.gh.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', { ...split(repo), run_id: runId, environment_ids: environmentIds, state, comment });
    } catch (e) {
      throw githubFailure(e, `${state === 'approved' ? 'approving' : 'rejecting'} the environment review of run ${runId}`);
    }
  }

  async reviewsOf(repo: string, runId: number): Promise<Array<{ environmentIds: number[]; state: string; comment: string }>> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals', { ...split(repo), run_id: runId });
    return res.data.map((a) => ({ environmentIds: a.environments.map((e) => e.id ?? 0), state: a.state, comment: a.comment }));
  }

  async jobLog(repo: string, jobId: number): Promise<string> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', { ...split(repo), job_id: jobId });
    return typeof res.data === 'string' ? res.data : String(res.data);
  }

  async createDeployment(repo: string, d: { sha: string; environment: string; description: string; payload: Record<string, unknown>; production: boolean }): Promise<number> {
    const res = await this.gh.request('POST /repos/{owner}/{repo}/deployments', {
      ...split(repo),
      ref: d.sha,
      environment: d.environment,
      description: d.description.slice(0, 140),
      payload: d.payload,
      auto_merge: false,
      required_contexts: [],
      task: 'deploy',
      production_environment: d.production,
      transient_environment: false,
      ...LOW,
    });
    const id = (res.data as { id?: number }).id;
    if (!id) throw new ShipgateError('github_error', `GitHub did not create the deployment: ${(res.data as { message?: string }).message ?? 'no id'}`);
    return id;
  }

  async commitTree(repo: string, sha: string): Promise<string> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', { ...split(repo), commit_sha: sha });
    return res.data.tree.sha;
  }

  async createCommit(repo: string, c: { message: string; tree: string; parents: string[]; date?: string }): Promise<string> {
    const who = c.date ? { name: 'shipgate', email: 'shipgate@users.noreply.github.com', date: c.date } : undefined;
    const res = await this.gh.request('POST /repos/{owner}/{repo}/git/commits', {
      ...split(repo),
      message: c.message,
      tree: c.tree,
      parents: c.parents,
      ...(who ? { author: who, committer: who } : {}),
    });
    return res.data.sha;
  }

  async createBranch(repo: string, branch: string, sha: string): Promise<void> {
    try {
      await this.gh.request('POST /repos/{owner}/{repo}/git/refs', { ...split(repo), ref: `refs/heads/${branch}`, sha });
    } catch (e) {
      if (statusOf(e) !== 422) throw new ShipgateError('github_error', `could not create branch ${branch}: ${messageOf(e)}`);
      const existing = await this.gh.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...split(repo), ref: `heads/${branch}` });
      if (existing.data.object.sha !== sha) throw new ShipgateError('github_error', `branch ${branch} already exists at another commit`);
    }
  }

  async answer(callbackUrl: string, environment: string, state: 'approved' | 'rejected', comment: string): Promise<void> {
    await this.gh.request({ method: 'POST', url: callbackUrl, environment_name: environment, state, comment });
  }

  async setStatus(repo: string, id: number, s: { state: DeploymentState; logUrl?: string; description: string }): Promise<void> {
    await this.gh.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      ...split(repo),
      deployment_id: id,
      state: s.state,
      description: s.description.slice(0, 140),
      ...(s.logUrl ? { log_url: s.logUrl } : {}),
      auto_inactive: true,
      ...LOW,
    });
  }

  async findDeployment(repo: string, q: { sha: string; environment: string; promotionId: string }): Promise<number | undefined> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/deployments', { ...split(repo), sha: q.sha, environment: q.environment, per_page: 100 });
    const mine = res.data.find((d) => typeof d.payload === 'object' && d.payload !== null && (d.payload as Record<string, unknown>).shipgate === q.promotionId);
    return mine?.id;
  }

  async statuses(repo: string, id: number): Promise<Array<{ state: string; description: string }>> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { ...split(repo), deployment_id: id, per_page: 100 });
    return res.data.map((x) => ({ state: x.state, description: x.description ?? '' }));
  }
}
