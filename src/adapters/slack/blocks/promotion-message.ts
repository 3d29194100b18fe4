import type { GateResult } from '../../../domain/gates/gate-result';
import { fromStored, joinMd, link, md, mention, type Mrkdwn } from '../../../domain/mrkdwn';
import type { Promotion, PromotionState } from '../../../domain/promotion';
import { clip, LIMITS, mrkdwn, plain, type Block, type ButtonElement } from './block-kit';

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

export function gateLine(g: GateResult): Mrkdwn {
  return md`${GATE_ICON[g.status]} *${g.gate}*: ${fromStored(g.summary)}`;
}

export function gateLines(gates: readonly GateResult[]): Mrkdwn {
  return joinMd(gates.map(gateLine), '\n');
}

/** Decided without running (rejected, cancelled, expired): nobody needs to approve any more. */
const DECIDED: readonly PromotionState[] = ['rejected', 'cancelled', 'expired'];

/** The gates as the card shows them: once decided, the approval still awaited is no longer news. */
function shownGates(p: Promotion): GateResult[] {
  return DECIDED.includes(p.state) ? p.gates.filter((g) => !(g.gate === 'approval' && g.status === 'pending')) : p.gates;
}

function stateText(p: Promotion): Mrkdwn {
  const parts: Mrkdwn[] = [];
  if (p.state === 'awaiting_approval') {
    parts.push(p.requiredApprovals > 0 ? md`${STATE_LINE[p.state]} (${p.approvals.length}/${p.requiredApprovals})` : md`:raising_hand: *Awaiting confirmation*: a deployer clicks *Deploy*`);
  } else {
    parts.push(md`${STATE_LINE[p.state]}`);
  }
  if (p.override && ['awaiting_approval', 'approved', 'running'].includes(p.state)) {
    parts.push(
      p.override.approvedBy
        ? md` · :rotating_light: emergency override approved by ${mention(p.override.approvedBy.userId)}`
        : md` · :rotating_light: emergency override: needs an emergency approver`,
    );
  }
  if (p.scheduledFor && ['awaiting_approval', 'approved'].includes(p.state)) parts.push(md` · :calendar: queued for ${p.scheduledFor.slice(0, 16).replace('T', ' ')} UTC`);
  if (p.state === 'rejected' && p.rejection) parts.push(md` by ${mention(p.rejection.by)}: ${p.rejection.reason}`);
  if (p.state === 'cancelled' && p.cancellation) parts.push(md` by ${mention(p.cancellation.by)}`);
  if ((p.state === 'failed' || p.state === 'blocked') && p.stateReason) parts.push(md`: ${fromStored(p.stateReason)}`);
  return joinMd(parts);
}

/** Fallback text (notifications, screen readers; Slack reads it as mrkdwn too); always names the final state. */
export function promotionText(p: Promotion): Mrkdwn {
  return md`${p.kind === 'rollback' ? 'Rollback' : 'Promotion'} ${p.service} ${p.from} → ${p.env} (${p.id}): ${p.state.replace('_', ' ')}`;
}

/** The one approval message of a promotion, rendered from its state (pure). */
export function promotionMessage(p: Promotion, o: RenderOptions): { text: Mrkdwn; blocks: Block[] } {
  const title = p.kind === 'rollback' ? `Rollback ${p.service} in ${p.env}` : `Promote ${p.service}: ${p.from} → ${p.env}`;
  const sha = p.sha ? link(o.commitUrl(p.repo, p.sha), md`\`${p.sha.slice(0, 7)}\``) : md`${p.state === 'requested' ? '_resolving…_' : '_unresolved_'}`;
  const fields = [
    mrkdwn(md`*Service*\n${p.service} (${p.repo})`),
    mrkdwn(md`*Path*\n${p.from} → *${p.env}*`),
    mrkdwn(md`*Candidate*\n${sha}${p.ref ? md` (ref \`${p.ref}\`)` : ''}`),
    mrkdwn(md`*Requested by*\n${mention(p.requester.id)}`),
  ];
  if (p.cr) fields.push(mrkdwn(md`*Change record*\n${p.cr}`));
  if (p.reason) fields.push(mrkdwn(md`*Reason*\n${clip(p.reason, 300)}`));
  const blocks: Block[] = [
    { type: 'header', block_id: 'title', text: plain(title, LIMITS.header) },
    { type: 'section', block_id: 'fields', fields: fields.slice(0, 10) },
    { type: 'section', block_id: 'state', text: mrkdwn(stateText(p)) },
  ];
  const gates = shownGates(p);
  if (gates.length) {
    blocks.push({ type: 'section', block_id: 'gates', text: mrkdwn(md`*Gates*${p.gatesEvaluatedAt ? ` (checked ${p.gatesEvaluatedAt.slice(0, 16).replace('T', ' ')} UTC)` : ''}\n${gateLines(gates)}`) });
  }
  if (p.evidence.runs.length) {
    blocks.push({
      type: 'section',
      block_id: 'runs',
      text: mrkdwn(md`*Runs*\n${joinMd(p.evidence.runs.map((r) => md`• ${link(r.url, `${r.name} #${r.id}`)}: ${r.conclusion ?? r.status}`), '\n')}`),
    });
  }
  if (p.approvals.length) {
    blocks.push({ type: 'context', block_id: 'approvals', elements: [mrkdwn(md`Approved by ${joinMd(p.approvals.map((a) => md`${mention(a.userId)} (${a.at.slice(11, 16)} UTC)`), ', ')}`)] });
  }
  const buttons = actionButtons(p, o);
  if (buttons.length) blocks.push({ type: 'actions', block_id: 'decision', elements: buttons });
  blocks.push({ type: 'context', block_id: 'meta', elements: [mrkdwn(md`\`${p.id}\` · requested ${p.createdAt.slice(0, 16).replace('T', ' ')} UTC · progress and evidence in the thread`)] });
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
    const verb = selfService ? 'Deploy' : 'Approve';
    // the same dialog for everyone: while an override awaits its emergency approver, say what the click approves
    const rules = p.override && !p.override.approvedBy ? [...new Set(p.override.windows.map((w) => w.rule))] : [];
    const approveText = rules.length
      ? md`${verb}: ${target}${shaText} during the change freeze ${joinMd(rules.map((r) => md`*${r}*`), ', ')} (emergency override)? An emergency approver's click approves the override.`
      : md`${verb}: ${target}${shaText}?`;
    return [
      {
        type: 'button',
        action_id: ACTIONS.approve,
        text: plain(selfService ? 'Deploy' : 'Approve'),
        style: 'primary',
        value: p.id,
        confirm: { title: plain(`${verb}?`), text: mrkdwn(approveText, 300), confirm: plain(verb), deny: plain('Back') },
      },
      {
        type: 'button',
        action_id: ACTIONS.reject,
        text: plain('Reject'),
        style: 'danger',
        value: p.id,
        confirm: { title: plain('Reject?'), text: mrkdwn(md`Reject: ${target}${shaText}? You will be asked for a reason.`, 300), confirm: plain('Reject'), deny: plain('Back'), style: 'danger' },
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
        confirm: { title: plain('Queue?'), text: mrkdwn(md`Queue ${target}${shaText} for when the freeze ends? Every gate is checked again then; approvals still apply.`, 300), confirm: plain('Queue'), deny: plain('Back') },
      },
      { type: 'button', action_id: ACTIONS.cancel, text: plain('Cancel'), value: p.id },
    ];
  }
  if (p.state === 'requested' || p.state === 'approved') return [{ type: 'button', action_id: ACTIONS.cancel, text: plain('Cancel'), value: p.id }];
  return [];
}
