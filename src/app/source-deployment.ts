import type { DeploymentHistory } from './ports/deployment-history';
import type { DeploymentLookup } from './ports/deployment-lookup';

/** When and where the candidate was last deployed successfully in an environment. */
export interface SourceDeployment {
  at: Date;
  source: 'shipgate' | 'github';
  /** Promotion id (shipgate) or `#<deployment id>` (GitHub). */
  reference: string;
  url?: string;
}

export type SourceDeploymentLookup = { found: SourceDeployment | undefined } | { error: string };

/**
 * The most recent successful deployment of `sha` in `env`, found as the soak gate finds it:
 * shipgate's own history first (the newest `historyDepth` records), then GitHub Deployments.
 * Unreadable → `error` naming what failed (the caller blocks: fail closed). A history that
 * cannot be read while GitHub answers is not an error (GitHub decides).
 */
export async function findSourceDeployment(
  d: { history?: Pick<DeploymentHistory, 'list'> | undefined; deployments: DeploymentLookup },
  q: { service: string; repo: string; env: string; sha: string; historyDepth?: number },
): Promise<SourceDeploymentLookup> {
  let historyError: string | undefined;
  if (d.history) {
    try {
      const rec = (await d.history.list(q.service, q.env, q.historyDepth ?? 200)).find((x) => x.sha === q.sha && x.outcome === 'succeeded');
      if (rec) return { found: { at: new Date(rec.at), source: 'shipgate', reference: rec.promotionId, ...(rec.runUrl ? { url: rec.runUrl } : {}) } };
    } catch (e) {
      historyError = e instanceof Error ? e.message : String(e);
    }
  }
  try {
    const gh = await d.deployments.lastSuccessful(q.repo, q.env, q.sha);
    return { found: gh ? { at: new Date(gh.at), source: 'github', reference: `#${gh.id}`, ...(gh.url ? { url: gh.url } : {}) } : undefined };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { error: historyError ? `shipgate history: ${historyError}; GitHub Deployments: ${msg}` : `GitHub Deployments: ${msg}` };
  }
}
