/**
 * Git data of the GitHub emulator: commits (content-addressed when created through the API),
 * trees, branches and tags as refs, ancestry, compare, and pushes (a moved branch sends a
 * `push` webhook and tells the push listeners, which start `on: push` workflows).
 */
import { createHash } from 'node:crypto';
import { isRecord } from '../emulator-base';
import { GhError, paginate, str, optStr, validationFailed, type GitHubRoutes, type HandlerResult, type Req } from './rest';
import { iso, nodeId, numericHash, type Schemas, type Shapes } from './shapes';
import type { CommitAuthor, CommitRec, GitHubState, GitIdentity, RepoRec } from './state';
import type { Webhooks } from './webhooks';

const DEFAULT_AUTHOR: CommitAuthor = { name: 'Dev Eloper', email: 'dev@example.com' };

/** A branch moved: the repository, branch, new head SHA and its commit. */
export type PushListener = (repo: RepoRec, branch: string, sha: string, head: CommitRec) => void;

/** A commit as a `push` webhook lists it. */
export interface PushCommit {
  id: string;
  tree_id: string;
  distinct: boolean;
  message: string;
  timestamp: string;
  url: string;
  author: { name: string; email: string; username?: string };
  committer: { name: string; email: string; username?: string };
  added: string[];
  removed: string[];
  modified: string[];
}

export class GitRoom {
  private readonly pushListeners: PushListener[] = [];

  constructor(
    private readonly state: GitHubState,
    private readonly shapes: Shapes,
    private readonly webhooks: Webhooks,
  ) {}

  onPush(listener: PushListener): void {
    this.pushListeners.push(listener);
  }

  register(r: GitHubRoutes): void {
    const R = '/repos/:owner/:repo';
    r.add('GET', `${R}/git/ref/:ref*`, (q) => {
      const repo = this.state.repoParam(q);
      const ref = q.params.ref ?? '';
      const sha = this.refSha(repo, ref);
      if (!sha) throw new GhError(404, 'Not Found');
      return { status: 200, body: this.refJson(repo, `refs/${ref}`, sha) };
    });
    r.add('GET', `${R}/git/matching-refs/:ref*`, (q) => {
      const repo = this.state.repoParam(q);
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
      const repo = this.state.repoParam(q);
      const ref = q.params.ref ?? '';
      const [kind, ...rest] = ref.split('/');
      const name = rest.join('/');
      const map = kind === 'heads' ? repo.branches : kind === 'tags' ? repo.tags : undefined;
      if (!map?.delete(name)) throw new GhError(422, 'Reference does not exist');
      return { status: 204 };
    });
    r.add('GET', `${R}/git/commits/:sha`, (q) => {
      const repo = this.state.repoParam(q);
      const commit = repo.commits.get(q.params.sha ?? '');
      if (!commit) throw new GhError(404, 'Not Found');
      return { status: 200, body: this.gitCommitJson(repo, commit) };
    });
    r.add('POST', `${R}/git/commits`, (q) => this.createGitCommit(q));
    r.add('GET', `${R}/commits`, (q) => {
      const repo = this.state.repoParam(q);
      const start = this.resolveRef(repo, q.query.sha ?? repo.defaultBranch);
      if (!start) throw new GhError(404, 'Not Found');
      const list = [...this.ancestors(repo, start)]
        .map((s) => this.commitRec(repo, s))
        .sort((a, b) => b.seq - a.seq)
        .map((c) => this.commitJson(repo, c));
      return { status: 200, body: paginate(list, q.query) };
    });
  }

  /** `commits/:ref*` matches any path below it: registered after the commit sub-resources of other rooms. */
  registerLate(r: GitHubRoutes): void {
    const R = '/repos/:owner/:repo';
    r.add('GET', `${R}/commits/:ref*`, (q) => {
      const repo = this.state.repoParam(q);
      const sha = this.refOr422(repo, q.params.ref ?? '');
      const commit = this.commitRec(repo, sha);
      return { status: 200, body: { ...this.commitJson(repo, commit), stats: { total: 0, additions: 0, deletions: 0 }, files: [] } };
    });
    r.add('GET', `${R}/compare/:basehead*`, (q) => this.compare(q));
  }

  // ================================================================ seeding and queries

  /** Create a repository with an initial commit on its default branch. Returns that commit's SHA. */
  addRepo(fullName: string, options: { defaultBranch?: string; private?: boolean } = {}): string {
    const [owner, name] = fullName.split('/');
    if (!owner || !name) throw new Error(`GitHubEmulator.addRepo: expected owner/name, got "${fullName}"`);
    const now = this.state.now();
    const repo: RepoRec = {
      id: this.state.nextId(),
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
    this.state.repos.set(fullName, repo);
    const sha = this.createCommit(repo, { message: 'Initial commit', parents: [] });
    repo.branches.set(repo.defaultBranch, sha);
    return sha;
  }

  /** Add a commit on top of `branch` (created from the default branch when missing); returns its SHA. */
  addCommit(repoName: string, branch: string, options: { message: string; author?: CommitAuthor; date?: number; push?: boolean }): string {
    const repo = this.state.repoOrThrow(repoName);
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
    const repo = this.state.repoOrThrow(repoName);
    if (!repo.commits.has(sha)) throw new Error(`GitHubEmulator.setBranch: unknown commit ${sha}`);
    repo.branches.set(branch, sha);
  }

  addTag(repoName: string, tag: string, sha: string): void {
    const repo = this.state.repoOrThrow(repoName);
    if (!repo.commits.has(sha)) throw new Error(`GitHubEmulator.addTag: unknown commit ${sha}`);
    repo.tags.set(tag, sha);
  }

  branchHead(repoName: string, branch: string): string | undefined {
    return this.state.repos.get(repoName)?.branches.get(branch);
  }

  commit(repoName: string, sha: string): { sha: string; message: string; parents: string[]; tree: string } | undefined {
    const c = this.state.repos.get(repoName)?.commits.get(sha);
    return c ? { sha: c.sha, message: c.message, parents: [...c.parents], tree: c.tree } : undefined;
  }

  // ================================================================ git model

  createCommit(
    repo: RepoRec,
    input: { message: string; parents: string[]; author?: CommitAuthor; date?: number; tree?: string; committer?: CommitAuthor; contentAddressed?: boolean },
  ): string {
    const seq = ++this.state.commitSeq;
    const date = input.date ?? this.state.now();
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

  commitRec(repo: RepoRec, sha: string): CommitRec {
    const commit = repo.commits.get(sha);
    if (!commit) throw new GhError(422, `No commit found for SHA: ${sha}`);
    return commit;
  }

  /** sha, unique prefix (≥ 7), branch, tag, `heads/x`, `refs/heads/x`, `tags/x`. */
  resolveRef(repo: RepoRec, ref: string): string | undefined {
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
  refSha(repo: RepoRec, ref: string): string | undefined {
    const bare = ref.replace(/^refs\//, '');
    if (bare.startsWith('heads/')) return repo.branches.get(bare.slice(6));
    if (bare.startsWith('tags/')) return repo.tags.get(bare.slice(5));
    return undefined;
  }

  refOr422(repo: RepoRec, ref: string): string {
    const sha = this.resolveRef(repo, ref);
    if (!sha) throw new GhError(422, `No commit found for SHA: ${ref}`);
    return sha;
  }

  ancestors(repo: RepoRec, sha: string): Set<string> {
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
  commitsBetween(repo: RepoRec, base: string, head: string): string[] {
    const baseSet = this.ancestors(repo, base);
    return [...this.ancestors(repo, head)].filter((s) => !baseSet.has(s)).sort((a, b) => this.commitRec(repo, a).seq - this.commitRec(repo, b).seq);
  }

  mergeBase(repo: RepoRec, a: string, b: string): string | undefined {
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
  pushBranch(repo: RepoRec, branch: string, sha: string, forced: boolean): void {
    const before = repo.branches.get(branch) ?? '0'.repeat(40);
    repo.branches.set(branch, sha);
    repo.pushedAt = this.state.now();
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
      compare: `${this.shapes.htmlRepoUrl(repo)}/compare/${before.slice(0, 12)}...${sha.slice(0, 12)}`,
      commits: pushed.map((s) => this.pushCommitJson(repo, this.commitRec(repo, s))),
      head_commit: this.pushCommitJson(repo, head),
      repository: this.shapes.repoJson(repo),
      pusher: { name: this.state.login, email: `${this.state.login}@users.noreply.github.com` },
      sender: this.shapes.userJson(this.state.login),
    };
    this.state.host.record('push', { repo: repo.fullName, branch, before, after: sha });
    this.webhooks.send('push', payload);
    for (const listener of this.pushListeners) listener(repo, branch, sha, head);
  }

  // ================================================================ handlers

  createRef(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
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

  updateRef(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
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

  createGitCommit(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
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
      : { name: this.state.login, email: `${this.state.login}@users.noreply.github.com`, login: this.state.login };
    const date = isRecord(q.body.author) && typeof q.body.author.date === 'string' ? Date.parse(q.body.author.date) : undefined;
    const sha = this.createCommit(repo, { message, parents, tree, author, date: Number.isNaN(date) ? undefined : date, contentAddressed: true });
    return { status: 201, body: this.gitCommitJson(repo, this.commitRec(repo, sha)) };
  }

  compare(q: Req): HandlerResult {
    const repo = this.state.repoParam(q);
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
        url: `${this.shapes.apiRepoUrl(repo)}/compare/${baseRef}...${headRef}`,
        html_url: `${this.shapes.htmlRepoUrl(repo)}/compare/${baseRef}...${headRef}`,
        permalink_url: `${this.shapes.htmlRepoUrl(repo)}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
        diff_url: `${this.shapes.htmlRepoUrl(repo)}/compare/${baseRef}...${headRef}.diff`,
        patch_url: `${this.shapes.htmlRepoUrl(repo)}/compare/${baseRef}...${headRef}.patch`,
        base_commit: this.commitJson(repo, this.commitRec(repo, base)),
        merge_base_commit: this.commitJson(repo, this.commitRec(repo, mergeBase)),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits: ahead.slice(0, 250).map((s) => this.commitJson(repo, this.commitRec(repo, s))),
        files: [],
      } satisfies Schemas['commit-comparison'],
    };
  }

  // ================================================================ JSON shapes

  gitIdentityJson(id: GitIdentity): Schemas['git-commit']['author'] {
    return { name: id.name, email: id.email, date: iso(id.date) };
  }

  commitJson(repo: RepoRec, c: CommitRec): Schemas['commit'] {
    const api = this.shapes.apiRepoUrl(repo);
    return {
      sha: c.sha,
      node_id: nodeId('C_', numericHash(c.sha)),
      url: `${api}/commits/${c.sha}`,
      html_url: `${this.shapes.htmlRepoUrl(repo)}/commit/${c.sha}`,
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
      author: c.author.login ? this.shapes.userJson(c.author.login) : null,
      committer: c.committer.login ? this.shapes.userJson(c.committer.login) : null,
      parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${this.shapes.htmlRepoUrl(repo)}/commit/${p}` })),
    };
  }

  gitCommitJson(repo: RepoRec, c: CommitRec): Schemas['git-commit'] {
    const api = this.shapes.apiRepoUrl(repo);
    return {
      sha: c.sha,
      node_id: nodeId('C_', numericHash(c.sha)),
      url: `${api}/git/commits/${c.sha}`,
      html_url: `${this.shapes.htmlRepoUrl(repo)}/commit/${c.sha}`,
      author: this.gitIdentityJson(c.author),
      committer: this.gitIdentityJson(c.committer),
      message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      parents: c.parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `${this.shapes.htmlRepoUrl(repo)}/commit/${p}` })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  }

  pushCommitJson(repo: RepoRec, c: CommitRec): PushCommit {
    return {
      id: c.sha,
      tree_id: c.tree,
      distinct: true,
      message: c.message,
      timestamp: iso(c.committer.date),
      url: `${this.shapes.htmlRepoUrl(repo)}/commit/${c.sha}`,
      author: { name: c.author.name, email: c.author.email, username: c.author.login },
      committer: { name: c.committer.name, email: c.committer.email, username: c.committer.login },
      added: [],
      removed: [],
      modified: [],
    };
  }

  refJson(repo: RepoRec, ref: string, sha: string): Schemas['git-ref'] {
    return {
      ref,
      node_id: nodeId('REF_', numericHash(`${repo.fullName}:${ref}`)),
      url: `${this.shapes.apiRepoUrl(repo)}/git/${ref}`,
      object: { sha, type: 'commit', url: `${this.shapes.apiRepoUrl(repo)}/git/commits/${sha}` },
    };
  }

  /** A commit as `head_commit` of a workflow run or check suite (GitHub's SimpleCommit). */
  simpleCommitJson(repo: RepoRec, sha: string): Schemas['simple-commit'] {
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
}
