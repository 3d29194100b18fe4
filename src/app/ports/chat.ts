import type { Mrkdwn } from '../../shared/mrkdwn';
import type { Promotion } from '../../domain/promotion';

/**
 * What the use-cases need from Slack, at the level of the product (rendering is the adapter's
 * job). Every text is `Mrkdwn` (built with `mrk`): what people typed is escaped on the way in,
 * so it can never ping a channel or plant a link. A promotion's thread and the updates of its
 * message are not here: use-cases append them to the promotion's outbox (domain/outbox) in the
 * same atomic update as the change, and the delivery job posts them (ChatDelivery).
 */
export interface Chat {
  /** Posts the one approval message of a promotion; returns its ts. */
  postPromotion(p: Promotion): Promise<string>;
  postEphemeral(channel: string, user: string, text: Mrkdwn): Promise<void>;
  /** A plain channel message (announcements). */
  postToChannel(channel: string, text: Mrkdwn): Promise<void>;
}
