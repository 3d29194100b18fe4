/**
 * Pull requests: open, list, edit, close, and merge (merge commit, squash or rebase) with
 * GitHub's refusals (stale head, conflicts, required checks not green); a merge moves the
 * base branch as a push does. Closed PRs keep the head, base and commits they had.
 */
import type { GitRoom } from './git';
import { GhError, paginate, optStr, str, validationFailed, type GitHubRoutes, type HandlerResult, type Req } from './rest';
import { iso, nodeId, type Schemas, type Shapes } from './shapes';
import type { CommitAuthor, GitHubState, PullRec, RepoRec, RunRec } from './state';
import type { Webhooks } from './webhooks';

/** Names of the required checks not green on a commit (answered by the checks room). */
export type FailingChecks = (repo: RepoRec, sha: string, names: string[]) => string[];

export class PullsRoom {
  constructor(
    private readonly state: GitHubState,
    private readonly shapes: Shapes,
    private readonly webhooks: Webhooks,
    private readonly git: GitRoom,
    private readonly failingChecks: FailingChecks,
  ) {}

  register(r: GitHubRoutes): void {
    const R = '/repos/:owner/:repo';
    r.add('GET', `${R}/commits/:sha/pulls`, (q) => {
      const repo = this.state.repoParam(q);
      const sha = this.git.refOr422(repo, q.params.sha ?? '');
      const list = this.state.pulls.filter((p) => p.repo === repo.fullName && this.pullContains(repo, p, sha)).map((p) => this.pullJson(p));
      return { status: 200, body: list };
    });
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
      pull.updatedAt = this.state.now();
      return { status: 200, body: this.pullJson(pull) };
    });
    r.add('GET', `${R}/pulls/:number/commits`, (q) => {
      const repo = this.state.repoParam(q);
      const pull = this.pullParam(q);
      return { status: 200, body: this.pullCommits(repo, pull).map((s) => this.git.commitJson(repo, this.git.commitRec(repo, s))) };
    });
    r.add('GET', `${R}/pulls/:number/merge`, (q) => {
      if (!this.pullParam(q).merged) throw new GhError(404, 'Not Found');
      return { status: 204 };
    });
    r.add('PUT', `${R}/pulls/:number/merge`, (q) => this.mergePull(q));
  }

  /** Override GitHub's mergeability for a PR (`false` = conflicts, `null` = not computed yet). */
  setPullMergeable(repoName: string, number: number, mergeable: boolean | null): void {
    const pull = this.state.pulls.find((p) => p.repo === repoName && p.number === number);
    if (!pull) throw new Error(`GitHubEmulator.setPullMergeable: unknown PR #${number}`);
    pull.mergeable = mergeable;
  }

  pullParam(q: Req): PullRec {
    const repo = this.state.repoParam(q);
    const pull = this.state.pulls.find((p) => p.repo === repo.fullName && p.number === Number(q.params.number));
    if (!pull) throw new GhError(404, 'Not Found');
    return pull;
  }

  listPulls(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
    const state = q.query.state ?? 'open';
    const head = q.query.head;
    const headBranch = head?.includes(':') ? head.split(':').slice(1).join(':') : head;
    const headOwner = head?.includes(':') ? head.split(':')[0] : undefined;
    let list = this.state.pulls
      .filter((p) => p.repo === repo.fullName)
      .filter((p) => state === 'all' || p.state === state)
      .filter((p) => headBranch === undefined || (p.head === headBranch && (headOwner === undefined || headOwner === repo.owner)))
      .filter((p) => q.query.base === undefined || p.base === q.query.base);
    const direction = q.query.direction ?? 'desc';
    list = list.sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number));
    return { status: 200, body: paginate(list, q.query).map((p) => this.pullJson(p)) };
  }

  createPull(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
    const title = optStr(q.body.title);
    const headArg = str(q.body.head);
    const head = headArg.includes(':') ? headArg.split(':').slice(1).join(':') : headArg;
    const base = str(q.body.base);
    if (!title) throw validationFailed([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    if (!repo.branches.has(base)) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (!repo.branches.has(head)) throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    const existing = this.state.pulls.find((p) => p.repo === repo.fullName && p.state === 'open' && p.head === head && p.base === base);
    if (existing) {
      throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${head}.` }]);
    }
    const headSha = repo.branches.get(head) ?? '';
    const baseSha = repo.branches.get(base) ?? '';
    if (this.git.commitsBetween(repo, baseSha, headSha).length === 0) {
      throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);
    }
    repo.pullNumber += 1;
    const pull: PullRec = {
      id: this.state.nextId(),
      number: repo.pullNumber,
      repo: repo.fullName,
      title,
      body: optStr(q.body.body) ?? null,
      head,
      base,
      state: 'open',
      merged: false,
      createdAt: this.state.now(),
      updatedAt: this.state.now(),
      user: q.login,
    };
    this.state.pulls.push(pull);
    this.emitPull('opened', pull);
    return { status: 201, body: this.pullJson(pull) };
  }

  pullHeadSha(repo: RepoRec, pull: PullRec): string {
    return pull.closedHeadSha ?? repo.branches.get(pull.head) ?? '';
  }

  pullBaseSha(repo: RepoRec, pull: PullRec): string {
    return pull.closedBaseSha ?? repo.branches.get(pull.base) ?? '';
  }

  pullCommits(repo: RepoRec, pull: PullRec): string[] {
    return pull.closedCommits ?? this.git.commitsBetween(repo, this.pullBaseSha(repo, pull), this.pullHeadSha(repo, pull));
  }

  pullContains(repo: RepoRec, pull: PullRec, sha: string): boolean {
    return pull.mergeCommitSha === sha || this.pullCommits(repo, pull).includes(sha);
  }

  mergeable(pull: PullRec): boolean | null {
    if (pull.state === 'closed') return null;
    return pull.mergeable === undefined ? true : pull.mergeable;
  }

  closePull(pull: PullRec, merged: boolean): void {
    const repo = this.state.repoOrThrow(pull.repo);
    pull.closedCommits = this.pullCommits(repo, pull);
    pull.closedHeadSha = this.pullHeadSha(repo, pull);
    pull.closedBaseSha = this.pullBaseSha(repo, pull);
    pull.state = 'closed';
    pull.closedAt = this.state.now();
    pull.updatedAt = this.state.now();
    if (!merged) this.emitPull('closed', pull);
  }

  mergePull(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
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
    const headTree = this.git.commitRec(repo, headSha).tree;
    let mergeSha: string;
    if (method === 'merge') {
      const title = optStr(q.body.commit_title) ?? `Merge pull request #${pull.number} from ${repo.owner}/${pull.head}`;
      const message = `${title}\n\n${optStr(q.body.commit_message) ?? pull.title}`;
      // a head that already contains the base merges to exactly the head's tree (as git does)
      const tree = this.git.ancestors(repo, headSha).has(baseSha) ? headTree : undefined;
      mergeSha = this.git.createCommit(repo, { message, parents: [baseSha, headSha], author, committer, ...(tree ? { tree } : {}) });
    } else if (method === 'squash') {
      const title = optStr(q.body.commit_title) ?? `${pull.title} (#${pull.number})`;
      const message = `${title}\n\n${optStr(q.body.commit_message) ?? commits.map((s) => `* ${this.git.commitRec(repo, s).message}`).join('\n')}`;
      mergeSha = this.git.createCommit(repo, { message, parents: [baseSha], author, committer, tree: headTree });
    } else {
      let parent = baseSha;
      for (const sha of commits) {
        const original = this.git.commitRec(repo, sha);
        parent = this.git.createCommit(repo, {
          message: original.message,
          parents: [parent],
          author: { name: original.author.name, email: original.author.email },
          committer,
        });
      }
      mergeSha = parent;
    }
    pull.merged = true;
    pull.mergedAt = this.state.now();
    pull.mergedBy = q.login;
    pull.mergeCommitSha = mergeSha;
    this.closePull(pull, true);
    this.git.pushBranch(repo, pull.base, mergeSha, false);
    this.emitPull('closed', pull);
    this.state.host.record('merge', { repo: repo.fullName, number: pull.number, sha: mergeSha, method, base: pull.base, head: pull.head });
    return { status: 200, body: { sha: mergeSha, merged: true, message: 'Pull Request successfully merged' } satisfies Schemas['pull-request-merge-result'] };
  }

  emitPull(action: string, pull: PullRec): void {
    const repo = this.state.repoOrThrow(pull.repo);
    const json = this.pullJson(pull);
    this.state.host.record('pull_request', { action, pull_request: json });
    this.webhooks.send('pull_request', {
      action,
      number: pull.number,
      pull_request: json,
      repository: this.shapes.repoJson(repo),
      sender: this.shapes.userJson(this.state.login),
    });
  }

  // ================================================================ JSON shapes

  pullJson(p: PullRec): Schemas['pull-request'] {
    const repo = this.state.repoOrThrow(p.repo);
    const api = `${this.shapes.apiRepoUrl(repo)}/pulls/${p.number}`;
    const headSha = this.pullHeadSha(repo, p);
    const baseSha = this.pullBaseSha(repo, p);
    const mergeable = this.mergeable(p);
    const commits = this.pullCommits(repo, p);
    const side = (ref: string, sha: string): Schemas['pull-request']['head'] => ({
      label: `${repo.owner}:${ref}`,
      ref,
      sha,
      user: { ...this.shapes.userJson(repo.owner), type: 'Organization' },
      repo: this.shapes.repoJson(repo),
    });
    return {
      url: api,
      id: p.id,
      node_id: nodeId('PR_', p.id),
      html_url: `${this.shapes.htmlRepoUrl(repo)}/pull/${p.number}`,
      diff_url: `${this.shapes.htmlRepoUrl(repo)}/pull/${p.number}.diff`,
      patch_url: `${this.shapes.htmlRepoUrl(repo)}/pull/${p.number}.patch`,
      issue_url: `${this.shapes.apiRepoUrl(repo)}/issues/${p.number}`,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${this.shapes.apiRepoUrl(repo)}/pulls/comments{/number}`,
      comments_url: `${this.shapes.apiRepoUrl(repo)}/issues/${p.number}/comments`,
      statuses_url: `${this.shapes.apiRepoUrl(repo)}/statuses/${headSha}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: this.shapes.userJson(p.user),
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
      merged_by: p.mergedBy === undefined ? null : this.shapes.userJson(p.mergedBy),
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: commits.length,
      additions: 0,
      deletions: 0,
      changed_files: 0,
      _links: {
        self: { href: api },
        html: { href: `${this.shapes.htmlRepoUrl(repo)}/pull/${p.number}` },
        issue: { href: `${this.shapes.apiRepoUrl(repo)}/issues/${p.number}` },
        comments: { href: `${this.shapes.apiRepoUrl(repo)}/issues/${p.number}/comments` },
        review_comments: { href: `${api}/comments` },
        review_comment: { href: `${this.shapes.apiRepoUrl(repo)}/pulls/comments{/number}` },
        commits: { href: `${api}/commits` },
        statuses: { href: `${this.shapes.apiRepoUrl(repo)}/statuses/${headSha}` },
      },
    };
  }

  /** The open PRs whose head is the run's head (a run's or check suite's `pull_requests`). */
  runPullRequests(repo: RepoRec, run: RunRec): Schemas['pull-request-minimal'][] {
    return this.state.pulls
      .filter((p) => p.repo === repo.fullName && p.state === 'open' && p.head === run.headBranch && this.pullHeadSha(repo, p) === run.headSha)
      .map((p) => ({
        id: p.id,
        number: p.number,
        url: `${this.shapes.apiRepoUrl(repo)}/pulls/${p.number}`,
        head: { ref: p.head, sha: this.pullHeadSha(repo, p), repo: { id: repo.id, url: this.shapes.apiRepoUrl(repo), name: repo.name } },
        base: { ref: p.base, sha: this.pullBaseSha(repo, p), repo: { id: repo.id, url: this.shapes.apiRepoUrl(repo), name: repo.name } },
      }));
  }
}
