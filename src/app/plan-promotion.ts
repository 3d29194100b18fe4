import type { ServiceConfig, ShipgateConfig } from '../config/config-schema';
import type { PromoteOptions } from '../domain/command-parser';
import { candidateSha } from '../domain/gates/gate-result';
import { DEFAULT_COMMIT_CAP, discountMerges, emptyDiff, planDiff, type DiffPullRequest, type Plan, type PlanCandidate, type PlanDiff, type PlanDiffBase } from '../domain/plan';
import { requiredApprovals } from '../domain/policy';
import { newPromotion } from '../domain/promotion';
import { resolveTarget } from '../domain/resolve-request';
import { isShipgateError } from '../shared/shipgate-error';
import { resolveCandidate, type ResolvedCandidate } from './evaluate-promotion';
import type { GateEvaluator } from './gate-evaluator';
import type { Clock } from './ports/clock';
import type { DeploymentHistory, DeploymentRecord } from './ports/deployment-history';
import type { SourceCompare } from './ports/source-compare';
import type { WorkflowRuns } from './ports/workflow-runs';
import type { Logger } from './logger';
import { escapeMrkdwn, type MrkdwnText } from '../shared/mrkdwn';

export interface PlanPromotionDeps {
  config: ShipgateConfig;
  clock: Clock;
  github: Pick<WorkflowRuns, 'resolveCommit'>;
  compare: SourceCompare;
  /** shipgate's deployment history; undefined when it cannot be read (the CLI without Redis). */
  history?: Pick<DeploymentHistory, 'list'>;
  /** Evaluates every configured gate (freeze, ServiceNow, checks, soak, …). */
  gates: GateEvaluator;
  logger?: Logger;
  /** Commits listed in the diff (default 20). */
  commitCap?: number;
  /** Parallel `commits/{sha}/pulls` lookups (default 4). */
  pullConcurrency?: number;
}

export interface PlanInput {
  service: string;
  env: string;
  options: PromoteOptions;
  /** Slack user asking (the transient promotion's requester); the CLI leaves it out. */
  userId?: string;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * `/promote plan` and `shipgate plan`: a dry run. Resolves the target and the candidate
 * exactly as a request would (`resolveTarget` + EvaluatePromotion's `resolveCandidate`:
 * `from` = the environment before; workflow strategy: `ref=`, else what runs in `from`, else
 * the strategy's ref; branch strategy: the source branch head), evaluates every gate at request time on
 * a transient promotion (nothing is stored, requested or posted), and lists what would
 * ship: the commits and pull requests between what runs in the target and the candidate.
 */
export class PlanPromotion {
  constructor(private readonly d: PlanPromotionDeps) {}

  async execute(input: PlanInput): Promise<Plan> {
    const { service, env, from } = resolveTarget(this.d.config, input.service, input.env, input.options);
    const now = this.d.clock.now();
    const historyOk = { ok: this.d.history !== undefined };

    const candidateGate = await this.resolveCandidate(service, from.name, env.name, input.options.ref, historyOk);
    const sha = candidateSha(candidateGate);
    const candidate: PlanCandidate = {
      ...(sha ? { sha } : {}),
      ref: String(candidateGate.details?.ref ?? input.options.ref ?? ''),
      source: String((candidateGate.code === 'candidate_resolved' ? candidateGate.details?.source : undefined) ?? ''),
    };

    const p = newPromotion({
      id: `plan-${service.name}-${env.name}`,
      kind: 'promotion',
      service: service.name,
      repo: service.repo,
      from: from.name,
      env: env.name,
      ...(input.options.ref ? { ref: input.options.ref } : {}),
      ...(sha ? { sha } : {}),
      ...(input.options.cr ? { cr: input.options.cr } : {}),
      ...(input.options.reason ? { reason: input.options.reason } : {}),
      ...(input.options.force ? { force: true } : {}),
      ...(input.options.hotfix ? { hotfix: input.options.hotfix } : {}),
      requester: { id: input.userId ?? 'shipgate-plan' },
      channel: '',
      at: now,
      requiredApprovals: requiredApprovals(env),
    });

    const [gates, diff] = await Promise.all([this.d.gates.evaluate(p, 'request'), this.diff(service, env.name, sha, historyOk)]);
    return {
      service: service.name,
      repo: service.repo,
      env: env.name,
      from: from.name,
      candidate,
      gates: [candidateGate, ...gates],
      diff,
      history: historyOk.ok ? 'used' : 'unavailable',
      at: now.toISOString(),
    };
  }

  /** The latest successful deployment recorded by shipgate, or undefined (history unreadable → flag it). */
  private async lastSucceeded(service: string, env: string, historyOk: { ok: boolean }, limit = 20): Promise<DeploymentRecord | undefined> {
    if (!this.d.history || !historyOk.ok) return undefined;
    try {
      return (await this.d.history.list(service, env, limit)).find((r) => r.outcome === 'succeeded');
    } catch (e) {
      historyOk.ok = false;
      this.d.logger?.warn({ err: e }, 'deployment history unavailable for plan');
      return undefined;
    }
  }

  /**
   * Exactly the resolution a request gets (EvaluatePromotion's `resolveCandidate`); a history
   * that cannot be read counts as empty (and is flagged), and a failure keeps the error code
   * of the GitHub call so the CLI can tell a missing ref from GitHub being unusable.
   */
  private async resolveCandidate(service: ServiceConfig, from: string, env: string, requested: string | undefined, historyOk: { ok: boolean }): Promise<ResolvedCandidate> {
    let lastError: unknown;
    const github = {
      resolveCommit: async (repo: string, ref: string): Promise<string> => {
        try {
          return await this.d.github.resolveCommit(repo, ref);
        } catch (e) {
          lastError = e;
          throw e;
        }
      },
    };
    const history = {
      list: async (svc: string, env: string, limit?: number) => {
        const last = await this.lastSucceeded(svc, env, historyOk, limit);
        return last ? [last] : [];
      },
    };
    const result = await resolveCandidate({ service: service.name, repo: service.repo, from, env, ...(requested ? { ref: requested } : {}) }, service, {
      github,
      history,
    });
    // a block after a failed GitHub call is `candidate_not_found` (resolveCandidate's catch)
    if (result.code === 'candidate_not_found' && result.status === 'block' && lastError !== undefined) {
      return { ...result, details: { ...result.details, errorCode: isShipgateError(lastError) ? lastError.code : 'internal' } };
    }
    if (result.code === 'candidate_resolved' && result.status === 'pass' && !historyOk.ok && result.details && typeof result.details.source === 'string') {
      const was = result.details.source;
      const source = was.replace(/ \(no deployment of .* recorded by shipgate yet\)$/, " (shipgate's deployment history was not available)");
      // the summary shows the source as text (escaped): replace it as markup, escaped the same way
      const summary = result.summary.replace(escapeMrkdwn(was), escapeMrkdwn(source)) as MrkdwnText;
      return { ...result, summary, details: { ...result.details, source } };
    }
    return result;
  }

  /** What runs in the target: shipgate's last successful deployment, else the target branch head (branch strategy). */
  private async targetBase(service: ServiceConfig, env: string, historyOk: { ok: boolean }): Promise<PlanDiffBase | { none: string }> {
    const last = await this.lastSucceeded(service.name, env, historyOk);
    if (last) return { sha: last.sha, source: `running in ${env} (${last.promotionId}, ${last.at.slice(0, 16).replace('T', ' ')} UTC)` };
    if (service.strategy.type === 'branch') {
      const branch = service.strategy.branches[env] ?? env;
      try {
        return { sha: await this.d.github.resolveCommit(service.repo, branch), source: `head of \`${branch}\`` };
      } catch (e) {
        return { none: `the target branch \`${branch}\` could not be resolved (${reason(e)})` };
      }
    }
    return {
      none: historyOk.ok
        ? `shipgate has no successful deployment of ${service.name} in ${env} yet, so there is nothing to compare with`
        : `shipgate's deployment history was not available, so what runs in ${env} is unknown`,
    };
  }

  private async diff(service: ServiceConfig, env: string, sha: string | undefined, historyOk: { ok: boolean }): Promise<PlanDiff> {
    if (!sha) return emptyDiff('', 'no candidate commit: nothing to compare');
    const base = await this.targetBase(service, env, historyOk);
    if ('none' in base) return emptyDiff(sha, base.none);
    try {
      let comparison = await this.d.compare.compare(service.repo, base.sha, sha);
      if (comparison.status === 'behind' || comparison.status === 'diverged') {
        // what the target has that the candidate lacks: merge commits of earlier promotions do not count
        const behind = await this.d.compare.compare(service.repo, sha, base.sha).catch((e: unknown) => {
          this.d.logger?.warn({ err: e }, 'could not list the commits only the target has');
          return undefined;
        });
        if (behind) comparison = discountMerges(comparison, behind);
      }
      const cap = this.d.commitCap ?? DEFAULT_COMMIT_CAP;
      const listed = [...comparison.commits].reverse().slice(0, cap);
      const pulls = new Map<string, DiffPullRequest[]>();
      let pullError: string | undefined;
      await mapLimit(listed, this.d.pullConcurrency ?? 4, async (c) => {
        try {
          pulls.set(c.sha, await this.d.compare.pullsForCommit(service.repo, c.sha));
        } catch (e) {
          pullError ??= reason(e);
        }
      });
      const diff = planDiff(base, { ...comparison, head: sha }, pulls, cap);
      return pullError ? { ...diff, note: [diff.note, `some pull requests could not be listed: ${pullError}`].filter(Boolean).join('; ') } : diff;
    } catch (e) {
      return emptyDiff(sha, `the commits could not be compared: ${reason(e)}`, base);
    }
  }
}
