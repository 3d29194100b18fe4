import type { BranchStrategy } from '../../config/config-schema';
import { outputOf } from '../../domain/execution-plan';
import { isGate } from '../../domain/gates/gate-result';
import { fromStored, link, mrk } from '../../shared/mrkdwn';
import { withThreadPost } from '../../domain/outbox';
import type { Promotion } from '../../domain/promotion';
import { ShipgateError } from '../../shared/shipgate-error';
import { wakeKeys } from '../../domain/wake-keys';
import { pollDelay, type ExecDeps } from './exec-deps';
import type { StepKit } from './step-kit';
import { StepWait } from './step-wait';

/**
 * Branch promotion (SPEC §1) as steps: PR source → target (reused when open), required
 * checks green, merge with the approved SHA as precondition (a moved head fails and merges
 * nothing), then the deploy run of the merge commit. A rollback first makes a commit whose
 * tree is the target's on top of the branch head, on its own branch (no force-push).
 */

/** The branch a promotion merges from (the rollback's own branch for a rollback). */
export function headBranch(p: Promotion, strategy: BranchStrategy): string {
  return p.kind === 'rollback' ? `shipgate/rollback-${p.id}` : strategy.branches[p.from]!;
}

/** The commit the merge must find at the head of the PR: the approved SHA, or the rollback commit. */
export function mergeableSha(p: Promotion): string {
  const sha = p.sha;
  if (!sha) throw new ShipgateError('invalid_state', 'promotion has no candidate SHA');
  return p.kind === 'rollback' ? (outputOf(p, 'rollback_commit')?.sha ?? sha) : sha;
}

export async function rollbackCommitStep(d: ExecDeps, k: StepKit, p: Promotion, strategy: BranchStrategy): Promise<Promotion> {
  const sha = mergeableSha(p);
  const base = strategy.branches[p.env]!;
  const tip = await d.github.resolveCommit(p.repo, base);
  const tree = await d.git.commitTree(p.repo, sha);
  // a fixed date: a retried create gives the same commit (content-addressed), never a second one
  const commit = await d.git.createCommit(p.repo, {
    message: `Rollback ${p.service} in ${p.env} to ${sha.slice(0, 7)} (shipgate ${p.id})\n\nRestores the tree of ${sha}.${p.reason ? `\nReason: ${p.reason}` : ''}`,
    tree,
    parents: [tip],
    date: p.evidence.startedAt ?? p.createdAt,
  });
  return k.done(p, 'rollback_commit', { sha: commit, base: tip, tree }, (c) => c, [{ type: 'rollback_commit_created', data: { sha: commit, tree, parent: tip, restores: sha } }]);
}

export async function rollbackBranchStep(d: ExecDeps, k: StepKit, p: Promotion, strategy: BranchStrategy): Promise<Promotion> {
  const branch = headBranch(p, strategy);
  await d.git.createBranch(p.repo, branch, mergeableSha(p)); // idempotent: an existing branch at that commit is fine
  return k.done(p, 'rollback_branch', { branch });
}

export async function pullRequestStep(d: ExecDeps, k: StepKit, p0: Promotion, strategy: BranchStrategy): Promise<Promotion> {
  const head = headBranch(p0, strategy);
  const base = strategy.branches[p0.env]!;
  const sha = mergeableSha(p0);
  const { p } = await k.effect(p0, 'pull_request', {
    look: () => d.pulls.findOpen(p0.repo, head, base),
    // no listing first: an open PR for head → base makes GitHub answer 422 "already exists", and
    // `create` then adopts that PR (one call saved on every promotion)
    act: async () => {
      const commits = p0.kind === 'rollback' ? (p0.rollback?.commitsRemoved ?? []) : await d.pulls.commitsBetween(p0.repo, base, sha).catch(() => []);
      const pr = await d.pulls.create(p0.repo, { head, base, title: prTitle(p0), body: prBody(d, p0, sha, commits) });
      if (!pr) throw new ShipgateError('github_error', `\`${base}\` already contains \`${head}\` (nothing to merge); ${p0.env} may already run this commit`);
      return pr;
    },
    output: (pr) => ({ number: pr.number, url: pr.url }),
    apply: (cur, pr) =>
      withThreadPost(
        {
          ...cur,
          evidence: {
            ...cur.evidence,
            pullRequests: cur.evidence.pullRequests.some((x) => x.number === pr.number) ? cur.evidence.pullRequests : [...cur.evidence.pullRequests, { number: pr.number, url: pr.url, title: pr.title }],
          },
        },
        `pr:${pr.number}`,
        mrk`:twisted_rightwards_arrows: Pull request ${link(pr.url, `#${pr.number}`)} ${head} → ${base}.`,
        k.now(),
      ),
    adopted: 'pull_request_reused',
    applied: (pr) => ({ type: 'pull_request_opened', data: { number: pr.number, url: pr.url } }),
  });
  return p;
}

function prTitle(p: Promotion): string {
  return p.kind === 'rollback' ? `Rollback ${p.service} in ${p.env} to ${p.sha?.slice(0, 7)}` : `Promote ${p.service}: ${p.from} → ${p.env}`;
}

function prBody(d: ExecDeps, p: Promotion, sha: string, commits: Array<{ sha: string; message: string; author: string }>): string {
  return [
    p.kind === 'rollback'
      ? `Rollback of **${p.service}** in \`${p.env}\` to \`${p.sha}\` by shipgate (${p.id}); this removes the commits below.`
      : `Promotion of **${p.service}** from \`${p.from}\` to \`${p.env}\` by shipgate (${p.id}).`,
    '',
    `Approved in Slack by ${p.approvals.map((a) => a.userId).join(', ') || 'n/a'}: ${d.promotionLink(p)}`,
    '',
    `Commits (${commits.length}):`,
    ...commits.slice(0, 50).map((c) => `- ${c.sha.slice(0, 7)} ${c.message} (${c.author})`),
    ...(commits.length > 50 ? [`- … and ${commits.length - 50} more`] : []),
    ...(sha !== p.sha ? ['', `Merges \`${sha}\`.`] : []),
  ].join('\n');
}

/** Required checks green (a wait, not a held worker), then merge with the approved SHA as precondition. */
export async function mergeStep(d: ExecDeps, k: StepKit, p0: Promotion, strategy: BranchStrategy): Promise<Promotion> {
  const number = outputOf(p0, 'pull_request')!.number;
  const sha = p0.sha!;
  const mergeable = mergeableSha(p0);
  const head = headBranch(p0, strategy);
  const claimed = p0.steps.merge;
  // before claiming the merge its checks are green; whether the head moved is GitHub's to refuse
  // atomically (the merge carries the approved SHA as precondition: 409, nothing merged)
  if (!claimed && p0.kind !== 'rollback') await waitForChecks(d, k, p0, sha);
  const { p } = await k.effect<{ sha: string }, 'merge'>(p0, 'merge', {
    look: async () => {
      const pr = await d.pulls.get(p0.repo, number);
      return pr.merged && pr.mergeSha ? { sha: pr.mergeSha } : undefined;
    },
    act: async () => {
      const res = await d.pulls.merge(p0.repo, number, mergeable, strategy.mergeMethod, mergeTitle(p0, sha));
      if (res.ok) return { sha: res.sha };
      const latest = await d.pulls.get(p0.repo, number);
      if (latest.merged && latest.mergeSha && claimed) return { sha: latest.mergeSha }; // our earlier attempt merged it
      if (latest.merged) throw new ShipgateError('github_error', `pull request #${number} was merged outside shipgate`);
      throw new ShipgateError(
        'github_error',
        res.reason === 'head_moved' || latest.headSha !== mergeable
          ? `\`${head}\` moved since approval: it is at \`${latest.headSha.slice(0, 7)}\`, the approved SHA is \`${mergeable.slice(0, 7)}\`. Nothing was merged; request the promotion again.`
          : `merge refused by GitHub: ${res.message}`,
      );
    },
    output: (v) => ({ sha: v.sha }),
    apply: (cur, v) => {
      const url = cur.evidence.pullRequests.find((x) => x.number === number)?.url;
      return withThreadPost({ ...cur, evidence: { ...cur.evidence, mergeSha: v.sha } }, 'merged', mrk`:white_check_mark: Merged ${url ? link(url, `#${number}`) : `#${number}`} as \`${v.sha}\`.`, k.now());
    },
    adopted: 'merge_adopted',
    applied: (v) => ({ type: 'merged', data: { number, sha: v.sha, approvedSha: sha, method: strategy.mergeMethod } }),
  });
  return p;
}

function mergeTitle(p: Promotion, sha: string): string {
  return p.kind === 'rollback' ? `Rollback ${p.service} in ${p.env} to ${sha.slice(0, 7)} (${p.id})` : `Promote ${p.service} ${sha.slice(0, 7)}: ${p.from} → ${p.env} (${p.id})`;
}

/** The checks gate on `sha`: pass → go on; block → fail; pending → look again later (woken by check webhooks). */
async function waitForChecks(d: ExecDeps, k: StepKit, p: Promotion, sha: string): Promise<void> {
  if (!d.checksFor) return;
  // the gates were re-checked right before execution: a pass seconds ago need not be read again
  const recent = p.gates.find(isGate('checks', 'checks_ok', 'no_required_checks'));
  const fresh = p.gatesEvaluatedAt && k.now().getTime() - Date.parse(p.gatesEvaluatedAt) < 60_000;
  if (recent && fresh && (recent.status === 'pass' || recent.status === 'warn') && recent.details?.sha === sha) return;
  const r = await d.checksFor(p, sha);
  if (!r || r.status === 'pass' || r.status === 'warn') return;
  if (r.status === 'block') throw new ShipgateError('github_error', mrk`required checks failed on \`${sha.slice(0, 7)}\`: ${fromStored(r.summary)}`);
  const since = Date.parse(p.steps.checks_wait?.startedAt ?? k.now().toISOString());
  if (!p.steps.checks_wait) {
    await k.update(p, (cur) =>
      cur.steps.checks_wait
        ? undefined
        : withThreadPost({ ...cur, steps: { ...cur.steps, checks_wait: { name: 'checks_wait', status: 'started', startedAt: k.now().toISOString() } } }, 'checks_wait', mrk`:hourglass: Waiting for required checks on \`${sha.slice(0, 7)}\`: ${fromStored(r.summary)}`, k.now()),
    );
  }
  const elapsed = k.now().getTime() - since;
  if (elapsed > d.timing.checksTimeoutMs) throw new ShipgateError('github_error', mrk`required checks still pending on \`${sha.slice(0, 7)}\`: ${fromStored(r.summary)}`);
  throw new StepWait(pollDelay(d.timing, elapsed), [wakeKeys.sha(p.repo, sha)], 'required checks pending');
}

/** The run of `deployWorkflows[env]` for the merge commit (started by the push of the merge). */
export async function findDeployRunStep(d: ExecDeps, k: StepKit, p: Promotion, strategy: BranchStrategy): Promise<Promotion> {
  const workflow = strategy.deployWorkflows[p.env]!;
  const wf = /\.ya?ml$/.test(workflow) ? workflow : `${workflow}.yml`;
  const mergeSha = outputOf(p, 'merge')!.sha;
  const base = strategy.branches[p.env]!;
  const runs = await d.github.listRuns(p.repo, wf, { headSha: mergeSha, branch: base });
  const run = runs.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
  if (run) {
    await d.runs.claim(p.repo, run.id, p.id);
    // the listing says what state the run is in: the first look needs no read of its own
    await d.runs.remember(p.repo, run);
    return k.done(p, 'find_run', { runId: run.id, workflow: wf });
  }
  const since = Date.parse(p.steps.merge?.finishedAt ?? k.now().toISOString());
  const elapsed = k.now().getTime() - since;
  if (elapsed > d.timing.findRunTimeoutMs) throw new ShipgateError('github_error', `no run of ${wf} started for the merge commit \`${mergeSha.slice(0, 7)}\` on \`${base}\``);
  throw new StepWait(pollDelay(d.timing, elapsed), [wakeKeys.sha(p.repo, mergeSha), wakeKeys.workflow(p.repo)], 'the deploy run of the merge is not listed yet');
}
