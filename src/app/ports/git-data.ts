/** Git data API calls for a rollback commit on a branch (no force-push). */
export interface GitData {
  /** Tree SHA of a commit. */
  commitTree(repo: string, sha: string): Promise<string>;
  /** With a fixed `date` the same inputs give the same commit SHA: a retried step cannot make a second, different commit. */
  createCommit(repo: string, c: { message: string; tree: string; parents: string[]; date?: string }): Promise<string>;
  /** Creates `refs/heads/<branch>` at sha (idempotent when it already points there). */
  createBranch(repo: string, branch: string, sha: string): Promise<void>;
}
