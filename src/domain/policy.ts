import type { EnvironmentConfig } from '../config/config-schema';
import { channelMention, joinMd, mrk, mention, text, userGroup, type Mrkdwn } from '../shared/mrkdwn';

/** Members of Slack user groups (S…), resolved by the app layer through a port. */
export type GroupMembers = Readonly<Record<string, readonly string[]>>;

/** The user-group IDs a principal list mentions (to resolve before calling the policy). */
export function groupsIn(principals: readonly string[] | undefined): string[] {
  return (principals ?? []).filter((p) => p.startsWith('S'));
}

export function principalsInclude(principals: readonly string[] | undefined, userId: string, groups: GroupMembers): boolean {
  return (principals ?? []).some((p) => p === '*' || p === userId || (p.startsWith('S') && (groups[p] ?? []).includes(userId)));
}

/** How many approvals a promotion needs at least: with `approvals` rules, the sum of their counts (`any`: the smallest). */
export function requiredApprovals(env: Pick<EnvironmentConfig, 'approvers' | 'requiredApprovals'> & Partial<Pick<EnvironmentConfig, 'approvals'>>): number {
  if (env.approvals) {
    const counts = env.approvals.rules.map((r) => r.count);
    return env.approvals.mode === 'any' ? Math.min(...counts) : counts.reduce((a, b) => a + b, 0);
  }
  if (env.requiredApprovals !== undefined) return env.requiredApprovals;
  return env.approvers?.length ? 1 : 0;
}

export type ApprovalDecision =
  | { ok: true }
  | { ok: false; code: 'not_authorized' | 'separation_of_duties' | 'already_approved'; message: Mrkdwn };

/**
 * Who may approve: an approver of the environment (or, where no approval is required,
 * any deployer, the requester included: the click is the go-ahead). The requester never
 * counts unless `allowSelfApproval`.
 */
export function mayApprove(
  env: Pick<EnvironmentConfig, 'name' | 'approvers' | 'requiredApprovals' | 'allowSelfApproval' | 'deployers'>,
  ctx: { userId: string; requesterId: string; alreadyApproved: readonly string[]; groups: GroupMembers },
): ApprovalDecision {
  const needed = requiredApprovals(env);
  if (needed === 0) {
    if (!principalsInclude(env.deployers, ctx.userId, ctx.groups)) {
      return { ok: false, code: 'not_authorized', message: mrk`You are not a deployer of \`${env.name}\` (deployers: ${describePrincipals(env.deployers)}).` };
    }
    return { ok: true };
  }
  if (!principalsInclude(env.approvers, ctx.userId, ctx.groups)) {
    return { ok: false, code: 'not_authorized', message: mrk`You are not an approver of \`${env.name}\`; approvers: ${describePrincipals(env.approvers)}.` };
  }
  if (ctx.userId === ctx.requesterId && !env.allowSelfApproval) {
    return {
      ok: false,
      code: 'separation_of_duties',
      message: mrk`You requested this promotion, so your approval does not count for \`${env.name}\` (separation of duties). Another approver must approve.`,
    };
  }
  if (ctx.alreadyApproved.includes(ctx.userId)) return { ok: false, code: 'already_approved', message: text('You have already approved this promotion.') };
  return { ok: true };
}

export function mayRequest(env: Pick<EnvironmentConfig, 'name' | 'deployers'>, userId: string, groups: GroupMembers): { ok: true } | { ok: false; message: Mrkdwn } {
  if (principalsInclude(env.deployers, userId, groups)) return { ok: true };
  return { ok: false, message: mrk`You may not deploy to \`${env.name}\`; deployers: ${describePrincipals(env.deployers)}.` };
}

/** Who a principal list names, as Slack mentions (user groups and users). */
export function describePrincipals(principals: readonly string[] | undefined): Mrkdwn {
  if (!principals?.length) return text('nobody');
  return joinMd(
    principals.map((p) => (p === '*' ? 'everyone' : p.startsWith('S') ? userGroup(p) : mention(p))),
    ', ',
  );
}

/** A Slack channel ID (public `C…`, private `G…`), as opposed to a name pattern. */
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/**
 * Whether a channel is an incident channel (`incidents.channels`): an entry that is a channel ID
 * matches exactly that `channel_id`; any other entry is a regular expression on the channel's name.
 * Names are chosen by whoever creates the channel, so a pattern lets anyone who can create a
 * matching channel use `/rollback`; IDs do not.
 */
export function isIncidentChannel(entries: readonly string[], channelId: string, channelName?: string): boolean {
  return entries.some((e) => (CHANNEL_ID.test(e) ? e === channelId : channelName !== undefined && new RegExp(e).test(channelName)));
}

/** The `incidents.channels` entries for a person to read: the channels by ID, and the name patterns. */
export function describeIncidentChannels(entries: readonly string[]): Mrkdwn {
  const ids = entries.filter((e) => CHANNEL_ID.test(e));
  const patterns = entries.filter((e) => !CHANNEL_ID.test(e));
  const parts = [ids.length ? joinMd(ids.map(channelMention), ', ') : undefined, patterns.length ? mrk`channels matching ${joinMd(patterns.map((c) => mrk`\`${c}\``), ', ')}` : undefined];
  return joinMd(
    parts.filter((x): x is Mrkdwn => x !== undefined),
    ' or ',
  );
}
