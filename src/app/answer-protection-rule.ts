import type { ShipgateConfig } from '../config/config-schema';
import type { Promotion } from '../domain/promotion';
import { findService } from '../domain/resolve-request';
import type { JobQueue } from './ports/job-queue';
import { withThreadPost } from '../domain/outbox';
import type { PromotionRepository } from './ports/promotion-repository';
import { githubEnvironmentMatches } from '../domain/github-environment';
import type { ProtectionAttempt, ProtectionDecision, ProtectionRuleCallback, ProtectionRuleEvent } from './ports/protection-rules';
import type { Logger } from './logger';
import { mrk } from '../shared/mrkdwn';

export type { ProtectionAttempt, ProtectionDecision, ProtectionRuleCallback, ProtectionRuleEvent } from './ports/protection-rules';

/**
 * shipgate as a custom deployment protection rule: a deployment to a protected GitHub
 * Environment is approved only when a shipgate promotion executing right now was approved
 * in Slack for exactly that environment and SHA; anything else is rejected, so no runner
 * sits waiting and the Slack approval is the real gate.
 */
export class AnswerProtectionRule {
  constructor(
    private readonly d: {
      config: ShipgateConfig;
      repo: Pick<PromotionRepository, 'recent' | 'get' | 'update'>;
      queue: Pick<JobQueue, 'nudgeChat'>;
      callback: ProtectionRuleCallback;
      clock: { now(): Date };
      logger: Logger;
    },
  ) {}

  /**
   * Answers once. Runs as a job (transient failures are retried). The decision is recorded
   * with the job before GitHub is called, so a retry gives the same answer even when the
   * promotion moved on meanwhile (GitHub applied the approval, answered 502, and the deploy
   * ran and finished before the retry). GitHub refuses a second answer (422): after an
   * earlier attempt that means the first one was taken.
   */
  async handle(e: ProtectionRuleEvent, o: ProtectionAttempt = {}): Promise<{ state: 'approved' | 'rejected'; promotion?: Promotion }> {
    const earlier = o.decided;
    const retried = Boolean(o.retried || earlier);
    const decision = earlier ?? (await this.decide(e));
    if (!earlier) await o.remember?.(decision);
    const match = decision.promotionId ? await this.d.repo.get(decision.promotionId) : undefined;
    if (decision.state === 'approved' && match) {
      // only a promotion still executing is approved; if it ended meanwhile, GitHub either took the
      // earlier approval (it refuses this answer with 422) or never got it (then rejecting is right)
      const live = match.state === 'running' || match.state === 'approved';
      const who = match.approvals.map((a) => a.userId).join(', ');
      const sent = live
        ? await this.answer(e, 'approved', `Approved in Slack by ${who} (shipgate ${match.id})`, retried)
        : await this.answer(e, 'rejected', `shipgate ${match.id} is no longer executing (${match.state}).`, retried);
      if (!live && sent === 'applied') {
        this.d.logger.warn({ promotionId: match.id, environment: e.environment, sha: e.sha, state: match.state }, 'deployment protection rule: rejected (the promotion ended before the answer)');
        return { state: 'rejected', promotion: match };
      }
      await this.recordApproval(e, match);
      return { state: 'approved', promotion: match };
    }
    await this.answer(e, 'rejected', `No shipgate promotion approved ${e.sha.slice(0, 7)} for ${e.environment}; request it with /promote.`, retried);
    this.d.logger.warn({ repo: e.repo, environment: e.environment, sha: e.sha }, 'deployment protection rule: rejected (no approved promotion)');
    return { state: 'rejected' };
  }

  /** Approved only for a promotion executing (or about to) that was approved in Slack for this environment and SHA. */
  private async decide(e: ProtectionRuleEvent): Promise<ProtectionDecision> {
    const candidates = (await this.d.repo.recent(500)).filter((p) => p.repo === e.repo && (p.state === 'running' || p.state === 'approved'));
    const match = candidates.find((p) => {
      const strategy = findService(this.d.config, p.service).strategy;
      return (p.sha === e.sha || p.evidence.mergeSha === e.sha) && githubEnvironmentMatches(e.environment, p.env, strategy.type === 'databricks' ? {} : strategy.githubEnvironments);
    });
    return match ? { state: 'approved', promotionId: match.id } : { state: 'rejected' };
  }

  /** The approval in the promotion's thread and audit, once (a retried job finds its post). */
  private async recordApproval(e: ProtectionRuleEvent, match: Promotion): Promise<void> {
    const at = this.d.clock.now().toISOString();
    const key = `protection:${e.environment}:${e.sha}`;
    const { changed } = await this.d.repo.update(
      match.id,
      (cur) =>
        cur.outbox?.some((i) => i.key === key)
          ? undefined
          : withThreadPost(cur, key, mrk`:white_check_mark: Answered GitHub's deployment protection rule for *${e.environment}* at \`${e.sha.slice(0, 7)}\`: approved (as approved in Slack).`, this.d.clock.now()),
      { audit: [{ at, promotionId: match.id, type: 'protection_rule_approved', data: { environment: e.environment, sha: e.sha } }] },
    );
    if (changed) await this.d.queue.nudgeChat(match.id);
  }

  /** `applied`: GitHub took this answer; `earlier`: it refused it (422) because an earlier attempt's answer was taken. */
  private async answer(e: ProtectionRuleEvent, state: 'approved' | 'rejected', comment: string, retried: boolean): Promise<'applied' | 'earlier'> {
    try {
      await this.d.callback.answer(e.callbackUrl, e.environment, state, comment);
      return 'applied';
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (retried && status === 422) {
        this.d.logger.info({ environment: e.environment, sha: e.sha }, 'deployment protection rule already answered by an earlier attempt');
        return 'earlier';
      }
      throw err;
    }
  }
}
