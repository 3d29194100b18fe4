import type { EnvironmentConfig } from '../config/config-schema';
import { joinMd, mrk, text, type Mrkdwn } from '../shared/mrkdwn';
import { describePrincipals, principalsInclude, requiredApprovals, type GroupMembers } from './policy';

/**
 * Approval rules (SPEC §9): named sign-off rules, each met by `count` approvals from its
 * `from` list. The old `approvers` / `requiredApprovals` form is one rule. A click is
 * attributed to rules when it happens (membership read fresh), and stored on the approval,
 * so counting later needs no directory (pure).
 */

export interface ApprovalRule {
  name: string;
  from: readonly string[];
  count: number;
}

export interface ApprovalRules {
  mode: 'all' | 'any';
  distinct: boolean;
  rules: readonly ApprovalRule[];
}

/** The one rule the old `approvers` / `requiredApprovals` form stands for. */
export const LEGACY_RULE = 'approvers';

type RulesEnv = Pick<EnvironmentConfig, 'approvers' | 'requiredApprovals'> & Partial<Pick<EnvironmentConfig, 'approvals'>>;

/** An environment's rules; no rules when no approval is required (a deployer confirms). */
export function approvalRulesOf(env: RulesEnv): ApprovalRules {
  if (env.approvals) return { mode: env.approvals.mode, distinct: env.approvals.distinct, rules: env.approvals.rules };
  const n = requiredApprovals(env);
  return { mode: 'all', distinct: true, rules: n > 0 ? [{ name: LEGACY_RULE, from: env.approvers ?? [], count: n }] : [] };
}

/** Every user group any rule names (to resolve before deciding a click). */
export function ruleGroups(r: ApprovalRules): string[] {
  return [...new Set(r.rules.flatMap((x) => x.from.filter((p) => p.startsWith('S'))))];
}

export interface CountedApproval {
  userId: string;
  /** The rules this approval counted for; absent on approvals stored before rules existed (they count for the first rule). */
  rules?: readonly string[];
}

export interface RuleProgress {
  name: string;
  needed: number;
  have: number;
  /** Who satisfied it, in click order. */
  by: string[];
  met: boolean;
}

export interface RulesProgress {
  rules: RuleProgress[];
  /** `all`: every rule met; `any`: at least one. Never met without rules. */
  met: boolean;
}

function countsFor(a: CountedApproval, rule: string, first: string | undefined): boolean {
  return a.rules ? a.rules.includes(rule) : rule === first;
}

/** Progress of each rule from the approvals given so far. */
export function ruleProgress(r: ApprovalRules, approvals: readonly CountedApproval[]): RulesProgress {
  const first = r.rules[0]?.name;
  const rules = r.rules.map((rule) => {
    const by = approvals.filter((a) => countsFor(a, rule.name, first)).map((a) => a.userId);
    return { name: rule.name, needed: rule.count, have: by.length, by, met: by.length >= rule.count };
  });
  const met = rules.length > 0 && (r.mode === 'any' ? rules.some((x) => x.met) : rules.every((x) => x.met));
  return { rules, met };
}

export type RuleClickDecision =
  | { ok: true; rules: string[] }
  | { ok: false; code: 'not_authorized' | 'separation_of_duties' | 'already_approved' | 'rules_already_met'; message: Mrkdwn };

export interface RuleClick {
  envName: string;
  userId: string;
  requesterId: string;
  allowSelfApproval: boolean;
  approvals: readonly CountedApproval[];
  /** Members of the rules' user groups, read for this click. */
  groups: GroupMembers;
}

/** The rules a person belongs to (by user ID, user group or "*"). */
export function rulesOfMember(r: ApprovalRules, userId: string, groups: GroupMembers): ApprovalRule[] {
  return r.rules.filter((rule) => principalsInclude(rule.from, userId, groups));
}

/**
 * Which rules a click counts for: the unmet rules the clicker belongs to — with `distinct`,
 * only the first of them in rule order. The requester never counts (unless allowSelfApproval),
 * a person counts once per promotion, and a click that would satisfy nothing is refused.
 */
export function rulesForClick(r: ApprovalRules, c: RuleClick): RuleClickDecision {
  const member = rulesOfMember(r, c.userId, c.groups);
  if (member.length === 0) {
    return { ok: false, code: 'not_authorized', message: mrk`You are not in any approval rule of \`${c.envName}\`; rules: ${describeRules(r)}.` };
  }
  if (c.userId === c.requesterId && !c.allowSelfApproval) {
    return {
      ok: false,
      code: 'separation_of_duties',
      message: mrk`You requested this promotion, so your approval does not count for any rule of \`${c.envName}\` (separation of duties). Another member of ${joinMd(
        member.map((m) => mrk`*${m.name}*`),
        ', ',
      )} must approve.`,
    };
  }
  if (c.approvals.some((a) => a.userId === c.userId)) return { ok: false, code: 'already_approved', message: text('You have already approved this promotion.') };
  const progress = ruleProgress(r, c.approvals);
  const unmet = member.filter((m) => !progress.rules.find((p) => p.name === m.name)?.met);
  if (unmet.length === 0) {
    const waiting = progress.rules.filter((p) => !p.met).map((p) => mrk`*${p.name}* ${p.have}/${p.needed}`);
    return {
      ok: false,
      code: 'rules_already_met',
      message: mrk`${joinMd(
        member.map((m) => mrk`*${m.name}*`),
        ', ',
      )} ${member.length > 1 ? 'are' : 'is'} already met; still waiting for ${joinMd(waiting, ', ')}.`,
    };
  }
  return { ok: true, rules: r.distinct ? [unmet[0]!.name] : unmet.map((m) => m.name) };
}

/** The rules for a person to read: `release manager (1 from @release-managers)`. */
export function describeRules(r: ApprovalRules): Mrkdwn {
  if (r.rules.length === 0) return text('none');
  return joinMd(
    r.rules.map((x) => mrk`*${x.name}* (${x.count} from ${describePrincipals(x.from)})`),
    r.mode === 'any' ? ' or ' : '; ',
  );
}

/** One line per rule with its progress: `data engineering 0/1`, `release manager 1/1 (<@U…>)`. */
export function progressText(p: RulesProgress, mention: (id: string) => Mrkdwn): Mrkdwn {
  return joinMd(
    p.rules.map((x) => mrk`${x.met ? '✓' : '○'} ${x.name} ${x.have}/${x.needed}${x.by.length ? mrk` (${joinMd(x.by.map(mention), ', ')})` : ''}`),
    '; ',
  );
}
