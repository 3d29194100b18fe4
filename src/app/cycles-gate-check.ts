import { cyclesGate } from '../domain/gates/cycles-gate';
import { gate } from '../domain/gates/gate-result';
import type { GateCheck } from './gate-evaluator';
import type { CycleRuns } from './ports/cycle-runs';
import type { DeploymentHistory } from './ports/deployment-history';
import type { DeploymentLookup } from './ports/deployment-lookup';
import { findSourceDeployment } from './source-deployment';

export interface CyclesGateDeps {
  /** Without it a `cycles` gate blocks (nothing can count the runs). */
  runs?: CycleRuns;
  deployments: DeploymentLookup;
  history?: Pick<DeploymentHistory, 'list'>;
  /** Zone of the times on the card (config `timezone`). Default UTC. */
  timeZone?: string;
}

/**
 * The `cycles` gate (environments[].cycles): counts the successful runs of the workflow on the
 * candidate SHA since it was deployed in the source environment (see domain/gates/cycles-gate
 * for which runs count and how the next run is estimated). Pending until enough have run;
 * re-checked right before execution, where a pending count waits (woken by the runs'
 * webhooks). Unreadable GitHub blocks (fail closed). Rollbacks are not gated: they restore a
 * build that already ran.
 */
export function cyclesGateCheck(d: CyclesGateDeps): GateCheck {
  return async ({ promotion: p, env, now }) => {
    const cfg = env.cycles;
    if (!cfg) return undefined;
    const { workflow, count } = cfg;
    if (p.kind === 'rollback') return gate('cycles', 'pass', 'cycles_not_for_rollback', `Cycles (${count} × \`${workflow}\`) do not apply to a rollback`, { workflow, count });
    const sha = p.sha;
    if (!sha) return gate('cycles', 'pending', 'cycles_no_candidate', `Cycles (${count} × \`${workflow}\` in \`${p.from}\`) are counted once the candidate commit is resolved`, { workflow, count });
    const base = { sha, from: p.from, workflow, count };
    const unavailable = (error: string) =>
      gate('cycles', 'block', 'cycles_unavailable', `Cycles of \`${workflow}\` on \`${sha.slice(0, 7)}\` in \`${p.from}\` could not be counted (${error})`, { ...base, error });

    const lookup = await findSourceDeployment(d, { service: p.service, repo: p.repo, env: p.from, sha });
    if ('error' in lookup) return unavailable(lookup.error);
    const deployed = lookup.found;
    let runs: Awaited<ReturnType<CycleRuns['successfulRuns']>> = [];
    if (deployed) {
      if (!d.runs) return unavailable('GitHub Actions runs cannot be read here');
      try {
        runs = await d.runs.successfulRuns(p.repo, workflow, sha, deployed.at);
      } catch (e) {
        return unavailable(`GitHub Actions: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return cyclesGate({
      sha,
      from: p.from,
      to: p.env,
      workflow,
      count,
      deployed,
      runs: runs.map((r) => ({ id: r.id, url: r.htmlUrl, createdAt: new Date(r.createdAt), ...(r.runNumber !== undefined ? { runNumber: r.runNumber } : {}) })),
      now,
      timeZone: d.timeZone ?? 'UTC',
    });
  };
}
