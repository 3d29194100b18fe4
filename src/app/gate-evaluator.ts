import type { EnvironmentConfig, ServiceConfig, ShipgateConfig } from '../config/config-schema';
import { approvalGateFor } from '../domain/gates/approval-policy';
import { gate, type GatePhase, type GateResult } from '../domain/gates/gate-result';
import { pathGate } from '../domain/gates/path-gate';
import { triggeredPathGate } from '../domain/gates/triggered-path-gate';
import type { Promotion } from '../domain/promotion';
import { findService } from '../domain/resolve-request';
import { ShipgateError } from '../shared/shipgate-error';
import { isTransientError } from '../domain/transient-error';
import type { Clock } from './ports/clock';
import { decideHotfix, type HotfixDecision } from '../domain/hotfix';
import { previousStage } from '../domain/pipeline-stages';
import type { SourceStageReader } from './source-stage';

export type { GatePhase };

export interface GateContext {
  promotion: Promotion;
  service: ServiceConfig;
  env: EnvironmentConfig;
  phase: GatePhase;
  now: Date;
  /** The incident of a hotfix that applies (`hotfix=INC…`): it does not block its own fix. */
  hotfixIncident?: string;
}

/** One gate as the app evaluates it: may call ports, returns data. */
export type GateCheck = (ctx: GateContext) => Promise<GateResult | undefined>;

/** Decides a promotion's `hotfix=INC…` (its incident read from ServiceNow) before the other gates run. */
export type HotfixCheck = (ctx: GateContext, incident: string) => Promise<HotfixDecision>;

export interface GateEvaluatorDeps {
  config: ShipgateConfig;
  clock: Clock;
  /** What each member of a parallel stage runs (the path gate of the stage after it); without it that gate blocks. */
  sourceStage?: SourceStageReader;
  /** `hotfix=INC…`; without it a hotfix is never applied (and says so). */
  hotfix?: HotfixCheck;
}

/**
 * Evaluates every gate for a promotion: at request time (approval may be pending) and again
 * right before execution (everything must pass). A gate that throws is reported as a block
 * ("could not be checked"): fail closed.
 */
export class GateEvaluator {
  private readonly extra: Array<{ name: GateResult['gate']; check: GateCheck }> = [];

  constructor(private readonly d: GateEvaluatorDeps) {}

  register(name: GateResult['gate'], check: GateCheck): this {
    this.extra.push({ name, check });
    return this;
  }

  async evaluate(p: Promotion, phase: GatePhase): Promise<GateResult[]> {
    const service = findService(this.d.config, p.service);
    const env = this.d.config.environments.find((e) => e.name === p.env);
    if (!env) throw new ShipgateError('unknown_environment', `environment ${p.env} is no longer configured`);
    let ctx: GateContext = { promotion: p, service, env, phase, now: this.d.clock.now() };
    const results: GateResult[] = [];
    if (p.kind === 'promotion') results.push(p.origin?.via === 'trigger' ? triggeredPathGate(service, p) : await this.path(p, service));
    results.push(approvalGateFor(this.d.config, env, p));
    if (p.kind === 'promotion' && p.hotfix) {
      // the other gates see the environment with the overrides when (and only when) the hotfix applies
      const decision = this.d.hotfix ? await this.d.hotfix(ctx, p.hotfix) : decideHotfix({ incident: p.hotfix, env, service: service.name });
      results.push(decision.result);
      ctx = { ...ctx, env: decision.env, ...(decision.result.code === 'hotfix_applied' ? { hotfixIncident: p.hotfix } : {}) };
    }
    for (const { name, check } of this.extra) {
      try {
        const r = await check(ctx);
        if (r) results.push(r);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        results.push(gate(name, 'block', 'check_failed', `${name} could not be checked: ${msg}`, { error: msg, transient: isTransientError(e) }));
      }
    }
    return results;
  }

  /** The path gate; after a parallel stage it reads what each member runs (fail closed when that cannot be read). */
  private async path(p: Promotion, service: ServiceConfig): Promise<GateResult> {
    const before = previousStage(service.pipeline, p.env);
    if (before.length < 2 || !before.includes(p.from)) return pathGate(service, p.from, p.env);
    if (!this.d.sourceStage) return pathGate(service, p.from, p.env, { members: [] });
    try {
      return pathGate(service, p.from, p.env, await this.d.sourceStage(p, before));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return gate('path', 'block', 'check_failed', `path could not be checked: ${msg}`, { error: msg, transient: isTransientError(e) });
    }
  }
}
