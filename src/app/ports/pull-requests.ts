export interface PullRequest {
  number: number;
  url: string;
  title: string;
  state: string;
  merged: boolean;
  mergeSha?: string;
  headRef: string;
  headSha: string;
  baseRef: string;
}

export type MergeResult = { ok: true; sha: string } | { ok: false; reason: 'head_moved' | 'not_mergeable'; message: string };

/** The GitHub calls the branch strategy uses for its pull requests. */
export interface PullRequests {
  findOpen(repo: string, head: string, base: string): Promise<PullRequest | undefined>;
  /** Creates the PR; `undefined` when there is nothing to merge (base already contains head). */
  create(repo: string, p: { head: string; base: string; title: string; body: string }): Promise<PullRequest | undefined>;
  get(repo: string, number: number): Promise<PullRequest>;
  /** Merges only if the head is still `sha` (GitHub's precondition). */
  merge(repo: string, number: number, sha: string, method: 'merge' | 'squash' | 'rebase', title: string): Promise<MergeResult>;
  /** Commits in base...head (for the PR body). */
  commitsBetween(repo: string, base: string, head: string): Promise<Array<{ sha: string; message: string; author: string }>>;
}
