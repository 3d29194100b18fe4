import { mrk } from '../../../shared/mrkdwn';
import type { ModalView } from '@slack/types';
import { mrkdwn, plain } from './block-kit';

export const REJECT_CALLBACK = 'promotion_reject_modal';

/** Modal asking for the reason of a rejection; private_metadata carries only the promotion id and origin. */
export function rejectModal(promotionId: string, title: string, origin: { channelId: string; messageTs: string }): ModalView {
  return {
    type: 'modal',
    callback_id: REJECT_CALLBACK,
    private_metadata: JSON.stringify({ id: promotionId, ...origin }),
    title: plain('Reject promotion', 24),
    submit: plain('Reject', 24),
    close: plain('Back', 24),
    blocks: [
      { type: 'section', text: mrkdwn(mrk`Reject *${title}* (\`${promotionId}\`)?`) },
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Reason'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500, placeholder: plain('Why is this promotion rejected?') },
      },
    ],
  };
}
