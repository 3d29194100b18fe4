import type { ServiceConfig, ShipgateConfig } from '../config/config-schema';
import { displayStage, previousStage } from '../domain/pipeline-stages';
import { candidateSha, gate, gatesAllow, type GateResult, type GateResultFor } from '../domain/gates/gate-result';
import { transition, type Promotion } from '../domain/promotion';
import { withThreadPost } from '../domain/outbox';
import { defaultSourceRef, findService } from '../domain/resolve-request';
import type { GateEvaluator } from './gate-evaluator';
import type { AuditLog } from './ports/audit-log';
import type { Clock } from './ports/clock';
import type { DeploymentHistory } from './ports/deployment-history';
import type { PromotionRepository } from './ports/promotion-repository';
import type { WorkflowRuns } from './ports/workflow-runs';
import type { Logger } from './logger';
import type { JobQueue } from './ports/job-queue';
import { withFirstPlan } from './plan-review/request-plan';
import { fromStored, joinMd, mrk, stored, type Mrkdwn, type MrkdwnText } from '../shared/mrkdwn';

export interface EvaluatePromotionDeps {
  config: ShipgateConfig;
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  github: Pick<WorkflowRuns, 'resolveCommit'>;
  history: Pick<DeploymentHistory, 'list'>;
  gates: GateEvaluator;
  logger: Logger;
  /** Schedules the expiry of a pending approval (`approvalTimeout`). */
  queue?: Pick<JobQueue, 'enqueueExpiry' | 'nudgeChat' | 'enqueuePlanReview'>;
  /** `changeRecord: create`: opens (or finds, idempotently) the promotion's change; returns its number and a thread message. */
  createChange?: (p: Promotion, service: ServiceConfig) => Promise<{ cr?: string; message?: MrkdwnText }>;
  /** Commits between two SHAs (what a rollback removes). */
  commitsBetween?: (repo: string, base: string, head: string) => Promise<Array<{ sha: string; message: string; author: string }>>;
}

/** A thread message (`:warning: …`) as a gate summary: without its leading icon. */
function withoutIcon(m: Mrkdwn): Mrkdwn {
  const t = stored(m);
  return t.startsWith(':warning: ') ? fromStored(t.slice(':warning: '.length) as MrkdwnText) : m;
}

/** Worker side of a request: resolves the candidate SHA, evaluates every gate, shows the result. */
export class EvaluatePromotion {
  constructor(private readonly d: EvaluatePromotionDeps) {}

  async execute(id: string): Promise<Promotion | undefined> {
    const p = await this.d.repo.get(id);
    if (!p || p.state !== 'requested') {
      // a retried evaluation whose first attempt stored the gates but died before its plan job was queued
      if (p?.state === 'awaiting_approval' && (p.planReview?.status === 'dispatching' || p.planReview?.status === 'running')) await this.d.queue?.enqueuePlanReview(id);
      return p;
    }
    const log = this.d.logger.child({ promotionId: p.id, service: p.service, env: p.env });
    const service = findService(this.d.config, p.service);

    const shaGate = p.kind === 'rollback' ? await this.rollbackCandidate(p) : await this.resolveCandidate(p, service);
    const sha = candidateSha(shaGate);
    let withSha: Promotion = sha ? { ...p, sha, evidence: { ...p.evidence, sha } } : p;
    // create mode: open the change first (once: it is found again by the promotion id on a retry)
    const envCfg = this.d.config.environments.find((e) => e.name === p.env);
    let createFailed: Mrkdwn | undefined;
    if (envCfg?.changeRecord === 'create' && !p.cr && sha && this.d.createChange) {
      const created = await this.d.createChange(withSha, service);
      if (!created.cr) createFailed = created.message ? fromStored(created.message) : mrk`the change could not be opened`;
      const at = this.d.clock.now();
      const message = created.message;
      const { promotion: withCr, changed } = await this.d.repo.update(
        id,
        (cur) => {
          const next = created.cr ? { ...cur, cr: created.cr } : cur;
          return message ? withThreadPost(next, `change:${created.cr ?? 'failed'}`, fromStored(message), at) : created.cr ? next : undefined;
        },
        { audit: created.cr ? [{ at: at.toISOString(), promotionId: id, type: 'change_created', data: { cr: created.cr } }] : [] },
      );
      if (changed) await this.d.queue?.nudgeChat(id);
      if (created.cr) withSha = { ...withSha, cr: withCr.cr };
    }
    const results: GateResult[] = [shaGate, ...(await this.d.gates.evaluate(withSha, 'request'))].map((r) =>
      createFailed && r.gate === 'changeRecord' ? gate('changeRecord', 'block', 'cr_create_failed', withoutIcon(createFailed), {}) : r,
    );
    const now = this.d.clock.now();
    const ok = gatesAllow(results, 'request');
    const blockers = results.filter((r) => r.status === 'block');
    const { promotion, changed } = await this.d.repo.update(
      id,
      (cur) => {
        if (cur.state !== 'requested') return undefined;
        const next = {
          ...cur,
          ...(sha ? { sha, evidence: { ...cur.evidence, sha } } : {}),
          ...(withSha.cr ? { cr: withSha.cr } : {}),
          gates: results,
          gatesEvaluatedAt: now.toISOString(),
        };
        return ok
          ? withFirstPlan(this.d.config, transition(next, { type: 'gates_passed' }, now), now)
          : transition(
              next,
              {
                type: 'gates_blocked',
                reason: joinMd(
                  blockers.map((b) => fromStored(b.summary)),
                  '; ',
                ),
              },
              now,
            );
      },
      {
        audit: [
          {
            at: now.toISOString(),
            promotionId: id,
            type: ok ? 'gates_passed' : 'gates_blocked',
            data: { sha, gates: results.map((r) => ({ gate: r.gate, status: r.status, code: r.code, summary: r.summary })) },
          },
        ],
      },
    );
    if (!changed) return promotion;
    await this.d.queue?.nudgeChat(id);
    if (promotion.planReview?.status === 'dispatching') await this.d.queue?.enqueuePlanReview(id);
    if (promotion.state === 'awaiting_approval' && promotion.expiresAt && this.d.queue) {
      await this.d.queue.enqueueExpiry(id, Date.parse(promotion.expiresAt) - now.getTime());
    }
    log.info({ state: promotion.state, sha }, 'gates evaluated');
    return promotion;
  }

  /** A rollback's target is fixed at request time; show what it removes before anyone approves. */
  private async rollbackCandidate(p: Promotion): Promise<GateResultFor<'candidate', 'rollback_target' | 'candidate_not_found'>> {
    const r = p.rollback;
    if (!p.sha || !r) return gate('candidate', 'block', 'candidate_not_found', 'rollback target missing');
    try {
      await this.d.github.resolveCommit(p.repo, p.sha);
    } catch (e) {
      return gate(
        'candidate',
        'block',
        'candidate_not_found',
        `The rollback target \`${p.sha.slice(0, 7)}\` is not in ${p.repo}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    let removed: Array<{ sha: string; message: string; author: string }> = [];
    if (this.d.commitsBetween) {
      removed = await this.d.commitsBetween(p.repo, p.sha, r.currentSha).catch(() => []);
      await this.d.repo.update(p.id, (cur) => (cur.rollback ? { ...cur, rollback: { ...cur.rollback, commitsRemoved: removed } } : undefined));
    }
    const list =
      removed
        .slice(0, 10)
        .map((c) => `\n    ◦ \`${c.sha.slice(0, 7)}\` ${c.message} (${c.author})`)
        .join('') + (removed.length > 10 ? `\n    ◦ … and ${removed.length - 10} more` : '');
    // commit messages and authors are text: the whole summary is plain (escaped by gate())
    return gate(
      'candidate',
      'pass',
      'rollback_target',
      `Rollback \`${r.currentSha.slice(0, 7)}\` → \`${p.sha.slice(0, 7)}\` (${r.targetPromotionId}), removing ${removed.length} commit${removed.length === 1 ? '' : 's'}:${list}`,
      {
        sha: p.sha,
        current: r.currentSha,
        removed: removed.length,
      },
    );
  }

  private async resolveCandidate(p: Promotion, service: ServiceConfig): Promise<ResolvedCandidate> {
    return resolveCandidate(p, service, this.d);
  }
}

/** What `resolveCandidate` decides: the candidate, or why there is none. */
export type ResolvedCandidate = GateResultFor<'candidate', 'candidate_resolved' | 'ref_not_branch_head' | 'candidate_not_found'>;

/**
 * The candidate SHA of a promotion. Workflow strategy: `ref=`, else what shipgate last
 * deployed successfully in `from`, else the head of the strategy's ref. Branch strategy:
 * the head of the source branch (that is what a PR merges); a `ref=` must match it. After a
 * parallel stage: the SHA every member runs when they agree, else what runs in `from` (the
 * path gate then blocks, naming what each member runs).
 */
export async function resolveCandidate(
  p: Pick<Promotion, 'ref' | 'repo' | 'service' | 'from'> & Partial<Pick<Promotion, 'env'>>,
  service: ServiceConfig,
  d: { github: Pick<WorkflowRuns, 'resolveCommit'>; history: Pick<DeploymentHistory, 'list'> },
): Promise<ResolvedCandidate> {
  const resolve = async (ref: string) => d.github.resolveCommit(p.repo, ref);
  try {
    if (service.strategy.type === 'branch') {
      const branch = defaultSourceRef(service, p.from);
      const head = await resolve(branch);
      if (p.ref) {
        const wanted = await resolve(p.ref);
        if (wanted !== head) {
          return gate(
            'candidate',
            'block',
            'ref_not_branch_head',
            `\`ref=${p.ref}\` is \`${wanted.slice(0, 7)}\`, but a branch promotion merges the head of \`${branch}\` (\`${head.slice(0, 7)}\`); omit ref= or promote that head`,
            {
              ref: p.ref,
            },
          );
        }
      }
      return gate('candidate', 'pass', 'candidate_resolved', `Candidate \`${head.slice(0, 7)}\` = head of \`${branch}\``, {
        sha: head,
        ref: branch,
        source: `head of ${branch}`,
      });
    }
    let ref = p.ref;
    let source = 'ref=';
    const members = p.env ? previousStage(service.pipeline, p.env) : [];
    if (!ref && members.length > 1 && members.includes(p.from)) {
      const current = await Promise.all(members.map(async (m) => (await d.history.list(p.service, m, 20)).find((x) => x.outcome === 'succeeded')));
      const shas = new Set(current.map((c) => c?.sha));
      const agreed = current[0];
      if (shas.size === 1 && agreed) {
        ref = agreed.sha;
        source = `running in every member of ${displayStage(members)}`;
      }
    }
    if (!ref) {
      const last = (await d.history.list(p.service, p.from, 20)).find((x) => x.outcome === 'succeeded');
      if (last) {
        ref = last.sha;
        source = `running in ${p.from} (${last.promotionId})`;
      } else {
        ref = defaultSourceRef(service, p.from);
        source = `head of \`${ref}\` (no deployment of ${p.from} recorded by shipgate yet)`;
      }
    }
    const sha = await resolve(ref);
    return gate('candidate', 'pass', 'candidate_resolved', `Candidate \`${sha.slice(0, 7)}\` from ${source}`, { sha, ref, source });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return gate('candidate', 'block', 'candidate_not_found', `Cannot resolve the candidate in ${p.repo}: ${msg}`, { ref: p.ref });
  }
}
