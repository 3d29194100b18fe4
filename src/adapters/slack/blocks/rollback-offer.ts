import type { KnownBlock } from '@slack/types';
import { ROLLBACK_OFFER_KEY } from '../../../domain/lifecycle';
import type { Promotion } from '../../../domain/promotion';
import { mrk, type Mrkdwn } from '../../../shared/mrkdwn';
import { mrkdwn, plain } from './block-kit';

/** The Roll back button's action id (its value is the failed promotion's id). */
export const ROLLBACK_ACTION = 'promotion_verify_rollback';

/**
 * Blocks of a thread post that carries buttons: the Roll back offer after a failed
 * verification (its outbox key); every other thread post is text only (undefined).
 */
export function threadPostBlocks(p: Promotion, key: string, text: Mrkdwn): KnownBlock[] | undefined {
  if (key !== ROLLBACK_OFFER_KEY) return undefined;
  return [
    { type: 'section', block_id: 'offer', text: mrkdwn(text) },
    {
      type: 'actions',
      block_id: 'rollback',
      elements: [
        {
          type: 'button',
          action_id: ROLLBACK_ACTION,
          text: plain('Roll back'),
          style: 'danger',
          value: p.id,
          confirm: {
            title: plain('Roll back?'),
            text: mrkdwn(mrk`Roll back ${p.service} in *${p.env}* to what ran before \`${(p.sha ?? '').slice(0, 7)}\`? Approvals are as for \`/rollback\`.`, 300),
            confirm: plain('Roll back'),
            deny: plain('Back'),
            style: 'danger',
          },
        },
      ],
    },
  ];
}
