import type { BranchStrategy, WorkflowStrategy } from '../../config/config-schema';
import { patternMatches, runLabel, withRun, type RunEvidence } from '../../domain/evidence';
import { followedRunId, outputOf } from '../../domain/execution-plan';
import { link, mrk, type Mrkdwn } from '../../shared/mrkdwn';
import { withThreadPost } from '../../domain/outbox';
import { deployedSha, type Promotion, type StepRecord } from '../../domain/promotion';
import { ShipgateError } from '../../shared/shipgate-error';
import { wakeKeys } from '../../domain/wake-keys';
import type { WorkflowRun } from '../ports/workflow-runs';
import { pollDelay, type ExecDeps } from './exec-deps';
import type { StepKit } from './step-kit';
import { StepWait } from './step-wait';
import { githubEnvironmentMatches } from '../../domain/github-environment';

export { githubEnvironmentMatches } from '../../domain/github-environment';



/** A run as evidence; `deployed` is the commit it deploys (a dispatched run's head SHA is only the head of the workflow ref). */
function evidenceOf(run: WorkflowRun, deployed: string, jobs?: RunEvidence['jobs']): RunEvidence {
  return {
    id: run.id,
    name: run.name,
    url: run.htmlUrl,
    status: run.status,
    conclusion: run.conclusion,
    headSha: run.headSha,
    deployedSha: deployed,
    ...(run.runNumber !== undefined ? { runNumber: run.runNumber } : {}),
    ...(jobs ? { jobs } : {}),
  };
}

/**
 * The run's current state: from the latest webhook when it says something newer than what
 * the promotion shows (no GitHub call), else read from GitHub (a conditional request).
 */
async function currentRun(d: ExecDeps, p: Promotion, runId: number): Promise<WorkflowRun> {
  const seen = await d.runs.recall(p.repo, runId);
  const shown = p.evidence.runs.find((r) => r.id === runId);
  if (seen && (!shown || seen.status !== shown.status || seen.conclusion !== shown.conclusion)) return seen;
  return d.github.getRun(p.repo, runId);
}

/**
 * Follows the run without holding a worker: each look reads the run once and either goes on
 * (completed), answers GitHub Environment reviews (only for the environment and SHA approved
 * in Slack), or ends the job until the next look (a webhook for the run wakes it earlier).
 */
export async function followRunStep(d: ExecDeps, k: StepKit, p0: Promotion, strategy: WorkflowStrategy | BranchStrategy): Promise<Promotion> {
  let p = p0;
  const runId = followedRunId(p)!;
  const run = await currentRun(d, p, runId);
  const shown = p.evidence.runs.find((r) => r.id === runId);
  const deployed = deployedSha(p) ?? run.headSha;
  if (!shown || shown.status !== run.status || shown.conclusion !== run.conclusion || shown.runNumber !== run.runNumber) {
    p = await k.update(p, (cur) => {
      const next = { ...cur, evidence: withRun(cur.evidence, evidenceOf(run, deployed, cur.evidence.runs.find((r) => r.id === runId)?.jobs)) };
      return withThreadPost(next, `announce_run:${runId}`, mrk`:arrow_forward: Workflow run ${link(run.htmlUrl, runLabel(run))} deploying \`${deployed.slice(0, 7)}\` (${run.status}).`, k.now());
    });
  }
  p = await settleReviews(d, k, p, run, strategy);
  if (run.status === 'waiting') p = await answerReviews(d, k, p, run, strategy);
  if (run.status === 'completed') return k.done(p, 'follow_run', { status: run.status, conclusion: run.conclusion });
  const since = Date.parse(p.steps.find_run?.finishedAt ?? p.steps.dispatch?.finishedAt ?? p.evidence.startedAt ?? k.now().toISOString());
  const elapsed = k.now().getTime() - since;
  if (elapsed > d.timing.runTimeoutMs) throw new ShipgateError('github_error', `run ${run.htmlUrl} did not complete in time (still ${run.status})`);
  throw new StepWait(pollDelay(d.timing, elapsed), [wakeKeys.run(p.repo, runId)], `run ${runId} is ${run.status}`);
}

/** The commits a Slack approval covers for this run (branch strategy: the approved SHA and its merge commit). */
function approvedShas(p: Promotion): readonly string[] | undefined {
  if (p.steps.dispatch) return undefined; // shipgate dispatched this run itself with the SHA as input
  return [outputOf(p, 'merge')?.sha, outputOf(p, 'rollback_commit')?.sha, p.sha].filter((s): s is string => Boolean(s));
}

function reviewKey(runId: number, environmentId: number): string {
  return `review:${runId}:${environmentId}`;
}

/** Reviews an earlier attempt may have given (a crash or a lost answer): look them up and record them, once. */
async function settleReviews(d: ExecDeps, k: StepKit, p0: Promotion, run: WorkflowRun, strategy: WorkflowStrategy | BranchStrategy): Promise<Promotion> {
  let p = p0;
  const records: StepRecord[] = Object.values(p.steps);
  const open = records.filter((s) => s.name.startsWith(`review:${run.id}:`) && s.status !== 'done' && s.status !== 'failed');
  for (const rec of open) {
    const envId = Number(rec.name.split(':')[2]);
    const given = await lookReview(d, p, run.id, envId);
    if (given) p = await recordReview(d, k, p, run, strategy, envId, String(rec.output?.environment ?? ''), given.state as 'approved' | 'rejected', 'review_adopted');
  }
  return p;
}

async function lookReview(d: ExecDeps, p: Promotion, runId: number, envId: number): Promise<{ state: string } | undefined> {
  const reviews = await d.reviews.reviewsOf(p.repo, runId);
  return reviews.find((r) => r.environmentIds.includes(envId) && r.comment.includes(p.id));
}

async function recordReview(
  _d: ExecDeps,
  k: StepKit,
  p: Promotion,
  run: WorkflowRun,
  _s: WorkflowStrategy | BranchStrategy,
  envId: number,
  environment: string,
  state: 'approved' | 'rejected',
  auditType: string,
  why?: Mrkdwn,
): Promise<Promotion> {
  const key = reviewKey(run.id, envId);
  const said =
    state === 'approved'
      ? mrk`:white_check_mark: Approved the GitHub Environment *${environment}* review for \`${run.headSha.slice(0, 7)}\` (as approved in Slack).`
      : mrk`:no_entry: Rejected the GitHub Environment review of ${link(run.htmlUrl, runLabel(run))}: ${why ?? 'not the environment or SHA approved in Slack'}.`;
  return k.doneKeyed(p, key, { environment, state, sha: run.headSha }, (cur) => withThreadPost(cur, `${key}:said`, said, k.now()), [
    { type: state === 'approved' ? auditType : 'environment_review_refused', data: { runId: run.id, environment, sha: run.headSha, ...(why ? { reason: why.text } : {}) } },
  ]);
}

async function answerReviews(d: ExecDeps, k: StepKit, p0: Promotion, run: WorkflowRun, strategy: WorkflowStrategy | BranchStrategy): Promise<Promotion> {
  let p = p0;
  const pending = await d.reviews.pending(p.repo, run.id);
  for (const dep of pending) {
    const key = reviewKey(run.id, dep.environmentId);
    if (p.steps[key]?.status === 'done') continue;
    if (!strategy.approveEnvironments) {
      p = await k.say(
        p,
        key,
        mrk`:hourglass: ${link(run.htmlUrl, runLabel(run))} is waiting for a review on the GitHub Environment *${dep.environment}*; approve it on GitHub (shipgate is not set to approve environments for this service).`,
      );
      continue;
    }
    const envOk = githubEnvironmentMatches(dep.environment, p.env, strategy.githubEnvironments);
    const shas = approvedShas(p);
    const shaOk = !shas || shas.includes(run.headSha);
    const approvers = p.approvals.map((a) => `@${a.userId}`).join(', ');
    if (envOk && shaOk && dep.canApprove) {
      const comment = `Approved in Slack by ${approvers} (shipgate ${p.id}, ${run.headSha.slice(0, 7)} → ${p.env})`;
      const next = await k.effectKeyed(p, key, {
        look: () => lookReview(d, p, run.id, dep.environmentId),
        act: async () => {
          await d.reviews.review(p.repo, run.id, [dep.environmentId], 'approved', comment);
          return { state: 'approved' };
        },
        output: () => ({ environment: dep.environment, state: 'approved', sha: run.headSha }),
        apply: (cur) => withThreadPost(cur, `${key}:said`, mrk`:white_check_mark: Approved the GitHub Environment *${dep.environment}* review for \`${run.headSha.slice(0, 7)}\` (as approved in Slack).`, k.now()),
        adopted: 'review_adopted',
        applied: () => ({ type: 'environment_approved', data: { runId: run.id, environment: dep.environment, sha: run.headSha } }),
      });
      p = next;
      continue;
    }
    const why = !dep.canApprove
      ? mrk`shipgate's GitHub identity is not a reviewer of *${dep.environment}*`
      : !envOk
        ? mrk`*${dep.environment}* is not the environment approved in Slack (*${p.env}*)`
        : mrk`the run deploys \`${run.headSha.slice(0, 7)}\`, not the SHA approved in Slack (\`${p.sha?.slice(0, 7) ?? 'unresolved'}\`)`;
    if (!dep.canApprove) {
      p = await k.doneKeyed(p, key, { environment: dep.environment, state: 'left', reason: why.text }, (cur) =>
        withThreadPost(cur, `${key}:said`, mrk`:no_entry: Did not approve the GitHub Environment review of ${link(run.htmlUrl, runLabel(run))}: ${why}.`, k.now()),
      );
      continue;
    }
    const next = await k.effectKeyed(p, key, {
      look: () => lookReview(d, p, run.id, dep.environmentId),
      act: async () => {
        await d.reviews.review(p.repo, run.id, [dep.environmentId], 'rejected', `Rejected by shipgate ${p.id}: ${why.text.replace(/[*`]/g, '')}`);
        return { state: 'rejected' };
      },
      output: () => ({ environment: dep.environment, state: 'rejected', reason: why.text }),
      apply: (cur) => withThreadPost(cur, `${key}:said`, mrk`:no_entry: Rejected the GitHub Environment review of ${link(run.htmlUrl, runLabel(run))}: ${why}.`, k.now()),
      applied: () => ({ type: 'environment_review_refused', data: { runId: run.id, environment: dep.environment, sha: run.headSha, reason: why.text } }),
    });
    p = next;
  }
  return p;
}

/** Jobs of the completed run and `evidence.patterns` matches in their logs (Databricks run IDs enriched). */
export async function collectStep(d: ExecDeps, k: StepKit, p: Promotion): Promise<Promotion> {
  const runId = followedRunId(p)!;
  const jobs = await d.github.listJobs(p.repo, runId);
  const found: Array<{ name: string; value: string; source: string; state?: string; url?: string }> = [];
  for (const job of d.config.evidence.patterns.length ? jobs : []) {
    let log = '';
    try {
      log = await d.logs.jobLog(p.repo, job.id);
    } catch (e) {
      k.log.warn({ job: job.id, err: e }, 'job log unavailable');
      continue;
    }
    for (const m of patternMatches(log, d.config.evidence.patterns, job.name)) if (!found.some((f) => f.name === m.name && f.value === m.value)) found.push(m);
  }
  if (d.databricks) {
    for (const f of found.filter((x) => /databricks/i.test(x.name))) {
      try {
        const info = await d.databricks.describe(f.value);
        Object.assign(f, { state: info.state, ...(info.url ? { url: info.url } : {}) });
      } catch (e) {
        k.log.warn({ runId: f.value, err: e }, 'Databricks run not enriched');
      }
    }
  }
  const jobEvidence = jobs.map((j) => ({ id: j.id, name: j.name, conclusion: j.conclusion, url: j.htmlUrl }));
  return k.done(p, 'collect', {}, (cur) => {
    const runs = cur.evidence.runs.map((r) => (r.id === runId ? { ...r, jobs: jobEvidence } : r));
    const matches = [...cur.evidence.matches];
    for (const f of found) if (!matches.some((m) => m.name === f.name && m.value === f.value)) matches.push(f);
    return { ...cur, evidence: { ...cur.evidence, runs, matches } };
  });
}
