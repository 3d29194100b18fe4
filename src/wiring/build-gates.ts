import type { ShipgateConfig } from '../config/config-schema';
import type { Logger } from '../app/logger';
import type { Clock } from '../app/ports/clock';
import type { ChangeManagement } from '../app/ports/change-management';
import type { CommitChecks } from '../app/ports/commit-checks';
import type { DeploymentHistory } from '../app/ports/deployment-history';
import type { DeploymentLookup } from '../app/ports/deployment-lookup';
import { GateEvaluator } from '../app/gate-evaluator';
import { freezeGateCheck } from '../app/freeze-gate-check';
import { registerServiceNowGates } from '../app/servicenow-gates';
import { registerGitHubGates } from '../app/github-gates';
import { redeployGateCheck } from '../app/redeploy-gate-check';
import { databricksJobGateCheck } from '../app/databricks-job-gate-check';
import type { DatabricksJobs } from '../app/ports/databricks-jobs';
import { verifiedSourceCheck } from '../app/verified-source-check';
import { planGate } from '../domain/plan-review';
import { CachedFreezeCalendars } from '../adapters/calendar/cached-freeze-calendars';
import type { FreezeCalendars } from '../app/ports/freeze-calendars';
import type { CycleRuns } from '../app/ports/cycle-runs';
import type { MetricQueries } from '../app/ports/metric-queries';
import { cyclesGateCheck } from '../app/cycles-gate-check';
import { metricsGateCheck } from '../app/metrics-gate-check';
import type { IncidentLookup } from '../app/ports/incident-lookup';
import { hotfixCheck } from '../app/hotfix-check';
import { sourceStageReader } from '../app/source-stage';

export interface GateWiring {
  config: ShipgateConfig;
  clock: Clock;
  calendars: FreezeCalendars;
  changes: ChangeManagement;
  github: { commitChecks: CommitChecks; deployments: DeploymentLookup; cycleRuns?: CycleRuns };
  /** Prometheus (PROMETHEUS_URL); without it a `metrics` gate blocks saying so. */
  prometheus?: MetricQueries | undefined;
  /** Incidents by number for `hotfix=INC…`; without it a hotfix is never applied (and says so). */
  incidents?: IncidentLookup;
  /** shipgate's deployment history; without it soak reads GitHub Deployments only and the redeploy gate is off. */
  history?: DeploymentHistory;
  /** Web URL of a commit, for links in gate summaries (Slack); plain-text output leaves it out. */
  commitUrl?: (repo: string, sha: string) => string;
  /** The databricks strategy's job lookup (DATABRICKS_HOST / DATABRICKS_TOKEN); without it a databricks service is blocked. */
  databricksJobs?: Pick<DatabricksJobs, 'jobsNamed'>;
}

/**
 * Every gate, wired once for the bot (request time and right before execution) and for
 * `shipgate plan`: freeze, ServiceNow (change record honouring an approved emergency override,
 * incidents), GitHub (checks, soak, cycles), Prometheus (metrics) and redeploy.
 */
export function buildGates(w: GateWiring): GateEvaluator {
  const gates = new GateEvaluator({
    config: w.config,
    clock: w.clock,
    sourceStage: sourceStageReader(w.history, w.github.deployments),
    ...(w.incidents ? { hotfix: hotfixCheck(w.incidents) } : {}),
  }).register('freeze', freezeGateCheck(w.calendars, w.config));
  registerServiceNowGates(gates, { changes: w.changes, hasEmergencyOverride: (p) => Boolean(p.override?.approvedBy) });
  registerGitHubGates(gates, {
    commitChecks: w.github.commitChecks,
    deployments: w.github.deployments,
    ...(w.history ? { history: w.history } : {}),
    timeZone: w.config.timezone,
    ...(w.commitUrl ? { commitUrl: w.commitUrl } : {}),
  });
  gates
    .register(
      'cycles',
      cyclesGateCheck({ ...(w.github.cycleRuns ? { runs: w.github.cycleRuns } : {}), deployments: w.github.deployments, ...(w.history ? { history: w.history } : {}), timeZone: w.config.timezone }),
    )
    .register('metrics', metricsGateCheck(w.prometheus));
  if (w.config.services.some((s) => s.strategy.type === 'databricks')) gates.register('databricksJob', databricksJobGateCheck(w.databricksJobs));
  // `plan:`: right before execution, approvals must be for the current plan (domain/plan-review)
  gates.register('plan', async (ctx) => {
    const plan = ctx.env.plan;
    return planGate(ctx.promotion, ctx.phase, Boolean(plan) && ctx.promotion.kind === 'promotion' && (!plan?.services || plan.services.includes(ctx.service.name)));
  });
  return w.history ? gates.register('redeploy', redeployGateCheck(w.history)).register('path', verifiedSourceCheck(w.config, w.history)) : gates;
}

/**
 * The freeze calendar (config rules, ICS sources, ServiceNow blackout schedules), cached. Without
 * `blackouts` a `servicenowBlackout` rule is reported as not evaluated (and the gate fails closed).
 */
export function buildFreezeCalendars(
  config: ShipgateConfig,
  baseDir: string,
  d: { clock: Clock; logger: Logger; blackouts?: Pick<ChangeManagement, 'blackoutSpans'> },
): CachedFreezeCalendars {
  const blackouts = d.blackouts;
  return new CachedFreezeCalendars(config, baseDir, d.clock, d.logger, blackouts ? { blackoutSource: (name) => blackouts.blackoutSpans(name) } : {});
}
