import type { ShipgateConfig } from '../config/config-schema';
import type { Promotion } from '../domain/promotion';
import { findService } from '../domain/resolve-request';
import type { JobQueue } from './ports/job-queue';
import { withThreadPost } from '../domain/outbox';
import type { PromotionRepository } from './ports/promotion-repository';
import { githubEnvironmentMatches } from './execution/run-steps';
import type { Logger } from './logger';
import { mrk } from '../domain/mrkdwn';

/** Answers GitHub's custom deployment protection rule callback. */
export interface ProtectionRuleCallback {
  answer(callbackUrl: string, environment: string, state: 'approved' | 'rejected', comment: string): Promise<void>;
}

export interface ProtectionRuleEvent {
  repo: string;
  environment: string;
  sha: string;
  callbackUrl: string;
}

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
      repo: Pick<PromotionRepository, 'recent' | 'update'>;
      queue: Pick<JobQueue, 'nudgeChat'>;
      callback: ProtectionRuleCallback;
      clock: { now(): Date };
      logger: Logger;
    },
  ) {}

  /**
   * Answers once. Runs as a job (transient failures are retried); `retried` says an earlier
   * attempt may have been answered already: GitHub then refuses a second answer (422), which
   * means the first one was taken.
   */
  async handle(e: ProtectionRuleEvent, o: { retried?: boolean } = {}): Promise<{ state: 'approved' | 'rejected'; promotion?: Promotion }> {
    const candidates = (await this.d.repo.recent(500)).filter((p) => p.repo === e.repo && (p.state === 'running' || p.state === 'approved'));
    const match = candidates.find((p) => {
      const strategy = findService(this.d.config, p.service).strategy;
      return (p.sha === e.sha || p.evidence.mergeSha === e.sha) && githubEnvironmentMatches(e.environment, p.env, strategy.githubEnvironments);
    });
    const at = this.d.clock.now().toISOString();
    if (match) {
      const who = match.approvals.map((a) => a.userId).join(', ');
      await this.answer(e, 'approved', `Approved in Slack by ${who} (shipgate ${match.id})`, o.retried);
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
      return { state: 'approved', promotion: match };
    }
    await this.answer(e, 'rejected', `No shipgate promotion approved ${e.sha.slice(0, 7)} for ${e.environment}; request it with /promote.`, o.retried);
    this.d.logger.warn({ repo: e.repo, environment: e.environment, sha: e.sha }, 'deployment protection rule: rejected (no approved promotion)');
    return { state: 'rejected' };
  }

  private async answer(e: ProtectionRuleEvent, state: 'approved' | 'rejected', comment: string, retried?: boolean): Promise<void> {
    try {
      await this.d.callback.answer(e.callbackUrl, e.environment, state, comment);
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (retried && status === 422) {
        this.d.logger.info({ environment: e.environment, sha: e.sha }, 'deployment protection rule already answered by an earlier attempt');
        return;
      }
      throw err;
    }
  }
}
