import { runLabel } from '../../../domain/evidence';
import type { GateResult } from '../../../domain/gates/gate-result';
import { deployedSha, type Promotion, type PromotionState } from '../../../domain/promotion';
import { clip, esc, LIMITS, mrkdwn, plain, type Block, type ButtonElement } from './block-kit';

export interface RenderOptions {
  /** Web URL of a commit, e.g. https://github.com/acme/markets/commit/<sha>. */
  commitUrl: (repo: string, sha: string) => string;
  /** Whether `emergency` is configured (offers the override button on freeze blocks). */
  emergencyEnabled?: boolean;
}

export const ACTIONS = {
  approve: 'promotion_approve',
  reject: 'promotion_reject',
  cancel: 'promotion_cancel',
  override: 'promotion_override',
  queue: 'promotion_queue',
} as const;

const STATE_LINE: Record<PromotionState, string> = {
  requested: ':hourglass_flowing_sand: Checking gates…',
  blocked: ':no_entry: *Blocked* by a gate',
  awaiting_approval: ':raising_hand: *Awaiting approval*',
  approved: ':white_check_mark: *Approved*: queued for execution',
  running: ':gear: *Running*',
  succeeded: ':large_green_circle: *Succeeded*',
  failed: ':red_circle: *Failed*',
  rejected: ':no_entry_sign: *Rejected*',
  cancelled: ':heavy_multiplication_x: *Cancelled*',
  expired: ':alarm_clock: *Expired*: approval timed out',
};

const GATE_ICON: Record<GateResult['status'], string> = { pass: ':white_check_mark:', warn: ':warning:', pending: ':hourglass:', block: ':no_entry:' };

export function gateLines(gates: readonly GateResult[]): string {
  return gates.map((g) => `${GATE_ICON[g.status]} *${g.gate}*: ${g.summary}`).join('\n');
}

function stateText(p: Promotion): string {
  let line = STATE_LINE[p.state];
  if (p.state === 'awaiting_approval') line += ` (${p.approvals.length}/${p.requiredApprovals || 1})`;
  if (p.override && ['awaiting_approval', 'approved', 'running'].includes(p.state)) {
    line += p.override.approvedBy ? ` · :rotating_light: emergency override approved by <@${p.override.approvedBy.userId}>` : ' · :rotating_light: emergency override: needs an emergency approver';
  }
  if (p.scheduledFor && ['awaiting_approval', 'approved'].includes(p.state)) line += ` · :calendar: queued for ${p.scheduledFor.slice(0, 16).replace('T', ' ')} UTC`;
  if (p.state === 'rejected' && p.rejection) line += ` by <@${p.rejection.by}>: ${esc(p.rejection.reason)}`;
  if (p.state === 'cancelled' && p.cancellation) line += ` by <@${p.cancellation.by}>`;
  if ((p.state === 'failed' || p.state === 'blocked') && p.stateReason) line += `: ${esc(p.stateReason)}`;
  return line;
}

/** Plain-text fallback (notifications, screen readers); always names the final state. */
export function promotionText(p: Promotion): string {
  return `${p.kind === 'rollback' ? 'Rollback' : 'Promotion'} ${p.service} ${p.from} → ${p.env} (${p.id}): ${p.state.replace('_', ' ')}`;
}

/** The one approval message of a promotion, rendered from its state (pure). */
export function promotionMessage(p: Promotion, o: RenderOptions): { text: string; blocks: Block[] } {
  const title = p.kind === 'rollback' ? `Rollback ${p.service} in ${p.env}` : `Promote ${p.service}: ${p.from} → ${p.env}`;
  const sha = p.sha ? `<${o.commitUrl(p.repo, p.sha)}|\`${p.sha.slice(0, 7)}\`>` : p.state === 'requested' ? '_resolving…_' : '_unresolved_';
  const fields = [
    mrkdwn(`*Service*\n${esc(p.service)} (${esc(p.repo)})`),
    mrkdwn(`*Path*\n${p.from} → *${p.env}*`),
    mrkdwn(`*Candidate*\n${sha}${p.ref ? ` (ref \`${esc(p.ref)}\`)` : ''}`),
    mrkdwn(`*Requested by*\n<@${p.requester.id}>`),
  ];
  const deployed = p.state === 'succeeded' ? deployedSha(p) : undefined;
  if (deployed) fields.push(mrkdwn(`*Now in ${p.env}*\n<${o.commitUrl(p.repo, deployed)}|\`${deployed.slice(0, 7)}\`>`));
  if (p.cr) fields.push(mrkdwn(`*Change record*\n${esc(p.cr)}`));
  if (p.reason) fields.push(mrkdwn(`*Reason*\n${esc(clip(p.reason, 300))}`));
  const blocks: Block[] = [
    { type: 'header', block_id: 'title', text: plain(title, LIMITS.header) },
    { type: 'section', block_id: 'fields', fields: fields.slice(0, 10) },
    { type: 'section', block_id: 'state', text: mrkdwn(stateText(p)) },
  ];
  if (p.gates.length) {
    blocks.push({ type: 'section', block_id: 'gates', text: mrkdwn(`*Gates*${p.gatesEvaluatedAt ? ` (checked ${p.gatesEvaluatedAt.slice(0, 16).replace('T', ' ')} UTC)` : ''}\n${gateLines(p.gates)}`) });
  }
  if (p.evidence.runs.length) {
    blocks.push({
      type: 'section',
      block_id: 'runs',
      text: mrkdwn(`*Runs*\n${p.evidence.runs.map((r) => `• <${r.url}|${esc(runLabel(r))}>: ${r.conclusion ?? r.status}`).join('\n')}`),
    });
  }
  if (p.approvals.length) {
    blocks.push({ type: 'context', block_id: 'approvals', elements: [mrkdwn(`Approved by ${p.approvals.map((a) => `<@${a.userId}> (${a.at.slice(11, 16)} UTC)`).join(', ')}`)] });
  }
  const buttons = actionButtons(p, o);
  if (buttons.length) blocks.push({ type: 'actions', block_id: 'decision', elements: buttons });
  blocks.push({ type: 'context', block_id: 'meta', elements: [mrkdwn(`\`${p.id}\` · requested ${p.createdAt.slice(0, 16).replace('T', ' ')} UTC · progress and evidence in the thread`)] });
  return { text: promotionText(p), blocks: blocks.slice(0, LIMITS.blocks) };
}

/** Only a freeze blocks (nothing else): offer the override and the next window. */
function blockedByFreezeOnly(p: Promotion): boolean {
  const blocking = p.gates.filter((g) => g.status === 'block');
  return p.state === 'blocked' && blocking.length > 0 && blocking.every((g) => g.gate === 'freeze' && g.code === 'frozen');
}

function actionButtons(p: Promotion, o: RenderOptions): ButtonElement[] {
  const target = p.kind === 'rollback' ? `roll back ${p.service} in ${p.env}` : `promote ${p.service} to ${p.env}`;
  const shaText = p.sha ? ` at \`${p.sha.slice(0, 7)}\`` : '';
  if (p.state === 'awaiting_approval') {
    const selfService = p.requiredApprovals === 0;
    return [
      {
        type: 'button',
        action_id: ACTIONS.approve,
        text: plain(selfService ? 'Deploy' : 'Approve'),
        style: 'primary',
        value: p.id,
        confirm: { title: plain(selfService ? 'Deploy?' : 'Approve?'), text: mrkdwn(`${selfService ? 'Deploy' : 'Approve'}: ${target}${shaText}?`), confirm: plain(selfService ? 'Deploy' : 'Approve'), deny: plain('Back') },
      },
      {
        type: 'button',
        action_id: ACTIONS.reject,
        text: plain('Reject'),
        style: 'danger',
        value: p.id,
        confirm: { title: plain('Reject?'), text: mrkdwn(`Reject: ${target}${shaText}? You will be asked for a reason.`), confirm: plain('Reject'), deny: plain('Back'), style: 'danger' },
      },
      { type: 'button', action_id: ACTIONS.cancel, text: plain('Cancel'), value: p.id },
    ];
  }
  if (blockedByFreezeOnly(p)) {
    return [
      ...(o.emergencyEnabled
        ? [{ type: 'button' as const, action_id: ACTIONS.override, text: plain('Request emergency override'), style: 'danger' as const, value: p.id }]
        : []),
      {
        type: 'button',
        action_id: ACTIONS.queue,
        text: plain('Queue for next window'),
        value: p.id,
        confirm: { title: plain('Queue?'), text: mrkdwn(`Queue ${target}${shaText} for when the freeze ends? Every gate is checked again then; approvals still apply.`), confirm: plain('Queue'), deny: plain('Back') },
      },
      { type: 'button', action_id: ACTIONS.cancel, text: plain('Cancel'), value: p.id },
    ];
  }
  if (p.state === 'requested' || p.state === 'approved') return [{ type: 'button', action_id: ACTIONS.cancel, text: plain('Cancel'), value: p.id }];
  return [];
}
