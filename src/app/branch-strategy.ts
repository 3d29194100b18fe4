import type { BranchStrategy } from '../config/config-schema';
import type { Promotion } from '../domain/promotion';
import { ShipgateError } from '../domain/shipgate-error';
import type { PullRequests } from './ports/pull-requests';
import type { GitData } from './ports/git-data';
import { wakeKeys, type Sleeper } from './ports/sleeper';
import type { WorkflowRun, WorkflowRuns } from './ports/workflow-runs';
import type { PromotionSteps } from './promotion-steps';
import type { RunFollower } from './run-follower';
import { link, mrk } from '../domain/mrkdwn';

export interface BranchStrategyDeps {
  github: WorkflowRuns;
  pulls: PullRequests;
  git: GitData;
  steps: PromotionSteps;
  follower: RunFollower;
  sleeper: Sleeper;
  /** Waits until the required checks on a SHA are green (throws when they fail). */
  waitForChecks: (p: Promotion, sha: string) => Promise<void>;
  /** Link to the promotion (its Slack thread) for the PR body. */
  promotionLink: (p: Promotion) => string;
  findRunTimeoutMs?: number;
  pollMs?: number;
}

/**
 * Branch promotion (SPEC §1): PR source → target (reused when open), required checks green,
 * merge with the approved SHA as precondition (a moved head fails, never merges something
 * unapproved), then the deploy workflow run for the merge commit, followed to completion.
 */
export class BranchStrategyExecutor {
  constructor(private readonly d: BranchStrategyDeps) {}

  async run(p0: Promotion, strategy: BranchStrategy): Promise<{ promotion: Promotion; run?: WorkflowRun }> {
    const s = this.d.steps;
    let p = p0;
    const sha = p.sha;
    if (!sha) throw new ShipgateError('invalid_state', 'promotion has no candidate SHA');
    const base = strategy.branches[p.env]!;
    let head = strategy.branches[p.from]!;
    let mergeable = sha;
    if (p.kind === 'rollback') {
      // a commit whose tree is the target's, on top of the branch head, on its own branch: no force-push
      head = `shipgate/rollback-${p.id}`;
      let commit = p.steps.rollback_commit?.output?.sha as string | undefined;
      if (!commit) {
        const tip = await this.d.github.resolveCommit(p.repo, base);
        const tree = await this.d.git.commitTree(p.repo, sha);
        p = await s.started(p, 'rollback_commit', { base: tip, tree });
        commit = await this.d.git.createCommit(p.repo, {
          message: `Rollback ${p.service} in ${p.env} to ${sha.slice(0, 7)} (shipgate ${p.id})\n\nRestores the tree of ${sha}.${p.reason ? `\nReason: ${p.reason}` : ''}`,
          tree,
          parents: [tip],
        });
        p = await s.done(p, 'rollback_commit', { sha: commit });
        await s.audit(p, 'rollback_commit_created', { sha: commit, tree, parent: tip, restores: sha });
      }
      await this.d.git.createBranch(p.repo, head, commit);
      mergeable = commit;
    }

    // 1. the pull request (reuse an open one; creating twice is impossible: GitHub refuses a duplicate)
    let prNumber = p.steps.pull_request?.output?.number as number | undefined;
    if (prNumber === undefined) {
      p = await s.started(p, 'pull_request', { head, base });
      let pr = await this.d.pulls.findOpen(p.repo, head, base);
      if (!pr) {
        const commits = p.kind === 'rollback' ? (p.rollback?.commitsRemoved ?? []) : await this.d.pulls.commitsBetween(p.repo, base, sha).catch(() => []);
        const body = [
          p.kind === 'rollback'
            ? `Rollback of **${p.service}** in \`${p.env}\` to \`${sha}\` by shipgate (${p.id}); this removes the commits below.`
            : `Promotion of **${p.service}** from \`${p.from}\` to \`${p.env}\` by shipgate (${p.id}).`,
          '',
          `Approved in Slack by ${p.approvals.map((a) => a.userId).join(', ') || 'n/a'}: ${this.d.promotionLink(p)}`,
          '',
          `Commits (${commits.length}):`,
          ...commits.slice(0, 50).map((c) => `- ${c.sha.slice(0, 7)} ${c.message} (${c.author})`),
          ...(commits.length > 50 ? [`- … and ${commits.length - 50} more`] : []),
        ].join('\n');
        const title = p.kind === 'rollback' ? `Rollback ${p.service} in ${p.env} to ${sha.slice(0, 7)}` : `Promote ${p.service}: ${p.from} → ${p.env}`;
        pr = await this.d.pulls.create(p.repo, { head, base, title, body });
        if (!pr) throw new ShipgateError('github_error', `\`${base}\` already contains \`${head}\` (nothing to merge); ${p.env} may already run this commit`);
        await s.audit(p, 'pull_request_opened', { number: pr.number, url: pr.url });
      } else {
        await s.audit(p, 'pull_request_reused', { number: pr.number, url: pr.url });
      }
      prNumber = pr.number;
      p = await s.done(p, 'pull_request', { number: pr.number, url: pr.url });
      p = await s.update(p, (cur) => ({
        ...cur,
        evidence: { ...cur.evidence, pullRequests: cur.evidence.pullRequests.some((x) => x.number === pr!.number) ? cur.evidence.pullRequests : [...cur.evidence.pullRequests, { number: pr!.number, url: pr!.url, title: pr!.title }] },
      }));
      await s.thread(p, mrk`:twisted_rightwards_arrows: Pull request ${link(pr.url, `#${pr.number}`)} ${head} → ${base}.`);
    }

    // 2. merge (the approved SHA is the precondition)
    let mergeSha = p.steps.merge?.status === 'done' ? (p.steps.merge.output?.sha as string) : undefined;
    if (!mergeSha) {
      let pr = await this.d.pulls.get(p.repo, prNumber);
      if (p.steps.merge?.status === 'started' && pr.merged && pr.mergeSha) {
        mergeSha = pr.mergeSha; // merged before an interruption: adopt, never merge twice
      } else {
        if (pr.merged) throw new ShipgateError('github_error', `pull request #${prNumber} was merged outside shipgate`);
        if (pr.headSha !== mergeable) {
          throw new ShipgateError('github_error', `\`${head}\` moved since approval: it is at \`${pr.headSha.slice(0, 7)}\`, the approved SHA is \`${sha.slice(0, 7)}\`. Nothing was merged; request the promotion again.`);
        }
        if (p.kind !== 'rollback') await this.d.waitForChecks(p, sha);
        pr = await this.d.pulls.get(p.repo, prNumber);
        p = await s.started(p, 'merge', { number: prNumber, sha: mergeable });
        const res = await this.d.pulls.merge(
          p.repo,
          prNumber,
          mergeable,
          strategy.mergeMethod,
          p.kind === 'rollback' ? `Rollback ${p.service} in ${p.env} to ${sha.slice(0, 7)} (${p.id})` : `Promote ${p.service} ${sha.slice(0, 7)}: ${p.from} → ${p.env} (${p.id})`,
        );
        if (!res.ok) {
          const latest = await this.d.pulls.get(p.repo, prNumber).catch(() => pr);
          throw new ShipgateError(
            'github_error',
            res.reason === 'head_moved'
              ? `merge refused: \`${head}\` moved since approval (now \`${latest.headSha.slice(0, 7)}\`, approved \`${sha.slice(0, 7)}\`). Nothing was merged; request the promotion again.`
              : `merge refused by GitHub: ${res.message}`,
          );
        }
        mergeSha = res.sha;
        await s.audit(p, 'merged', { number: prNumber, sha: mergeSha, approvedSha: sha, method: strategy.mergeMethod });
      }
      p = await s.done(p, 'merge', { sha: mergeSha });
      p = await s.update(p, (cur) => ({ ...cur, evidence: { ...cur.evidence, mergeSha } }));
      const prUrl = p.evidence.pullRequests.find((x) => x.number === prNumber)?.url;
      await s.thread(p, mrk`:white_check_mark: Merged ${prUrl ? link(prUrl, `#${prNumber}`) : `#${prNumber}`} as \`${mergeSha}\`.`);
    }

    // 3. the deploy workflow run for the merge commit
    const workflow = strategy.deployWorkflows[p.env];
    if (!workflow) return { promotion: p };
    let runId = p.steps.deploy_run?.output?.runId as number | undefined;
    if (runId === undefined) {
      const run = await this.findDeployRun(p, workflow, base, mergeSha);
      if (!run) throw new ShipgateError('github_error', `no run of ${workflow} started for the merge commit \`${mergeSha.slice(0, 7)}\` on \`${base}\``);
      runId = run.id;
      p = await s.done(p, 'deploy_run', { runId, workflow });
    }
    return this.d.follower.follow(p, strategy, runId, [mergeSha, mergeable, sha]);
  }

  private async findDeployRun(p: Promotion, workflow: string, branch: string, sha: string): Promise<WorkflowRun | undefined> {
    const deadline = this.d.steps.now().getTime() + (this.d.findRunTimeoutMs ?? 120_000);
    const wf = /\.ya?ml$/.test(workflow) ? workflow : `${workflow}.yml`;
    for (let attempt = 0; ; attempt++) {
      const runs = await this.d.github.listRuns(p.repo, wf, { headSha: sha, branch });
      const run = runs.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
      if (run) return run;
      if (this.d.steps.now().getTime() >= deadline) return undefined;
      await this.d.sleeper.sleep(Math.min((this.d.pollMs ?? 500) * 2 ** attempt, 5000), [wakeKeys.sha(p.repo, sha), wakeKeys.workflow(p.repo)]);
    }
  }
}
