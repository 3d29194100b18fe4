import type { Button } from '@slack/types';
import type { Promotion } from '../../../domain/promotion';
import { mrk } from '../../../shared/mrkdwn';
import { mrkdwn, plain } from './block-kit';

/**
 * The Approve button's value: the promotion id, and with `plan:` the digest of the plan the
 * card shows (`<id>@sha256:<hex>`), so a click on a card showing an earlier plan never counts
 * for a new one. The id stays opaque; authorization is decided on the server.
 */
export function approveValue(p: Pick<Promotion, 'id' | 'planReview'>): string {
  const digest = p.planReview?.status === 'ready' ? p.planReview.digest : undefined;
  return digest ? `${p.id}@${digest}` : p.id;
}

/** The promotion id and the plan digest an Approve button carried. */
export function parseApproveValue(value: string): { id: string; planDigest?: string } {
  const at = value.indexOf('@');
  if (at < 0) return { id: value };
  return { id: value.slice(0, at), planDigest: value.slice(at + 1) };
}

/** Re-plan, once a plan is shown: a new plan run; earlier approvals are voided. */
export function replanButtons(p: Pick<Promotion, 'id' | 'planReview' | 'approvals'>, actionId: string): Button[] {
  if (p.planReview?.status !== 'ready') return [];
  const n = p.approvals.length;
  return [
    {
      type: 'button',
      action_id: actionId,
      text: plain('Re-plan'),
      value: p.id,
      confirm: {
        title: plain('Re-plan?'),
        text: mrkdwn(
          mrk`Run the plan workflow again for this candidate?${n ? ` The ${n} approval${n === 1 ? '' : 's'} given so far will be voided.` : ''} Approvals count only for the new plan.`,
          300,
        ),
        confirm: plain('Re-plan'),
        deny: plain('Back'),
      },
    },
  ];
}
