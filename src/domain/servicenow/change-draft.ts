import type { ServiceConfig } from '../../config/config-schema';
import { parseDuration } from '../../shared/duration';
import type { Promotion } from '../promotion';
import { renderTemplate } from '../template';
import type { ChangeDraft } from './change-record';

/**
 * The Normal change shipgate opens for a promotion in create mode
 * (`changeRecord: create`), from `services[].servicenow.changeTemplate`. Placeholders:
 * {{service}} {{sha}} {{short_sha}} {{env}} {{from}} {{promotion}} {{requester}} {{reason}}.
 * Planned window: now → now + `windowDuration` (default 24h).
 */

export type ChangeTemplate = NonNullable<NonNullable<ServiceConfig['servicenow']>['changeTemplate']>;

export const DEFAULT_CHANGE_WINDOW = '24h';

export interface DraftExtras {
  /** What would ship (commit list / diff summary), added to the description. */
  plan?: string;
  /** Slack thread link, added to the description. */
  threadLink?: string;
}

export function draftChange(
  p: Promotion,
  service: ServiceConfig,
  template: ChangeTemplate,
  now: Date,
  extras: DraftExtras = {},
): { draft: ChangeDraft } | { error: string } {
  const sha = p.sha ?? '';
  const vars: Record<string, string> = {
    service: service.name,
    sha,
    short_sha: sha.slice(0, 7),
    env: p.env,
    from: p.from,
    promotion: p.id,
    requester: p.requester.name ?? p.requester.id,
    reason: p.reason ?? '',
  };
  const missing = new Set<string>();
  const render = (text: string | undefined): string | undefined => {
    if (text === undefined) return undefined;
    const r = renderTemplate(text, vars);
    r.missing.forEach((m) => missing.add(m));
    return r.text;
  };
  const windowText = template.windowDuration ?? DEFAULT_CHANGE_WINDOW;
  const windowMs = parseDuration(windowText);
  if (windowMs === undefined || windowMs <= 0) return { error: `changeTemplate.windowDuration "${windowText}" is not a duration` };

  const strategy =
    service.strategy.type === 'workflow'
      ? `dispatch of workflow ${service.strategy.workflow} (ref ${service.strategy.ref}) in ${service.repo}`
      : service.strategy.type === 'databricks'
        ? `run of Databricks job ${String(service.strategy.jobs[p.env] ?? '(none)')} at commit ${sha || '(unresolved)'} of ${service.repo}`
        : `merge of branch ${service.strategy.branches[p.from] ?? p.from} into ${service.strategy.branches[p.env] ?? p.env} in ${service.repo}`;
  const generated = [
    `Opened by shipgate for promotion ${p.id}: ${service.name} ${p.from} -> ${p.env}, commit ${sha || '(unresolved)'}.`,
    `Requested in Slack by ${p.requester.name ?? p.requester.id}${p.reason ? `: ${p.reason}` : ''}.`,
    ...(extras.threadLink ? [`Slack thread: ${extras.threadLink}`] : []),
    ...(extras.plan ? ['', 'What ships:', extras.plan] : []),
  ].join('\n');
  const description = [render(template.description), generated].filter(Boolean).join('\n\n');
  const draft: ChangeDraft = {
    type: 'normal',
    shortDescription: render(template.shortDescription ?? 'Promote {{service}} {{short_sha}} to {{env}}')!.slice(0, 160),
    description,
    implementationPlan:
      render(template.implementationPlan) ??
      `After approval in ServiceNow and in Slack, shipgate re-checks every gate and runs the ${strategy}. Run links, PRs and job IDs are written to this change's work notes.`,
    backoutPlan: render(template.backoutPlan) ?? `Re-deploy the previous release of ${service.name} in ${p.env} with /rollback in Slack.`,
    testPlan:
      render(template.testPlan) ??
      `Required checks on the commit${service.requiredChecks.length ? ` (${service.requiredChecks.join(', ')})` : ''}; the deploy workflow's smoke and validation steps.`,
    ...(template.assignmentGroup ? { assignmentGroup: render(template.assignmentGroup)! } : {}),
    ...(service.servicenow?.ci ? { ci: service.servicenow.ci } : {}),
    ...(template.category ? { category: render(template.category)! } : {}),
    ...(template.risk ? { risk: template.risk } : {}),
    plannedStart: now,
    plannedEnd: new Date(now.getTime() + windowMs),
    correlationId: p.id,
    correlationDisplay: 'shipgate',
  };
  if (missing.size) {
    return {
      error: `changeTemplate uses unknown placeholder(s) ${[...missing].map((m) => `{{${m}}}`).join(', ')}; known: ${Object.keys(vars)
        .map((k) => `{{${k}}}`)
        .join(' ')}`,
    };
  }
  return { draft };
}
