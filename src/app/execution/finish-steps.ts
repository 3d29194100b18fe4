import { executionBegan, followedRunId } from '../../domain/execution-plan';
import { fromStored, joinMd, link, mention, mrk, type Mrkdwn } from '../../shared/mrkdwn';
import { withEvidenceUpload, withThreadPost } from '../../domain/outbox';
import { runLabel } from '../../domain/evidence';
import { databricksLines } from '../../domain/databricks-evidence';
import { deployedSha, transition, type Promotion } from '../../domain/promotion';
import type { ExecDeps } from './exec-deps';
import type { StepKit } from './step-kit';
import { verificationFailure, verificationOutcome } from './verify-steps';

/** The ServiceNow work note before the first side effect (its failure is said in the thread, never fails the deployment). */
export async function startNoteStep(d: ExecDeps, k: StepKit, p: Promotion): Promise<Promotion> {
  const note = d.onStarted ? await d.onStarted(p) : undefined;
  return k.done(p, 'start_note', {}, (cur) => (note ? withThreadPost(cur, 'start_note', fromStored(note), k.now()) : cur));
}

/**
 * running → succeeded | failed: the run's conclusion (or the permanent failure a step
 * recorded), with what now runs in the environment added to its history in the same atomic
 * step (the next request's candidate and the next rollback's target read it).
 */
export async function finishStep(d: ExecDeps, k: StepKit, p: Promotion): Promise<Promotion> {
  const now = k.now();
  const runId = followedRunId(p);
  const run = runId === undefined ? undefined : p.evidence.runs.find((r) => r.id === runId);
  const failure = p.exec?.failure ? fromStored(p.exec.failure) : run && run.conclusion !== 'success' ? mrk`workflow run concluded ${run.conclusion ?? 'unknown'}` : undefined;
  // deployed, then the environment's verify workflow: the promotion succeeds only when it passed
  const verified = failure ? undefined : verificationOutcome(p);
  const outcome = failure ? 'failed' : verified === 'failed' ? 'failed_verification' : 'succeeded';
  const verifyReason = verified === 'failed' ? verificationFailure(p) : undefined;
  // what runs in env now: the merge commit for a branch promotion, the SHA itself otherwise
  const deployed = deployedSha(p);
  const lastRun = p.evidence.runs[p.evidence.runs.length - 1];
  const history = deployed
    ? {
        service: p.service,
        env: p.env,
        sha: deployed,
        ...(p.sha && p.sha !== deployed ? { approvedSha: p.sha } : {}),
        promotionId: p.id,
        kind: p.kind,
        outcome: outcome === 'failed' ? 'failed' : 'succeeded',
        ...(verified ? { verification: verified } : {}),
        at: now.toISOString(),
        ...(lastRun ? { runUrl: lastRun.url, runName: runLabel(lastRun) } : {}),
        ...(p.rollback ? { rollbackOf: p.rollback.currentPromotionId } : {}),
      } as const
    : undefined;
  const next = await k.update(
    p,
    (cur) => {
      if (cur.state !== 'running') return undefined;
      const ended = { ...cur, evidence: { ...cur.evidence, finishedAt: now.toISOString(), outcome } } as Promotion;
      if (outcome === 'failed_verification') return transition(ended, { type: 'verification_failed', reason: verifyReason ?? 'verification failed' }, now);
      return outcome === 'succeeded' ? transition(ended, { type: 'succeeded' }, now) : transition(ended, { type: 'failed', reason: failure ?? 'failed' }, now);
    },
    [{ type: outcome, data: { sha: p.sha, ...(failure ? { reason: failure.text } : verifyReason ? { reason: verifyReason.text } : {}), evidence: p.evidence } }],
    history,
  );
  await d.queue.enqueueMirror(p.id); // GitHub Deployment mirroring: low priority, never delays another promotion
  return next;
}

export async function finishNoteStep(d: ExecDeps, k: StepKit, p: Promotion): Promise<Promotion> {
  const note = d.onFinished ? await d.onFinished(p) : undefined;
  return k.done(p, 'finish_note', {}, (cur) => (note ? withThreadPost(cur, 'finish_note', fromStored(note), k.now()) : cur));
}

export async function summaryStep(_d: ExecDeps, k: StepKit, p: Promotion): Promise<Promotion> {
  return k.done(p, 'summary', {}, (cur) => withThreadPost(cur, 'summary', evidenceSummary(cur), k.now()));
}

/** One evidence pack per change: automatic when the last environment of the pipeline is reached. */
export async function evidencePackStep(_d: ExecDeps, k: StepKit, p: Promotion): Promise<Promotion> {
  return k.done(p, 'evidence_pack', {}, (cur) => withEvidenceUpload(cur, 'evidence:auto', mrk`:card_index_dividers: Evidence pack for \`${cur.id}\` (${cur.state}).`, k.now()));
}

export async function finalizeStep(_d: ExecDeps, k: StepKit, p: Promotion): Promise<Promotion> {
  return k.update(p, (cur) => (cur.exec?.finalized ? undefined : { ...cur, exec: { ...cur.exec, finalized: true, ...(executionBegan(cur) ? {} : { mirrored: true }) } }));
}

/** What runs in the environment after a successful promotion or rollback, and where it came from. */
function nowRuns(p: Promotion): Mrkdwn {
  const deployed = deployedSha(p) ?? 'unresolved';
  const approved = p.sha && p.sha !== deployed ? p.sha.slice(0, 7) : undefined;
  const notes =
    p.kind === 'rollback'
      ? [mrk`rolled back from \`${p.rollback?.currentSha.slice(0, 7) ?? '?'}\``, ...(approved ? [mrk`restores the tree of \`${approved}\``] : [])]
      : approved
        ? [mrk`merge of \`${approved}\``]
        : [];
  return mrk`*${p.env}* now runs \`${deployed}\`${notes.length ? mrk` (${joinMd(notes, '; ')})` : ''}.`;
}

/** The thread's closing message: outcome and every piece of evidence. */
export function evidenceSummary(p: Promotion): Mrkdwn {
  const e = p.evidence;
  const approvers = p.approvals.length ? joinMd(p.approvals.map((a) => mention(a.userId)), ', ') : 'n/a';
  return joinMd(
    [
      p.state === 'succeeded'
        ? mrk`:large_green_circle: *Succeeded*: ${nowRuns(p)}`
        : mrk`:red_circle: *${p.state === 'failed_verification' ? 'Failed verification' : 'Failed'}*: ${p.stateReason ? fromStored(p.stateReason) : 'failed'}`,
      mrk`• Commit: \`${p.sha ?? 'unresolved'}\``,
      ...e.pullRequests.map((pr) => mrk`• Pull request: ${link(pr.url, `#${pr.number}`)}${pr.title ? ` ${pr.title}` : ''}`),
      ...(e.mergeSha ? [mrk`• Merge commit: \`${e.mergeSha}\``] : []),
      ...e.runs.map((r) => mrk`• Run: ${link(r.url, runLabel(r))}: ${r.conclusion ?? r.status}`),
      ...e.runs.flatMap((r) => (r.jobs ?? []).map((j) => mrk`    ◦ job ${link(j.url, j.name)}: ${j.conclusion ?? 'n/a'}`)),
      ...(e.databricks ? databricksLines(e.databricks) : []),
      ...(e.verification ? [mrk`• Verification: ${link(e.verification.url, e.verification.name ?? e.verification.workflow)} (run ${e.verification.runId}): ${e.verification.conclusion ?? e.verification.status}`] : []),
      ...e.matches.map((m) => mrk`• ${m.name}: ${m.url ? link(m.url, mrk`\`${m.value}\``) : mrk`\`${m.value}\``} (${m.source}${m.state ? `, ${m.state}` : ''})`),
      mrk`• Approved by: ${approvers}${p.override?.approvedBy ? mrk`; emergency override by ${mention(p.override.approvedBy.userId)}` : ''}`,
    ],
    '\n',
  );
}
