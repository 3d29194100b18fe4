import { link, mrk, mention, type Mrkdwn } from '../shared/mrkdwn';
import { gate, type GatePhase, type GateResultFor } from './gates/gate-result';
import type { PlanReview } from './plan-review-state';
import type { Promotion } from './promotion';

export type { PlanReview } from './plan-review-state';

/** How much of plan.md the thread shows (the rest is behind the run link). */
export const PLAN_TEXT_CAP = 3000;

/** What the card says about a plan: terraform's counts when its `Plan:` line is there, else the size. */
export interface PlanSummary {
  summary: string;
  lines: number;
  counts?: { import?: number; add: number; change: number; destroy: number };
}

// terminal colours as terraform prints them without -no-color
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
// control characters other than tab and newline (never shown)
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f]/g;
const PLAN_LINE = /Plan:\s+(?:(\d+) to import,\s+)?(\d+) to add,\s+(\d+) to change,\s+(\d+) to destroy\b/;

/**
 * The one-line summary of a plan.md: "Plan: 3 to add, 1 to change, 0 to destroy" from
 * terraform's `Plan: X to add, Y to change, Z to destroy.` (with `N to import, ` when present;
 * the last such line counts), "No changes" from terraform's "No changes." line, else
 * "plan ready (n lines)".
 */
export function planSummary(markdown: string): PlanSummary {
  const clean = markdown.replace(ANSI, '').replace(/\r\n?/g, '\n');
  const body = clean.replace(/\n+$/, '');
  const lines = body === '' ? 0 : body.split('\n').length;
  const matches = [...clean.matchAll(new RegExp(PLAN_LINE.source, 'g'))];
  const m = matches.at(-1);
  if (m) {
    const [imp, add, change, destroy] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
    const counts = { ...(imp !== undefined ? { import: imp } : {}), add: add!, change: change!, destroy: destroy! };
    return { summary: `Plan: ${imp !== undefined ? `${imp} to import, ` : ''}${add} to add, ${change} to change, ${destroy} to destroy`, lines, counts };
  }
  if (/^\s*No changes\.\s/m.test(`${clean}\n`)) return { summary: 'No changes', lines, counts: { add: 0, change: 0, destroy: 0 } };
  return { summary: `plan ready (${lines} line${lines === 1 ? '' : 's'})`, lines };
}

/** A plan review as first asked for (after the request passed its gates) or as a re-plan (attempt + 1). */
export function newPlanReview(
  cfg: { workflow: string; ref: string; inputs: Record<string, string>; artifact: string },
  at: Date,
  previous?: PlanReview,
  by?: string,
): PlanReview {
  return {
    attempt: (previous?.attempt ?? 0) + 1,
    status: 'dispatching',
    workflow: cfg.workflow,
    ref: cfg.ref,
    inputs: cfg.inputs,
    artifactName: cfg.artifact,
    requestedAt: at.toISOString(),
    ...(by ? { requestedBy: by } : {}),
  };
}

/** Whether an approval may be given now: no plan is configured, or the plan is ready. */
export function planApprovable(p: Pick<Promotion, 'planReview'>): boolean {
  return !p.planReview || p.planReview.status === 'ready';
}

/** The approvals that count for the current plan (all of them when there is no plan). */
export function approvalsForPlan<A extends { planDigest?: string }>(p: { planReview?: PlanReview; approvals: readonly A[] }): A[] {
  const r = p.planReview;
  if (!r) return [...p.approvals];
  if (r.status !== 'ready' || !r.digest) return [];
  return p.approvals.filter((a) => a.planDigest === r.digest);
}

/** `{{planArtifactId}}` and `{{planRunId}}` for the deploy's inputs (empty where the environment makes no plan). */
export function planTemplateVars(p: Pick<Promotion, 'planReview'>): { planArtifactId: string; planRunId: string } {
  const r = p.planReview;
  return { planArtifactId: r?.artifactId !== undefined ? String(r.artifactId) : '', planRunId: r?.runId !== undefined ? String(r.runId) : '' };
}

function runLink(r: PlanReview): Mrkdwn {
  return r.runUrl ? link(r.runUrl, `plan run #${r.attempt}`) : mrk`plan #${r.attempt}`;
}

function voidedNote(r: PlanReview): Mrkdwn {
  const n = r.voided?.length ?? 0;
  return r.attempt > 1 ? mrk` · re-planned${n ? ` (${n} earlier approval${n === 1 ? '' : 's'} voided)` : ''}` : mrk``;
}

/**
 * The `plan` gate. At request time it shows the plan's progress (pending while it runs; the
 * summary once ready; a block when it failed). Right before execution it passes only when
 * the plan is ready and every approval was given for its digest (fail closed); `required`:
 * the environment makes a plan, so a promotion without one is blocked there too.
 */
export function planGate(p: Pick<Promotion, 'planReview' | 'approvals'>, phase: GatePhase, required = false): GateResultFor<'plan'> | undefined {
  const r = p.planReview;
  if (!r) {
    // the environment makes a plan, but none was made for this promotion: it must not execute
    return required && phase === 'execute'
      ? gate('plan', 'block', 'plan_not_approved', 'no plan was made for this promotion; request it again', { attempt: 0, stale: p.approvals.length })
      : undefined;
  }
  const base = { attempt: r.attempt, ...(r.runId !== undefined ? { runId: r.runId } : {}), ...(r.runUrl ? { runUrl: r.runUrl } : {}) };
  if (r.status === 'failed')
    return gate('plan', 'block', 'plan_failed', mrk`${runLink(r)} failed: ${r.failure ?? 'no plan'}`, { ...base, reason: r.failure ?? 'no plan' });
  if (r.status !== 'ready' || !r.digest || r.runId === undefined || r.artifactId === undefined) {
    if (phase === 'execute')
      return gate('plan', 'block', 'plan_not_approved', mrk`no plan is ready (${runLink(r)} is still running)`, { ...base, stale: p.approvals.length });
    return gate(
      'plan',
      'pending',
      'plan_running',
      mrk`:hourglass_flowing_sand: plan running (${runLink(r)})${voidedNote(r)}; approvals open once it is shown`,
      base,
    );
  }
  const stale = p.approvals.filter((a) => a.planDigest !== r.digest).length;
  if (phase === 'execute' && stale > 0) {
    return gate(
      'plan',
      'block',
      'plan_not_approved',
      mrk`${stale} approval${stale === 1 ? ' was' : 's were'} given for another plan than ${runLink(r)} (\`${r.digest.slice(7, 19)}\`)`,
      {
        ...base,
        digest: r.digest,
        stale,
      },
    );
  }
  return gate('plan', 'pass', 'plan_ready', mrk`${r.summary ?? 'plan ready'} (${runLink(r)}, artifact \`${r.digest.slice(7, 19)}\`)${voidedNote(r)}`, {
    ...base,
    runId: r.runId,
    runUrl: r.runUrl ?? '',
    artifactId: r.artifactId,
    digest: r.digest,
    summary: r.summary ?? '',
    lines: r.lines ?? 0,
  });
}

/** The gates with the plan gate replaced (or added) as it now reads. */
export function withPlanGate<P extends Pick<Promotion, 'planReview' | 'approvals' | 'gates'>>(p: P, phase: GatePhase = 'request'): P {
  const g = planGate(p, phase);
  if (!g) return p;
  const has = p.gates.some((x) => x.gate === 'plan');
  return { ...p, gates: has ? p.gates.map((x) => (x.gate === 'plan' ? g : x)) : [...p.gates, g] };
}

/** Triple backticks in the plan would close the code block early: shown as look-alikes (text stays text either way). */
function inCodeBlock(s: string): string {
  return s.replace(/`{3,}/g, (m) => '\u02cb'.repeat(m.length));
}

/**
 * The thread message with the plan: its summary, a link to the run, and plan.md in a code
 * block, capped at `cap` characters (the plan is untrusted text: escaped, never markup).
 */
export function planThreadMessage(r: PlanReview, markdown: string, cap = PLAN_TEXT_CAP): Mrkdwn {
  const clean = markdown
    .replace(ANSI, '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/\n+$/, '');
  const cut = clean.length > cap;
  const shown = cut ? `${clean.slice(0, cap)}\n…` : clean;
  const by = r.requestedBy ? mrk` (re-plan by ${mention(r.requestedBy)})` : mrk``;
  const tail = cut ? mrk`\n_Showing the first ${cap} of ${clean.length} characters; the whole plan is in the artifact of ${runLink(r)}._` : mrk``;
  return mrk`:page_facing_up: *${r.summary ?? 'Plan ready'}* — ${runLink(r)}${by}, artifact \`${r.artifactName}\` (\`${(r.digest ?? '').slice(0, 19)}…\`). Approvals count for this plan only.\n\`\`\`\n${inCodeBlock(shown) || ' '}\n\`\`\`${tail}`;
}
