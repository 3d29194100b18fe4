import type { ShipgateConfig } from '../config/config-schema';
import { checksGate } from '../domain/gates/checks-gate';
import type { GateResult } from '../domain/gates/gate-result';
import type { Promotion } from '../domain/promotion';
import { findService } from '../domain/resolve-request';
import type { CommitChecks } from './ports/commit-checks';

export interface ChecksForCommitDeps {
  config: ShipgateConfig;
  commitChecks: Pick<CommitChecks, 'observe'>;
  commitUrl?: (repo: string, sha: string) => string;
}

/**
 * The `checks` gate on a given commit (the branch strategy waits on the SHA it merged, not the
 * candidate): undefined when the service requires no checks. A GitHub failure is thrown, so the
 * step is retried (transient) or fails with the reason.
 */
export function checksForCommit(d: ChecksForCommitDeps): (p: Promotion, sha: string) => Promise<GateResult | undefined> {
  return async (p, sha) => {
    const service = findService(d.config, p.service);
    if (!service.requiredChecks.length) return undefined;
    return checksGate(service.requiredChecks, await d.commitChecks.observe(p.repo, sha), { sha, ...(d.commitUrl ? { commitUrl: d.commitUrl(p.repo, sha) } : {}) });
  };
}
