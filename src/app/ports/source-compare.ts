import type { Comparison, DiffPullRequest } from '../../domain/plan';

/** What the plan needs from the source host: the commits between two refs and their pull requests. */
export interface SourceCompare {
  /** Commits in `head` that are not in `base` (GitHub compare `base...head`); throws ShipgateError. */
  compare(repo: string, base: string, head: string): Promise<Comparison>;
  /** Pull requests associated with a commit (merged or open), possibly none. */
  pullsForCommit(repo: string, sha: string): Promise<DiffPullRequest[]>;
}
