import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PromotionRepository } from '../../app/ports/promotion-repository';
import type { AuditEntry, AuditLog } from '../../app/ports/audit-log';

const OUTCOMES = new Set(['succeeded', 'failed', 'failed_verification', 'rejected', 'cancelled', 'expired', 'gates_blocked', 'blocked_before_execution']);

/** Prometheus metrics of one shipgate process (its own registry, so several can live in one process). */
export class ShipgateMetrics {
  readonly registry = new Registry();
  readonly commands = new Counter({ name: 'shipgate_commands_total', help: 'Slack commands and interactions received', labelNames: ['kind'], registers: [this.registry] });
  readonly promotions = new Counter({ name: 'shipgate_promotions_total', help: 'Promotions and rollbacks by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly gates = new Counter({ name: 'shipgate_gate_results_total', help: 'Gate evaluations by gate and result', labelNames: ['gate', 'status'], registers: [this.registry] });
  readonly githubCalls = new Counter({ name: 'shipgate_github_requests_total', help: 'GitHub REST requests made', labelNames: ['method'], registers: [this.registry] });
  readonly rateLimit = new Gauge({ name: 'shipgate_github_rate_limit_remaining', help: 'x-ratelimit-remaining of the last GitHub response', registers: [this.registry] });
  readonly ack = new Histogram({
    name: 'shipgate_slack_ack_seconds',
    help: 'Time from a Slack request arriving to its HTTP acknowledgement',
    labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
    registers: [this.registry],
  });

  constructor(queueDepth: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'shipgate_process_' });
    new Gauge({
      name: 'shipgate_queue_depth',
      help: 'Jobs waiting, delayed or active in the promotion queue',
      registers: [this.registry],
      async collect() {
        this.set(await queueDepth().catch(() => -1));
      },
    });
  }

  /** Counts outcomes and gate results as they are audited (the audit log is the single source). */
  metered(audit: AuditLog): AuditLog {
    return {
      append: async (e: AuditEntry) => {
        await audit.append(e);
        this.observe(e);
      },
      forPromotion: (id) => audit.forPromotion(id),
    };
  }

  /** Counts the audit entries a promotion update appends in its own atomic step. */
  meteredRepository<R extends Pick<PromotionRepository, 'update'>>(repo: R): R {
    const update: PromotionRepository['update'] = async (id, fn, o) => {
      const r = await repo.update(id, fn, o);
      if (r.changed) for (const e of typeof o?.audit === 'function' ? o.audit(r.promotion) : (o?.audit ?? [])) this.observe(e);
      return r;
    };
    return Object.assign(Object.create(repo) as R, { update });
  }

  private observe(e: AuditEntry): void {
    if (OUTCOMES.has(e.type)) this.promotions.inc({ outcome: e.type === 'gates_blocked' ? 'blocked' : e.type });
    const gates = e.data?.gates;
    if (Array.isArray(gates)) for (const g of gates as Array<{ gate?: string; status?: string }>) this.gates.inc({ gate: String(g.gate), status: String(g.status) });
  }
}
