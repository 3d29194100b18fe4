import type { ObservedChecks } from '../../domain/gates/checks-gate';

/** Check runs and commit statuses on a commit (GitHub Checks + Statuses APIs). */
export interface CommitChecks {
  /**
   * Every check run (latest per name) and the latest status per context on `ref`.
   * Throws ShipgateError('not_found') when the commit does not exist, ('github_error') otherwise.
   */
  observe(repo: string, ref: string): Promise<ObservedChecks>;
}
