/** Git data API calls for a rollback commit on a branch (no force-push). */
export interface GitData {
  /** Tree SHA of a commit. */
  commitTree(repo: string, sha: string): Promise<string>;
  createCommit(repo: string, c: { message: string; tree: string; parents: string[] }): Promise<string>;
  /** Creates `refs/heads/<branch>` at sha (idempotent when it already points there). */
  createBranch(repo: string, branch: string, sha: string): Promise<void>;
}
