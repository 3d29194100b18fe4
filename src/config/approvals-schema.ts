import { z } from 'zod';

/**
 * `environments[].approvals` (SPEC §9): sign-off rules instead of `approvers` /
 * `requiredApprovals`, and `environments[].checklist`: attestations the requester ticks
 * before the request exists.
 */

const principal = z
  .string()
  .regex(/^(\*|[UW][A-Z0-9]{2,}|S[A-Z0-9]{2,})$/, 'expected a Slack user ID (U…/W…), user-group ID (S…) or "*"');

export const approvalRuleSchema = z.strictObject({
  name: z.string().trim().min(1, 'a rule needs a name').max(80, 'rule names are at most 80 characters'),
  from: z.array(principal).min(1, 'a rule needs at least one user or user group in "from"'),
  count: z.number().int('count is a whole number').min(1, 'count must be at least 1').max(10, 'count is at most 10').default(1),
});

export const approvalsSchema = z.strictObject({
  /** all (default): every rule must be met; any: one met rule suffices. */
  mode: z.enum(['all', 'any']).default('all'),
  /** default true: one person's click satisfies at most one rule (the first unmet one they belong to). */
  distinct: z.boolean().default(true),
  rules: z.array(approvalRuleSchema).min(1, 'approvals needs at least one rule').max(10, 'at most 10 approval rules'),
});

export const checklistItemSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/i, 'checklist ids are letters, digits, "-" and "_" (at most 40)'),
  text: z.string().trim().min(1, 'a checklist item needs a text').max(150, 'checklist texts are at most 150 characters'),
  /** `text`: the requester also types a free text (kept as evidence). */
  input: z.literal('text').optional(),
});

/** Slack modals hold at most 100 blocks; an item takes one (two with a text input). */
export const checklistSchema = z.array(checklistItemSchema).min(1, 'an empty checklist: leave the key out').max(20, 'at most 20 checklist items');

export type ApprovalRuleConfig = z.output<typeof approvalRuleSchema>;
export type ApprovalsConfig = z.output<typeof approvalsSchema>;
export type ChecklistItem = z.output<typeof checklistItemSchema>;
