import type { MergeResult, PullRequest, PullRequests } from '../../app/ports/pull-requests';
import { githubFailure, messageOf, statusOf } from './github-failure';
import type { GitHubClient } from './github-client';
import type { RestData } from './rest-data';
import { splitRepo } from './split-repo';

/** A pull request as GitHub lists it (no `merged` field) or returns it alone. */
type Pull = RestData<'GET /repos/{owner}/{repo}/pulls'>[number] | RestData<'GET /repos/{owner}/{repo}/pulls/{pull_number}'>;

function toPull(p: Pull): PullRequest {
  const merged = Boolean(('merged' in p ? p.merged : undefined) ?? p.merged_at);
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

/**
 * The branch strategy's pull requests: finding, opening, reading and merging them (merge only
 * while the head is still the SHA the promotion checked), and the commits they carry.
 *
 *   GET  /repos/{o}/{r}/pulls?state=open&head=o:H&base=B
 *   POST /repos/{o}/{r}/pulls
 *   GET  /repos/{o}/{r}/pulls/{n}
 *   PUT  /repos/{o}/{r}/pulls/{n}/merge            (sha = the expected head)
 *   GET  /repos/{o}/{r}/compare/{base}...{head}
 */
export class GitHubPullRequests implements PullRequests {
  constructor(private readonly gh: GitHubClient) {}

  async findOpen(repo: string, head: string, base: string): Promise<PullRequest | undefined> {
    const r = splitRepo(repo);
    const res = await this.gh.request('GET /repos/{owner}/{repo}/pulls', { ...r, state: 'open', head: `${r.owner}:${head}`, base, per_page: 10 });
    const found = res.data.find((p) => p.head.ref === head && p.base.ref === base);
    return found ? toPull(found) : undefined;
  }

  async create(repo: string, p: { head: string; base: string; title: string; body: string }): Promise<PullRequest | undefined> {
    try {
      const res = await this.gh.request('POST /repos/{owner}/{repo}/pulls', { ...splitRepo(repo), ...p });
      return toPull(res.data);
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
    const res = await this.gh.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...splitRepo(repo), pull_number: number });
    return toPull(res.data);
  }

  async merge(repo: string, number: number, sha: string, method: 'merge' | 'squash' | 'rebase', title: string): Promise<MergeResult> {
    try {
      const res = await this.gh.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', { ...splitRepo(repo), pull_number: number, sha, merge_method: method, commit_title: title });
      return { ok: true, sha: res.data.sha };
    } catch (e) {
      const s = statusOf(e);
      if (s === 409) return { ok: false, reason: 'head_moved', message: messageOf(e) };
      if (s === 405 || s === 422) return { ok: false, reason: 'not_mergeable', message: messageOf(e) };
      throw githubFailure(e, `merging #${number} in ${repo}`);
    }
  }

  async commitsBetween(repo: string, base: string, head: string): Promise<Array<{ sha: string; message: string; author: string }>> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/compare/{basehead}', { ...splitRepo(repo), basehead: `${base}...${head}` });
    return res.data.commits.map((c) => ({
      sha: c.sha,
      message: c.commit.message.split('\n')[0] ?? '',
      author: c.author?.login ?? c.commit.author?.name ?? 'unknown',
    }));
  }
}
