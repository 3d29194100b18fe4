import type { Promotion } from '../../domain/promotion';
import type { Mrkdwn } from '../../shared/mrkdwn';

/** What shipgate does by itself after a stage ends (wired in the composition root: app/auto-promote, app/request-rollback). */
export interface LifecycleHooks {
  /** `promote: auto|request` of the next stage: opens its promotion once (the id is derived from `p`'s). */
  openNextStage(p: Promotion): Promise<{ env?: string; promotionId?: string }>;
  /** `onFailure: rollback`: requests (and, approved by shipgate, executes) the rollback of `p`, once. */
  rollbackAfterVerification(p: Promotion): Promise<{ rollbackId: string }>;
  /** Tells `announce.channel` (when set). */
  announce(text: Mrkdwn): Promise<void>;
}
