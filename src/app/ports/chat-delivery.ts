import type { Mrkdwn } from '../../shared/mrkdwn';
import type { Promotion } from '../../domain/promotion';

export interface EvidenceFile {
  filename: string;
  title: string;
  content: string;
}

/**
 * How a promotion's outbox reaches Slack (used only by the delivery job). Every post is
 * tagged so that, after an attempt whose answer was lost, it can be found instead of being
 * posted twice.
 */
export interface ChatDelivery {
  /** Re-renders the approval message in place from the promotion's state (idempotent). */
  show(p: Promotion): Promise<void>;
  /** Posts into the thread, tagged with `key`; returns the message ts. */
  post(p: Promotion, key: string, text: Mrkdwn): Promise<string>;
  /** The ts of the thread message tagged `key`, when Slack has it. */
  find(p: Promotion, key: string): Promise<string | undefined>;
  /** Uploads files into the thread with a comment. */
  upload(p: Promotion, files: EvidenceFile[], comment: Mrkdwn): Promise<void>;
  /** How many thread messages carry a file named `filename` (evidence packs delivered so far). */
  countUploads(p: Promotion, filename: string): Promise<number>;
}
