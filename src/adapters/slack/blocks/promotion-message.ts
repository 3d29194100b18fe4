import { runLabel } from '../../../domain/evidence';
import { databricksCard } from '../../../domain/databricks-evidence';
import { isGate, type GateResult } from '../../../domain/gates/gate-result';
import { fromStored, joinMd, link, mrk, mention, type Mrkdwn } from '../../../shared/mrkdwn';
import { deployedSha, type Promotion, type PromotionState } from '../../../domain/promotion';
import type { Button, KnownBlock } from '@slack/types';
import { clip, LIMITS, mrkdwn, plain } from './block-kit';
import { ruleCountLabel, signOffBlocks } from './sign-off-blocks';
import { approveValue, replanButtons } from './plan-buttons';
import { planApprovable } from '../../../domain/plan-review';

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
  replan: 'promotion_replan',
} as const;

const STATE_LINE: Record<PromotionState, string> = {
  requested: ':hourglass_flowing_sand: Checking gates…',
  blocked: ':no_entry: *Blocked* by a gate',
  awaiting_approval: ':raising_hand: *Awaiting approval*',
  approved: ':white_check_mark: *Approved*: queued for execution',
  running: ':gear: *Running*',
  succeeded: ':large_green_circle: *Succeeded*',
  failed: ':red_circle: *Failed*',
  failed_verification: ':red_circle: *Failed verification*: deployed, but the verify workflow did not pass',
  rejected: ':no_entry_sign: *Rejected*',
  cancelled: ':heavy_multiplication_x: *Cancelled*',
  expired: ':alarm_clock: *Expired*: approval timed out',
};

const GATE_ICON: Record<GateResult['status'], string> = { pass: ':white_check_mark:', warn: ':warning:', pending: ':hourglass:', block: ':no_entry:' };

export function gateLine(g: GateResult): Mrkdwn {
  return mrk`${GATE_ICON[g.status]} *${g.gate}*: ${fromStored(g.summary)}`;
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
    parts.push(p.requiredApprovals > 0 ? mrk`${STATE_LINE[p.state]} (${ruleCountLabel(p) ?? `${p.approvals.length}/${p.requiredApprovals}`})` : mrk`:raising_hand: *Awaiting confirmation*: a deployer clicks *Deploy*`);
  } else {
    parts.push(mrk`${STATE_LINE[p.state]}`);
  }
  if (p.override && ['awaiting_approval', 'approved', 'running'].includes(p.state)) {
    parts.push(
      p.override.approvedBy
        ? mrk` · :rotating_light: emergency override approved by ${mention(p.override.approvedBy.userId)}`
        : mrk` · :rotating_light: emergency override: needs an emergency approver`,
    );
  }
  if (p.scheduledFor && ['awaiting_approval', 'approved'].includes(p.state)) parts.push(mrk` · :calendar: queued for ${p.scheduledFor.slice(0, 16).replace('T', ' ')} UTC`);
  if (p.state === 'rejected' && p.rejection) parts.push(mrk` by ${mention(p.rejection.by)}: ${p.rejection.reason}`);
  if (p.state === 'cancelled' && p.cancellation) parts.push(mrk` by ${mention(p.cancellation.by)}`);
  if ((p.state === 'failed' || p.state === 'failed_verification' || p.state === 'blocked') && p.stateReason) parts.push(mrk`: ${fromStored(p.stateReason)}`);
  return joinMd(parts);
}

/** The source as the path gate saw it: a parallel stage shows all its members (`[perf | security]`). */
function sourceShown(p: Promotion): string {
  const path = p.gates.find(isGate('path', 'path_ok', 'stage_incomplete'));
  const details = path?.details;
  const stage: readonly string[] | undefined = details && 'stage' in details ? details.stage : undefined;
  return stage && stage.length > 1 && stage.includes(p.from) ? `[${stage.join(' | ')}]` : p.from;
}

/** `hotfix=INC…`: the incident and whether its overrides applied (the hotfix gate line says why not). */
function hotfixField(p: Promotion): Mrkdwn {
  const g = p.gates.find((r) => r.gate === 'hotfix');
  const applied = g?.code === 'hotfix_applied' ? g.details?.overrides : undefined;
  const what = applied
    ? Object.entries(applied)
        .map(([k, v]) => `${k} ${v.normal ?? 'none'} → ${v.hotfix}`)
        .join(', ')
    : undefined;
  const status = !g ? 'checked with the gates' : applied ? `overrides applied: ${what}` : 'overrides NOT applied (normal gates)';
  return mrk`*Hotfix*\n:ambulance: ${p.hotfix ?? ''} · ${status}`;
}

/** The requester; shipgate itself (a trigger, `promote: auto|request`) on behalf of the candidate's author. */
function requestedBy(p: Promotion): Mrkdwn {
  if (!p.origin) return mention(p.requester.id);
  const a = p.origin.author;
  // an author not found in Slack (a commit e-mail that is not their Slack one) cannot be kept from approving: say so
  const who = a?.slackId ? mention(a.slackId) : mrk`${a?.name ?? a?.login ?? 'the commit author'} (not found in Slack by e-mail)`;
  return mrk`shipgate (\`promote: ${p.origin.mode}\`) on behalf of ${who}`;
}

/** The verify workflow's run (`verify:`), shown with the deploy runs. */
function verificationLine(p: Promotion): Mrkdwn[] {
  const v = p.evidence.verification;
  return v ? [mrk`• ${link(v.url, v.name ?? v.workflow)} (verify): ${v.conclusion ?? v.status}`] : [];
}

/** Fallback text (notifications, screen readers; Slack reads it as mrkdwn too); always names the final state. */
export function promotionText(p: Promotion): Mrkdwn {
  return mrk`${p.kind === 'rollback' ? 'Rollback' : 'Promotion'} ${p.service} ${p.from} → ${p.env} (${p.id}): ${p.state.replace('_', ' ')}`;
}

/** The one approval message of a promotion, rendered from its state (pure). */
export function promotionMessage(p: Promotion, o: RenderOptions): { text: Mrkdwn; blocks: KnownBlock[] } {
  const source = sourceShown(p);
  const title = p.kind === 'rollback' ? `Rollback ${p.service} in ${p.env}` : `${p.hotfix ? 'Hotfix' : 'Promote'} ${p.service}: ${source} → ${p.env}`;
  const sha = p.sha ? link(o.commitUrl(p.repo, p.sha), mrk`\`${p.sha.slice(0, 7)}\``) : mrk`${p.state === 'requested' ? '_resolving…_' : '_unresolved_'}`;
  const fields = [
    mrkdwn(mrk`*Service*\n${p.service} (${p.repo})`),
    mrkdwn(mrk`*Path*\n${source} → *${p.env}*`),
    mrkdwn(mrk`*Candidate*\n${sha}${p.ref ? mrk` (ref \`${p.ref}\`)` : ''}`),
    mrkdwn(mrk`*Requested by*\n${requestedBy(p)}`),
  ];
  const deployed = p.state === 'succeeded' ? deployedSha(p) : undefined;
  if (deployed) fields.push(mrkdwn(mrk`*Now in ${p.env}*\n${link(o.commitUrl(p.repo, deployed), mrk`\`${deployed.slice(0, 7)}\``)}`));
  if (p.cr) fields.push(mrkdwn(mrk`*Change record*\n${p.cr}`));
  if (p.reason) fields.push(mrkdwn(mrk`*Reason*\n${clip(p.reason, 300)}`));
  if (p.hotfix) fields.push(mrkdwn(hotfixField(p)));
  const blocks: KnownBlock[] = [
    { type: 'header', block_id: 'title', text: plain(title, LIMITS.header) },
    { type: 'section', block_id: 'fields', fields: fields.slice(0, 10) },
    { type: 'section', block_id: 'state', text: mrkdwn(stateText(p)) },
  ];
  const gates = shownGates(p);
  if (gates.length) {
    blocks.push({ type: 'section', block_id: 'gates', text: mrkdwn(mrk`*Gates*${p.gatesEvaluatedAt ? ` (checked ${p.gatesEvaluatedAt.slice(0, 16).replace('T', ' ')} UTC)` : ''}\n${gateLines(gates)}`) });
  }
  if (p.evidence.runs.length) {
    blocks.push({
      type: 'section',
      block_id: 'runs',
      text: mrkdwn(mrk`*Runs*\n${joinMd([...p.evidence.runs.map((r) => mrk`• ${link(r.url, runLabel(r))}: ${r.conclusion ?? r.status}`), ...verificationLine(p)], '\n')}`),
    });
  }
  blocks.push(...signOffBlocks(p));
  if (p.evidence.databricks) blocks.push({ type: 'section', block_id: 'databricks', text: mrkdwn(mrk`*Databricks run*\n${databricksCard(p.evidence.databricks)}`) });
  if (p.approvals.length) {
    blocks.push({ type: 'context', block_id: 'approvals', elements: [mrkdwn(mrk`Approved by ${joinMd(p.approvals.map((a) => mrk`${mention(a.userId)} (${a.at.slice(11, 16)} UTC)`), ', ')}`)] });
  }
  const buttons = actionButtons(p, o);
  if (buttons.length) blocks.push({ type: 'actions', block_id: 'decision', elements: buttons });
  blocks.push({ type: 'context', block_id: 'meta', elements: [mrkdwn(mrk`\`${p.id}\` · requested ${p.createdAt.slice(0, 16).replace('T', ' ')} UTC · progress and evidence in the thread`)] });
  return { text: promotionText(p), blocks: blocks.slice(0, LIMITS.blocks) };
}

/** Only a freeze blocks (nothing else): offer the override and the next window. */
function blockedByFreezeOnly(p: Promotion): boolean {
  const blocking = p.gates.filter((g) => g.status === 'block');
  return p.state === 'blocked' && blocking.length > 0 && blocking.every((g) => g.gate === 'freeze' && g.code === 'frozen');
}

function actionButtons(p: Promotion, o: RenderOptions): Button[] {
  const target = p.kind === 'rollback' ? `roll back ${p.service} in ${p.env}` : `promote ${p.service} to ${p.env}`;
  const shaText = p.sha ? ` at \`${p.sha.slice(0, 7)}\`` : '';
  if (p.state === 'awaiting_approval') {
    const selfService = p.requiredApprovals === 0;
    const verb = selfService ? 'Deploy' : 'Approve';
    // the same dialog for everyone: while an override awaits its emergency approver, say what the click approves
    const rules = p.override && !p.override.approvedBy ? [...new Set(p.override.windows.map((w) => w.rule))] : [];
    const approveText = rules.length
      ? mrk`${verb}: ${target}${shaText} during the change freeze ${joinMd(rules.map((r) => mrk`*${r}*`), ', ')} (emergency override)? An emergency approver's click approves the override.`
      : mrk`${verb}: ${target}${shaText}?`;
    // `plan:` — no Approve until the plan is shown; the button carries the digest of the plan on this card
    return [
      ...(planApprovable(p)
        ? [
            {
              type: 'button' as const,
              action_id: ACTIONS.approve,
              text: plain(selfService ? 'Deploy' : 'Approve'),
              style: 'primary' as const,
              value: approveValue(p),
              confirm: { title: plain(`${verb}?`), text: mrkdwn(p.planReview?.summary ? mrk`${approveText} (${p.planReview.summary})` : approveText, 300), confirm: plain(verb), deny: plain('Back') },
            },
          ]
        : []),
      ...replanButtons(p, ACTIONS.replan),
      {
        type: 'button',
        action_id: ACTIONS.reject,
        text: plain('Reject'),
        style: 'danger',
        value: p.id,
        confirm: { title: plain('Reject?'), text: mrkdwn(mrk`Reject: ${target}${shaText}? You will be asked for a reason.`, 300), confirm: plain('Reject'), deny: plain('Back'), style: 'danger' },
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
        confirm: { title: plain('Queue?'), text: mrkdwn(mrk`Queue ${target}${shaText} for when the freeze ends? Every gate is checked again then; approvals still apply.`, 300), confirm: plain('Queue'), deny: plain('Back') },
      },
      { type: 'button', action_id: ACTIONS.cancel, text: plain('Cancel'), value: p.id },
    ];
  }
  if (p.state === 'requested' || p.state === 'approved') return [{ type: 'button', action_id: ACTIONS.cancel, text: plain('Cancel'), value: p.id }];
  return [];
}
