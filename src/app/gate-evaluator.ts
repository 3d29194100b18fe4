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

export type { GatePhase };

export interface GateContext {
  promotion: Promotion;
  service: ServiceConfig;
  env: EnvironmentConfig;
  phase: GatePhase;
  now: Date;
}

/** One gate as the app evaluates it: may call ports, returns data. */
export type GateCheck = (ctx: GateContext) => Promise<GateResult | undefined>;

/**
 * Evaluates every gate for a promotion: at request time (approval may be pending) and again
 * right before execution (everything must pass). A gate that throws is reported as a block
 * ("could not be checked"): fail closed.
 */
export class GateEvaluator {
  private readonly extra: Array<{ name: GateResult['gate']; check: GateCheck }> = [];

  constructor(private readonly d: { config: ShipgateConfig; clock: Clock }) {}

  register(name: GateResult['gate'], check: GateCheck): this {
    this.extra.push({ name, check });
    return this;
  }

  async evaluate(p: Promotion, phase: GatePhase): Promise<GateResult[]> {
    const service = findService(this.d.config, p.service);
    const env = this.d.config.environments.find((e) => e.name === p.env);
    if (!env) throw new ShipgateError('unknown_environment', `environment ${p.env} is no longer configured`);
    const ctx: GateContext = { promotion: p, service, env, phase, now: this.d.clock.now() };
    const results: GateResult[] = [];
    if (p.kind === 'promotion') results.push(p.origin?.via === 'trigger' ? triggeredPathGate(service, p) : pathGate(service, p.from, p.env));
    results.push(approvalGateFor(this.d.config, env, p));
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
}
