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
import { planGate } from '../domain/plan-review';
import { CachedFreezeCalendars } from '../adapters/calendar/cached-freeze-calendars';
import type { FreezeCalendars } from '../app/ports/freeze-calendars';

export interface GateWiring {
  config: ShipgateConfig;
  clock: Clock;
  calendars: FreezeCalendars;
  changes: ChangeManagement;
  github: { commitChecks: CommitChecks; deployments: DeploymentLookup };
  /** shipgate's deployment history; without it soak reads GitHub Deployments only and the redeploy gate is off. */
  history?: DeploymentHistory;
  /** Web URL of a commit, for links in gate summaries (Slack); plain-text output leaves it out. */
  commitUrl?: (repo: string, sha: string) => string;
}

/**
 * Every gate, wired once for the bot (request time and right before execution) and for
 * `shipgate plan`: freeze, ServiceNow (change record honouring an approved emergency override,
 * incidents), GitHub (checks, soak) and redeploy.
 */
export function buildGates(w: GateWiring): GateEvaluator {
  const gates = new GateEvaluator({ config: w.config, clock: w.clock }).register('freeze', freezeGateCheck(w.calendars, w.config));
  registerServiceNowGates(gates, { changes: w.changes, hasEmergencyOverride: (p) => Boolean(p.override?.approvedBy) });
  registerGitHubGates(gates, {
    commitChecks: w.github.commitChecks,
    deployments: w.github.deployments,
    ...(w.history ? { history: w.history } : {}),
    timeZone: w.config.timezone,
    ...(w.commitUrl ? { commitUrl: w.commitUrl } : {}),
  });
  // `plan:`: right before execution, approvals must be for the current plan (domain/plan-review)
  gates.register('plan', async (ctx) => {
    const plan = ctx.env.plan;
    return planGate(ctx.promotion, ctx.phase, Boolean(plan) && ctx.promotion.kind === 'promotion' && (!plan?.services || plan.services.includes(ctx.service.name)));
  });
  return w.history ? gates.register('redeploy', redeployGateCheck(w.history)) : gates;
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
