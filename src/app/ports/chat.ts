import type { Promotion } from '../../domain/promotion';

/** What the use-cases need from Slack, at the level of the product (rendering is the adapter's job). */
export interface Chat {
  /** Posts the one approval message of a promotion; returns its ts. */
  postPromotion(p: Promotion): Promise<string>;
  /** Re-renders the approval message in place from the promotion's current state. */
  updatePromotion(p: Promotion): Promise<void>;
  /** Posts mrkdwn text into the promotion's thread. */
  postToThread(p: Promotion, text: string): Promise<void>;
  postEphemeral(channel: string, user: string, text: string): Promise<void>;
  /** Uploads files into the promotion's thread (evidence pack). */
  uploadToThread(p: Promotion, files: Array<{ filename: string; title: string; content: string }>, comment: string): Promise<void>;
  /** A plain channel message (announcements). */
  postToChannel(channel: string, text: string): Promise<void>;
}
