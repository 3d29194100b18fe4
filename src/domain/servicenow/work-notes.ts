import { runLabel } from '../evidence';
import { databricksPlainLines } from '../databricks-evidence';
import type { Promotion } from '../promotion';

/**
 * The text shipgate writes into a change's work notes (plain text: ServiceNow journals
 * do not render Slack mrkdwn). Pure: everything arrives as arguments.
 */

export interface WorkNoteContext {
  /** Link to the promotion's Slack thread, when known. */
  threadLink?: string;
  /** Web URL of a commit. */
  commitUrl?: (repo: string, sha: string) => string;
  /** Slack user id → a readable name, when known. */
  userName?: (userId: string) => string | undefined;
}

function who(userId: string, ctx: WorkNoteContext, fallback?: string): string {
  const name = ctx.userName?.(userId) ?? fallback;
  return name ? `${name} (Slack ${userId})` : `Slack user ${userId}`;
}

function commitLine(p: Promotion, ctx: WorkNoteContext): string {
  const sha = p.sha ?? p.evidence.sha;
  if (!sha) return 'Commit: (not resolved)';
  const url = ctx.commitUrl?.(p.repo, sha);
  return `Commit: ${sha}${url ? ` ${url}` : ''} (${p.repo})`;
}

export function startWorkNote(p: Promotion, ctx: WorkNoteContext): string {
  const what = p.kind === 'rollback' ? 'rollback' : 'promotion';
  const lines = [
    `shipgate ${what} ${p.id} started: ${p.service} ${p.kind === 'rollback' ? `in ${p.env}` : `${p.from} -> ${p.env}`}`,
    commitLine(p, ctx),
    `Requested by: ${who(p.requester.id, ctx, p.requester.name)}`,
    `Approved in Slack by: ${p.approvals.length ? p.approvals.map((a) => `${who(a.userId, ctx)} at ${a.at}`).join('; ') : 'no approval required'}`,
    ...(p.reason ? [`Reason: ${p.reason}`] : []),
    ...(p.evidence.startedAt ? [`Started: ${p.evidence.startedAt}`] : []),
    `Slack thread: ${ctx.threadLink ?? 'n/a'}`,
  ];
  return lines.join('\n');
}

export function finishWorkNote(p: Promotion, ctx: WorkNoteContext): string {
  const what = p.kind === 'rollback' ? 'rollback' : 'promotion';
  const outcome = p.evidence.outcome ?? (p.state === 'succeeded' ? 'succeeded' : p.state === 'failed' ? 'failed' : p.state);
  const ev = p.evidence;
  const lines = [
    `shipgate ${what} ${p.id} ${outcome.toUpperCase()}: ${p.service} ${p.kind === 'rollback' ? `in ${p.env}` : `${p.from} -> ${p.env}`}`,
    ...(outcome !== 'succeeded' && p.stateReason ? [`Reason: ${p.stateReason}`] : []),
    commitLine(p, ctx),
    ...(ev.mergeSha && ev.mergeSha !== p.sha ? [`Merge commit: ${ev.mergeSha}`] : []),
    ...(ev.startedAt ? [`Started: ${ev.startedAt}`] : []),
    ...(ev.finishedAt ? [`Finished: ${ev.finishedAt}`] : []),
  ];
  if (ev.pullRequests.length) {
    lines.push('Pull requests:', ...ev.pullRequests.map((pr) => `- #${pr.number}${pr.title ? ` ${pr.title}` : ''}: ${pr.url}`));
  }
  if (ev.runs.length) {
    lines.push('Workflow runs:');
    for (const r of ev.runs) {
      lines.push(`- ${runLabel(r)}: ${r.conclusion ?? r.status} ${r.url}`);
      for (const j of r.jobs ?? []) lines.push(`  - job ${j.name}: ${j.conclusion ?? 'n/a'} ${j.url}`);
    }
  }
  if (ev.databricks) lines.push(...databricksPlainLines(ev.databricks));
  const databricks = ev.matches.filter((m) => /databricks/i.test(m.name));
  const other = ev.matches.filter((m) => !/databricks/i.test(m.name));
  if (databricks.length) lines.push(`Databricks run IDs: ${databricks.map((m) => `${m.value}${m.source ? ` (${m.source})` : ''}`).join(', ')}`);
  if (other.length) lines.push('Other evidence:', ...other.map((m) => `- ${m.name}: ${m.value}${m.source ? ` (${m.source})` : ''}`));
  if (ev.deployments.length) lines.push(`GitHub deployments: ${ev.deployments.map((d) => `${d.id} (${d.environment})`).join(', ')}`);
  lines.push(`Approved in Slack by: ${p.approvals.map((a) => who(a.userId, ctx)).join('; ') || 'no approval required'}`);
  lines.push(`Slack thread: ${ctx.threadLink ?? 'n/a'}`);
  return lines.join('\n');
}
