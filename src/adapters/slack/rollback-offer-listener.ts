import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from '../../app/logger';
import type { PromotionRepository } from '../../app/ports/promotion-repository';
import type { RequestRollback } from '../../app/request-rollback';
import { mrk } from '../../shared/mrkdwn';
import { ShipgateError } from '../../shared/shipgate-error';
import { ROLLBACK_ACTION } from './blocks/rollback-offer';
import { userMessage } from './user-message';

export interface RollbackOfferDeps {
  rollback: Pick<RequestRollback, 'afterFailedVerification'>;
  repo: Pick<PromotionRepository, 'get'>;
  logger: Logger;
}

/**
 * The **Roll back** button in a failed verification's thread: acks first, then requests the
 * rollback (same rights and approvals as `/rollback`); a second click (by anyone) is told
 * which rollback already exists, so the rollback executes once.
 */
export function registerRollbackOffer(app: App, d: RollbackOfferDeps): void {
  app.action<BlockAction<ButtonAction>>(ROLLBACK_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const id = String(action.value ?? '');
    const log = d.logger.child({ user: body.user.id, promotionId: id, action: 'verify_rollback' });
    const say = (m: ReturnType<typeof mrk>) => respond({ response_type: 'ephemeral', replace_original: false, text: m.text });
    try {
      const failed = await d.repo.get(id);
      if (!failed) throw new ShipgateError('not_found', `No promotion \`${id}\` exists.`);
      const { promotion: r, existing } = await d.rollback.afterFailedVerification(failed, { userId: body.user.id, ...(body.user.name ? { userName: body.user.name } : {}) });
      await say(
        existing
          ? mrk`:information_source: Rollback \`${r.id}\` of ${r.service} in *${r.env}* was already requested (${r.state.replace('_', ' ')}); nothing new was started.`
          : mrk`:rewind: Requested rollback \`${r.id}\`: ${r.service} in *${r.env}* → \`${r.sha?.slice(0, 7) ?? 'unresolved'}\`. The approval message is in the channel.`,
      );
    } catch (e) {
      await say(userMessage(e, log));
    }
  });
}
