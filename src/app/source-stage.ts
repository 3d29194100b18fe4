import type { SourceStageEvidence } from '../domain/gates/path-gate';
import type { StageMember } from '../domain/gates/gate-details';
import type { Promotion } from '../domain/promotion';
import type { DeploymentHistory } from './ports/deployment-history';
import type { DeploymentLookup } from './ports/deployment-lookup';

/** Reads what each member of a parallel stage runs, for the path gate of the stage after it. */
export type SourceStageReader = (p: Pick<Promotion, 'service' | 'repo' | 'sha'>, members: readonly string[]) => Promise<SourceStageEvidence>;

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * "The candidate succeeded in member X" the way the soak gate reads it: X's current build in
 * shipgate's deployment history (the latest successful deployment); when shipgate has no
 * record of X, GitHub Deployments (a successful deployment of the candidate to X). Neither
 * readable → throws, and the path gate blocks as "could not be checked" (fail closed).
 */
export function sourceStageReader(history: Pick<DeploymentHistory, 'list'> | undefined, deployments: DeploymentLookup): SourceStageReader {
  return async (p, members) => {
    const out: StageMember[] = [];
    for (const env of members) {
      let historyError: string | undefined;
      if (history) {
        try {
          const current = (await history.list(p.service, env, 50)).find((d) => d.outcome === 'succeeded');
          if (current) {
            // a rollback's record names the build it put back: that is what runs
            out.push({ env, sha: current.sha, reference: current.promotionId });
            continue;
          }
        } catch (e) {
          historyError = reason(e);
        }
      }
      if (!p.sha) {
        out.push({ env });
        continue;
      }
      try {
        const gh = await deployments.lastSuccessful(p.repo, env, p.sha);
        out.push(gh ? { env, sha: gh.sha, reference: `GitHub deployment #${gh.id}` } : { env });
      } catch (e) {
        throw new Error(`what runs in ${env} could not be read (${historyError ? `shipgate history: ${historyError}; ` : ''}GitHub Deployments: ${reason(e)})`);
      }
    }
    return { ...(p.sha ? { candidate: p.sha } : {}), members: out };
  };
}
