import type { ProtectionRuleEvent } from './protection-rules';

export interface JobQueue {
  /** Evaluate the gates of a newly requested promotion (jobId `eval-<id>`). */
  enqueueEvaluation(promotionId: string): Promise<void>;
  /**
   * Makes sure the promotion's one execution job is alive (jobId `exec-<id>`; adding it twice
   * keeps one); with `delayMs`, it first looks again no earlier than that.
   */
  enqueueExecution(promotionId: string, delayMs?: number): Promise<void>;
  /** Something the execution waits on changed (a webhook): look now instead of at the next poll. */
  wakeExecution(promotionId: string): Promise<void>;
  /** The promotion's thread or message owes Slack something: deliver it (its own job, `chat-<id>`). */
  nudgeChat(promotionId: string): Promise<void>;
  /** Mirror the promotion as a GitHub Deployment (low priority, its own job). */
  enqueueMirror(promotionId: string): Promise<void>;
  /** Answer GitHub's deployment protection rule for a waiting deployment (its own retried job, once per callback). */
  enqueueProtectionAnswer(e: ProtectionRuleEvent): Promise<void>;
  /**
   * Make sure the promotion's plan job is alive (jobId `plan-<id>`: dispatch, follow and read
   * the plan before approval); when it sleeps, look now (a re-plan, a webhook for its run).
   */
  enqueuePlanReview(promotionId: string, delayMs?: number): Promise<void>;
  /** Expire a pending approval after `approvalTimeout` (jobId `expire-<id>`). */
  enqueueExpiry(promotionId: string, delayMs: number): Promise<void>;
}
