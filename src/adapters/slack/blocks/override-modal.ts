import { mrk, type Mrkdwn } from '../../../shared/mrkdwn';
import type { ModalView } from '@slack/types';
import { mrkdwn, plain } from './block-kit';

export const OVERRIDE_CALLBACK = 'promotion_override_modal';

/** Emergency override form (SPEC §2): justification, rollback plan, on-call engineer. */
export function overrideModal(promotionId: string, title: string, freezeSummary: Mrkdwn, req: { rollbackPlan: boolean; onCall: boolean }): ModalView {
  return {
    type: 'modal',
    callback_id: OVERRIDE_CALLBACK,
    private_metadata: JSON.stringify({ id: promotionId }),
    title: plain('Emergency override', 24),
    submit: plain('Request override', 24),
    close: plain('Back', 24),
    blocks: [
      { type: 'section', text: mrkdwn(mrk`:rotating_light: Override the change freeze for *${title}* (\`${promotionId}\`).\n${freezeSummary}`) },
      { type: 'context', elements: [mrkdwn(mrk`The override needs an approval from an emergency approver in addition to the normal approvals. Everything here goes into the audit record and the thread.`)] },
      {
        type: 'input',
        block_id: 'justification',
        label: plain('Justification'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, min_length: 10, max_length: 1000, placeholder: plain('Why must this ship during the freeze?') },
      },
      {
        type: 'input',
        block_id: 'rollback_plan',
        optional: !req.rollbackPlan,
        label: plain('Rollback plan'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 1000, placeholder: plain('How is this undone if it goes wrong?') },
      },
      {
        type: 'input',
        block_id: 'on_call',
        optional: !req.onCall,
        label: plain('On-call engineer'),
        element: { type: 'users_select', action_id: 'value', placeholder: plain('Who is on call during the deploy?') },
      },
    ],
  };
}
