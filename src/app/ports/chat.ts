import type { Mrkdwn } from '../../domain/mrkdwn';
import type { Promotion } from '../../domain/promotion';

/**
 * What the use-cases need from Slack, at the level of the product (rendering is the adapter's
 * job). Every text is `Mrkdwn` (built with `mrk`): what people typed is escaped on the way in,
 * so it can never ping a channel or plant a link.
 */
export interface Chat {
  /** Posts the one approval message of a promotion; returns its ts. */
  postPromotion(p: Promotion): Promise<string>;
  /** Re-renders the approval message in place from the promotion's current state. */
  updatePromotion(p: Promotion): Promise<void>;
  /** Posts mrkdwn text into the promotion's thread. */
  postToThread(p: Promotion, text: Mrkdwn): Promise<void>;
  postEphemeral(channel: string, user: string, text: Mrkdwn): Promise<void>;
  /** Uploads files into the promotion's thread (evidence pack). */
  uploadToThread(p: Promotion, files: Array<{ filename: string; title: string; content: string }>, comment: Mrkdwn): Promise<void>;
  /** A plain channel message (announcements). */
  postToChannel(channel: string, text: Mrkdwn): Promise<void>;
}
