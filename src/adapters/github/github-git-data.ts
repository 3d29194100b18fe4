import type { GitData } from '../../app/ports/git-data';
import { ShipgateError } from '../../shared/shipgate-error';
import { messageOf, statusOf } from './github-failure';
import type { GitHubClient } from './github-client';
import { splitRepo } from './split-repo';

/**
 * Git data API calls for a rollback commit on a branch (no force-push): the tree of a commit,
 * a new commit on it, and a branch pointing at it.
 *
 *   GET  /repos/{o}/{r}/git/commits/{sha}
 *   POST /repos/{o}/{r}/git/commits
 *   POST /repos/{o}/{r}/git/refs        (422 when it exists: GET /git/ref/heads/B and compare)
 */
export class GitHubGitData implements GitData {
  constructor(private readonly gh: GitHubClient) {}

  async commitTree(repo: string, sha: string): Promise<string> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', { ...splitRepo(repo), commit_sha: sha });
    return res.data.tree.sha;
  }

  async createCommit(repo: string, c: { message: string; tree: string; parents: string[]; date?: string }): Promise<string> {
    const who = c.date ? { name: 'shipgate', email: 'shipgate@users.noreply.github.com', date: c.date } : undefined;
    const res = await this.gh.request('POST /repos/{owner}/{repo}/git/commits', {
      ...splitRepo(repo),
      message: c.message,
      tree: c.tree,
      parents: c.parents,
      ...(who ? { author: who, committer: who } : {}),
    });
    return res.data.sha;
  }

  async createBranch(repo: string, branch: string, sha: string): Promise<void> {
    try {
      await this.gh.request('POST /repos/{owner}/{repo}/git/refs', { ...splitRepo(repo), ref: `refs/heads/${branch}`, sha });
    } catch (e) {
      if (statusOf(e) !== 422) throw new ShipgateError('github_error', `could not create branch ${branch}: ${messageOf(e)}`);
      const existing = await this.gh.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...splitRepo(repo), ref: `heads/${branch}` });
      if (existing.data.object.sha !== sha) throw new ShipgateError('github_error', `branch ${branch} already exists at another commit`);
    }
  }
}
