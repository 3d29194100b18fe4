import { checksGate } from '../domain/gates/checks-gate';
import { gate } from '../domain/gates/gate-result';
import { soakGate, type SoakDeployment } from '../domain/gates/soak-gate';
import { parseDuration } from '../shared/duration';
import type { GateCheck, GateEvaluator } from './gate-evaluator';
import type { CommitChecks } from './ports/commit-checks';
import type { DeploymentHistory } from './ports/deployment-history';
import type { DeploymentLookup } from './ports/deployment-lookup';

/**
 * The GitHub gates as GateChecks for the GateEvaluator (`checks`, `soak`). Both read the
 * candidate SHA the evaluator was given (`promotion.sha`) and fail closed: when GitHub
 * cannot be asked they block and say why. They run at request time and again right
 * before execution.
 *
 * - checks: `services[].requiredChecks` green on the candidate (check runs + statuses);
 *   pending while any is running or not reported yet.
 * - soak: environments with `soak` need the candidate to have run successfully in the
 *   source environment that long: shipgate's own deployment history first, then GitHub
 *   Deployments. Rollbacks are not soaked (they restore a build that already ran).
 */

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface ChecksGateOptions {
  /** Web URL of a commit, for the links in the gate summary. */
  commitUrl?: (repo: string, sha: string) => string;
}

export function checksGateCheck(commitChecks: CommitChecks, opts: ChecksGateOptions = {}): GateCheck {
  return async ({ promotion: p, service }) => {
    const required = service.requiredChecks;
    const sha = p.sha;
    if (!required.length) return checksGate([], { checkRuns: [], statuses: [] }, { sha: sha ?? '' });
    if (!sha) {
      return gate('checks', 'pending', 'checks_no_candidate', `Required checks (${required.join(', ')}) are checked once the candidate commit is resolved`, {
        required,
      });
    }
    const ctx = { sha, ...(opts.commitUrl ? { commitUrl: opts.commitUrl(p.repo, sha) } : {}) };
    try {
      return checksGate(required, await commitChecks.observe(p.repo, sha), ctx);
    } catch (e) {
      return gate('checks', 'block', 'checks_unavailable', `Required checks on \`${sha.slice(0, 7)}\` could not be read from GitHub: ${reason(e)}`, {
        sha,
        required,
        error: reason(e),
      });
    }
  };
}

export interface SoakGateOptions {
  /** Zone the "soak reached at" instant is shown in (config `timezone`). Default UTC. */
  timeZone?: string;
  /** How many history records of the source environment to look through (default 200). */
  historyDepth?: number;
}

export function soakGateCheck(history: Pick<DeploymentHistory, 'list'> | undefined, deployments: DeploymentLookup, opts: SoakGateOptions = {}): GateCheck {
  return async ({ promotion: p, env, now }) => {
    if (!env.soak) return undefined;
    if (p.kind === 'rollback') return gate('soak', 'pass', 'soak_not_for_rollback', `Soak (${env.soak}) does not apply to a rollback`, { soak: env.soak });
    const soakMs = parseDuration(env.soak);
    if (soakMs === undefined) return gate('soak', 'block', 'soak_invalid', `environments.${env.name}.soak "${env.soak}" is not a duration`, { soak: env.soak });
    const sha = p.sha;
    if (!sha)
      return gate('soak', 'pending', 'soak_no_candidate', `Soak (${env.soak} in \`${p.from}\`) is checked once the candidate commit is resolved`, {
        soak: env.soak,
      });

    let deployed: SoakDeployment | undefined;
    let historyError: string | undefined;
    if (history) {
      try {
        const rec = (await history.list(p.service, p.from, opts.historyDepth ?? 200)).find((d) => d.sha === sha && d.outcome === 'succeeded');
        if (rec) deployed = { at: new Date(rec.at), source: 'shipgate', reference: rec.promotionId, ...(rec.runUrl ? { url: rec.runUrl } : {}) };
      } catch (e) {
        historyError = reason(e);
      }
    }
    if (!deployed) {
      try {
        const gh = await deployments.lastSuccessful(p.repo, p.from, sha);
        if (gh) deployed = { at: new Date(gh.at), source: 'github', reference: `#${gh.id}`, ...(gh.url ? { url: gh.url } : {}) };
      } catch (e) {
        const why = historyError ? `shipgate history: ${historyError}; GitHub Deployments: ${reason(e)}` : `GitHub Deployments: ${reason(e)}`;
        return gate('soak', 'block', 'soak_unavailable', `Soak of \`${sha.slice(0, 7)}\` in \`${p.from}\` could not be checked (${why})`, {
          sha,
          soak: env.soak,
          error: why,
        });
      }
    }
    return soakGate({ sha, from: p.from, to: p.env, soak: env.soak, soakMs, deployed, now, timeZone: opts.timeZone ?? 'UTC' });
  };
}

export interface GitHubGateDeps {
  commitChecks: CommitChecks;
  history?: Pick<DeploymentHistory, 'list'>;
  deployments: DeploymentLookup;
  timeZone?: string;
  commitUrl?: (repo: string, sha: string) => string;
}

/** Registers both gates (`checks`, then `soak`). */
export function registerGitHubGates(evaluator: GateEvaluator, d: GitHubGateDeps): GateEvaluator {
  return evaluator
    .register('checks', checksGateCheck(d.commitChecks, d.commitUrl ? { commitUrl: d.commitUrl } : {}))
    .register('soak', soakGateCheck(d.history, d.deployments, d.timeZone ? { timeZone: d.timeZone } : {}));
}
