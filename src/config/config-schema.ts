import { z } from 'zod';
import { cronParser } from '../calendar/libraries';
import { parseDuration } from '../shared/duration';
import { closestNames } from '../shared/closest-names';
import { crossReferenceIssues } from './cross-references';
import { approvalsSchema, checklistSchema } from './approvals-schema';
import { cyclesSchema } from './cycles-schema';
import { metricsSchema } from './metrics-schema';
import { hotfixSchema } from './hotfix-schema';
import { pipelineSchema } from './pipeline-schema';
import { databricksStrategy } from './databricks-strategy';
import { lifecycleIssues, promoteSchema, triggerSchema, verifySchema } from './lifecycle-schema';
import { planReviewIssues, planReviewSchema } from './plan-review-schema';

/**
 * The whole `shipgate.yml` schema of SPEC §3. Unknown keys are rejected everywhere;
 * cross-references (pipelines, branches, workflows per environment, holiday calendars)
 * are checked in a `superRefine` that runs even when other parts fail, so one run reports
 * every problem with its YAML path. Messages quote the bad value (format-issues.ts adds it
 * where the message does not).
 */

const slackPrincipal = z
  .string()
  .regex(/^(\*|[UW][A-Z0-9]{2,}|S[A-Z0-9]{2,})$/, 'expected a Slack user ID (U…/W…), user-group ID (S…) or "*"');

const duration = z.string().refine((s) => parseDuration(s) !== undefined, {
  message: 'expected a duration such as "30m", "4h", "24h", "2d" or "1h30m"',
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

let knownZones: string[] | undefined;

const timeZone = z.string().superRefine((tz, ctx) => {
  if (isTimeZone(tz)) return;
  knownZones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  const close = closestNames(tz, knownZones, 1);
  ctx.addIssue({
    code: 'custom',
    input: tz,
    message: `unknown IANA time zone "${tz}"${close.length ? ` (did you mean "${close[0]}"?)` : ' (e.g. "Europe/London")'}`,
  });
});

const regexString = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date "YYYY-MM-DD"')
  .refine(
    (s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
    },
    { error: (iss) => `"${String(iss.input)}" is not a calendar date` },
  );

const monthDay = z
  .string()
  .regex(/^\d{2}-\d{2}$/, 'expected "MM-DD"')
  .refine(
    (s) => {
      const [m, d] = s.split('-').map(Number) as [number, number];
      const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
      return m >= 1 && m <= 12 && d >= 1 && d <= (days[m - 1] ?? 0);
    },
    { error: (iss) => `"${String(iss.input)}" is not a day of the year (MM-DD)` },
  );

const countryRegion = z.strictObject({
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166 country code such as "GB"'),
  region: z.string().min(1).optional(),
  state: z.string().min(1).optional(),
});

export const environmentSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'environment names are letters, digits, "-" and "_"'),
  deployers: z.array(slackPrincipal).min(1).default(['*']),
  approvers: z.array(slackPrincipal).optional(),
  requiredApprovals: z.number().int().min(0).max(10).optional(),
  allowSelfApproval: z.boolean().default(false),
  changeRecord: z.enum(['required', 'optional', 'create', 'none']).default('none'),
  soak: duration.optional(),
  blockOnIncidents: z.array(z.number().int().min(1).max(5)).default([]),
  approvalTimeout: duration.optional(),
  approvals: approvalsSchema.optional(),
  checklist: checklistSchema.optional(),
  cycles: cyclesSchema.optional(),
  metrics: metricsSchema.optional(),
  hotfix: hotfixSchema.optional(),
  promote: promoteSchema,
  verify: verifySchema.optional(),
  plan: planReviewSchema.optional(),
});

const templateString = z.string();

const workflowStrategy = z.strictObject({
  type: z.literal('workflow'),
  workflow: z.string().min(1),
  ref: z.string().min(1).default('main'),
  inputs: z.record(z.string(), templateString).default({}),
  approveEnvironments: z.boolean().default(false),
  githubEnvironments: z.record(z.string(), z.string().min(1)).default({}),
});

const branchStrategy = z.strictObject({
  type: z.literal('branch'),
  branches: z.record(z.string(), z.string().min(1)),
  mergeMethod: z.enum(['merge', 'squash', 'rebase']).default('merge'),
  deployWorkflows: z.record(z.string(), z.string().min(1)).default({}),
  approveEnvironments: z.boolean().default(false),
  githubEnvironments: z.record(z.string(), z.string().min(1)).default({}),
});

export const serviceSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'service names are letters, digits, ".", "-" and "_"'),
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected "owner/name"'),
  pipeline: pipelineSchema,
  requiredChecks: z.array(z.string().min(1)).default([]),
  servicenow: z
    .strictObject({
      ci: z.string().min(1).optional(),
      closeOnSuccess: z.boolean().default(false),
      changeTemplate: z
        .strictObject({
          assignmentGroup: z.string().optional(),
          shortDescription: z.string().optional(),
          description: z.string().optional(),
          implementationPlan: z.string().optional(),
          backoutPlan: z.string().optional(),
          testPlan: z.string().optional(),
          category: z.string().optional(),
          risk: z.enum(['high', 'moderate', 'low']).optional(),
          windowDuration: duration.optional(),
        })
        .optional(),
    })
    .optional(),
  strategy: z.discriminatedUnion('type', [workflowStrategy, branchStrategy, databricksStrategy]),
  trigger: triggerSchema.optional(),
});

const dateRange = z.strictObject({ from: isoDate, to: isoDate });

const ruleBase = {
  name: z.string().min(1),
  environments: z.array(z.string().min(1)).min(1).default(['*']),
  timezone: timeZone.optional(),
};

const ruleKinds = ['annual', 'dates', 'monthEndBusinessDays', 'holidays', 'recurring', 'ics', 'servicenowBlackout'] as const;
export type FreezeRuleKind = (typeof ruleKinds)[number];

export const freezeRuleSchema = z
  .strictObject({
    ...ruleBase,
    annual: z.strictObject({ from: monthDay, to: monthDay }).optional(),
    dates: z.array(z.union([isoDate, dateRange])).min(1).optional(),
    monthEndBusinessDays: z.number().int().min(1).max(20).optional(),
    holidays: countryRegion
      .extend({ types: z.array(z.enum(['public', 'bank', 'school', 'optional', 'observance'])).default(['public', 'bank']) })
      .optional(),
    recurring: z
      .strictObject({
        cron: z.string().refine(
          (c) => {
            try {
              cronParser().CronExpressionParser.parse(c);
              return true;
            } catch {
              return false;
            }
          },
          { error: (iss) => `invalid cron expression "${String(iss.input)}" (5 fields: minute hour day-of-month month day-of-week)` },
        ),
        duration,
      })
      .optional(),
    ics: z.string().min(1).optional(),
    servicenowBlackout: z.string().min(1).optional(),
  })
  .superRefine(
    (rule, ctx) => {
      const present = ruleKinds.filter((k) => rule[k] !== undefined);
      if (present.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message:
            present.length === 0
              ? `a freeze rule needs exactly one of ${ruleKinds.join(', ')}`
              : `a freeze rule takes exactly one kind, found ${present.join(' and ')}`,
        });
      }
      if (Array.isArray(rule.dates)) {
        rule.dates.forEach((d, i) => {
          if (typeof d === 'object' && d !== null && typeof d.from === 'string' && typeof d.to === 'string' && d.from > d.to) {
            ctx.addIssue({ code: 'custom', path: ['dates', i], message: `range ends (${d.to}) before it starts (${d.from})` });
          }
        });
      }
    },
    { when: () => true },
  );

export const configSchema = z
  .strictObject({
    timezone: timeZone.default('UTC'),
    environments: z.array(environmentSchema).min(1),
    services: z.array(serviceSchema).min(1),
    freezes: z.array(freezeRuleSchema).default([]),
    announce: z.strictObject({ channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a Slack channel ID (C…)') }).optional(),
    businessCalendar: countryRegion.optional(),
    emergency: z
      .strictObject({
        approvers: z.array(slackPrincipal).min(1),
        requireRollbackPlan: z.boolean().default(true),
        requireOnCall: z.boolean().default(true),
      })
      .optional(),
    incidents: z
      .strictObject({
        channels: z
          .array(
            regexString,
          )
          .default([]),
        rollbackApprovers: z.array(slackPrincipal).default([]),
      })
      .default({ channels: [], rollbackApprovers: [] }),
    evidence: z
      .strictObject({
        patterns: z
          .array(
            z.strictObject({
              name: z.string().regex(/^[a-z0-9_]+$/i),
              regex: regexString,
            }),
          )
          .default([]),
      })
      .default({ patterns: [] }),
  })
  .superRefine(
    (cfg, ctx) => {
      for (const issue of [...crossReferenceIssues(cfg), ...lifecycleIssues(cfg), ...planReviewIssues(cfg)]) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    },
    // Also when other parts of the file are invalid: every problem in one run.
    { when: () => true },
  );

export type ShipgateConfig = z.output<typeof configSchema>;
export type EnvironmentConfig = ShipgateConfig['environments'][number];
export type ServiceConfig = ShipgateConfig['services'][number];
export type FreezeRule = ShipgateConfig['freezes'][number];
export type WorkflowStrategy = z.output<typeof workflowStrategy>;
export type BranchStrategy = z.output<typeof branchStrategy>;
export type { DatabricksStrategy } from './databricks-strategy';
