import type { GateResult } from './gates/gate-result';

/**
 * The dry run of a promotion (`/promote plan`, `shipgate plan`): every gate and what would
 * ship (the commits and pull requests between what runs in the target and the candidate).
 * Pure data and the capping rules; the app layer fills it, adapters render it.
 */

export interface DiffCommit {
  sha: string;
  /** First line of the commit message. */
  message: string;
  /** GitHub login when the author maps to a user. */
  authorLogin?: string;
  authorName: string;
  url: string;
  date?: string;
  /** Numbers of the pull requests associated with this commit (set on listed commits). */
  pulls?: number[];
  /** Parent SHAs, when the source host lists them (two or more: a merge commit). */
  parents?: string[];
}

export interface DiffPullRequest {
  number: number;
  title: string;
  url: string;
  state: 'open' | 'closed';
  merged: boolean;
  authorLogin?: string;
  /** The branch it was opened against. */
  base?: string;
}

/** What the compare API says between two commits (commits oldest first, as GitHub lists them). */
export interface Comparison {
  base: string;
  head: string;
  status: 'identical' | 'ahead' | 'behind' | 'diverged';
  aheadBy: number;
  behindBy: number;
  totalCommits: number;
  commits: DiffCommit[];
  /** Web page of the comparison. */
  url: string;
}

export interface PlanDiffBase {
  sha: string;
  /** How it was found, e.g. "running in prod (p-20260302-abc123)" or "head of `prod`". */
  source: string;
}

export interface PlanDiff {
  /** What runs in the target; undefined when nothing is known to run there. */
  base?: PlanDiffBase;
  head: string;
  status?: Comparison['status'];
  /** Commits that would ship (GitHub's count, which may exceed what was listed). */
  total: number;
  behindBy: number;
  /** Newest first, at most the cap. */
  commits: DiffCommit[];
  /** How many of `total` are not listed in `commits`. */
  more: number;
  /** Pull requests associated with the listed commits (deduplicated, by number). */
  pullRequests: DiffPullRequest[];
  /** The compare page on GitHub (always shown when `more` > 0). */
  url?: string;
  /** Why the diff is empty or partial (nothing deployed yet, compare failed, …). */
  note?: string;
}

export interface PlanCandidate {
  sha?: string;
  ref: string;
  source: string;
}

export interface Plan {
  service: string;
  repo: string;
  env: string;
  from: string;
  candidate: PlanCandidate;
  gates: GateResult[];
  diff: PlanDiff;
  /** Whether shipgate's deployment history was consulted (the CLI may run without Redis). */
  history: 'used' | 'unavailable';
  /** ISO instant the plan was made. */
  at: string;
}

export const DEFAULT_COMMIT_CAP = 20;
export const DEFAULT_PULL_CAP = 20;

/**
 * The commits to list: the newest `cap`, newest first, and how many of `total` are left out
 * (the compare API returns at most 250 commits, oldest first; `total` is its total_commits).
 */
export function capCommits(commits: readonly DiffCommit[], total: number, cap = DEFAULT_COMMIT_CAP): { shown: DiffCommit[]; more: number } {
  const newestFirst = [...commits].reverse();
  const shown = newestFirst.slice(0, Math.max(0, cap));
  return { shown, more: Math.max(0, Math.max(total, commits.length) - shown.length) };
}

/** Pull requests in first-seen order, each number once, at most `cap`. */
export function dedupePullRequests(lists: ReadonlyArray<readonly DiffPullRequest[]>, cap = DEFAULT_PULL_CAP): DiffPullRequest[] {
  const seen = new Map<number, DiffPullRequest>();
  for (const list of lists) for (const pr of list) if (!seen.has(pr.number)) seen.set(pr.number, pr);
  return [...seen.values()].slice(0, cap);
}

/** Builds the diff of a plan from a comparison and the PRs of the listed commits. */
export function planDiff(
  base: PlanDiffBase,
  comparison: Comparison,
  pullsByCommit: ReadonlyMap<string, readonly DiffPullRequest[]>,
  cap = DEFAULT_COMMIT_CAP,
): PlanDiff {
  const capped = capCommits(comparison.commits, comparison.totalCommits, cap);
  const more = capped.more;
  const shown = capped.shown.map((c) => {
    const numbers = (pullsByCommit.get(c.sha) ?? []).map((pr) => pr.number);
    return numbers.length ? { ...c, pulls: [...new Set(numbers)] } : c;
  });
  const pullRequests = dedupePullRequests(shown.map((c) => pullsByCommit.get(c.sha) ?? []));
  const note =
    comparison.status === 'identical'
      ? 'the candidate is what already runs in the target: nothing new would ship'
      : comparison.status === 'behind'
        ? `the candidate is ${comparison.behindBy} commit${comparison.behindBy === 1 ? '' : 's'} behind what runs in the target: this would go backwards`
        : comparison.status === 'diverged'
          ? `the candidate has diverged from what runs in the target (${comparison.behindBy} commit${comparison.behindBy === 1 ? ' in the target is' : 's in the target are'} not in the candidate)`
          : undefined;
  return {
    base,
    head: comparison.head,
    status: comparison.status,
    total: comparison.totalCommits,
    behindBy: comparison.behindBy,
    commits: shown,
    more,
    pullRequests,
    url: comparison.url,
    ...(note ? { note } : {}),
  };
}

/**
 * What runs in the target is "behind" or "diverged" only by the commits it has that the
 * candidate lacks. `behind` lists them (the comparison candidate...target). A merge commit
 * brings nothing of its own: after an ordinary merge promotion (PR test → prod, merged) the
 * target has that merge commit and the source branch does not, yet everything it merged is
 * in the candidate (anything it merged that is not would be listed too). So merge commits
 * are not counted; the status is recomputed from the rest. When `behind` is not the complete
 * list (GitHub lists at most 250 commits), nothing is discounted.
 */
export function discountMerges(comparison: Comparison, behind: Pick<Comparison, 'commits' | 'totalCommits'>): Comparison {
  if (behind.commits.length < behind.totalCommits || behind.commits.some((c) => c.parents === undefined)) return comparison;
  const behindBy = behind.commits.filter((c) => c.parents!.length < 2).length;
  const ahead = comparison.aheadBy > 0;
  const status: Comparison['status'] = behindBy === 0 ? (ahead ? 'ahead' : 'identical') : ahead ? 'diverged' : 'behind';
  return { ...comparison, status, behindBy };
}

/** A diff that could not be computed (no base, or the compare failed). */
export function emptyDiff(head: string, note: string, base?: PlanDiffBase): PlanDiff {
  return { ...(base ? { base } : {}), head, total: 0, behindBy: 0, commits: [], more: 0, pullRequests: [], note };
}

/** First line of a commit message, trimmed. */
export function firstLine(message: string): string {
  return (message.split(/\r?\n/)[0] ?? '').trim();
}

/** True when a gate blocks the plan (pending and warn do not: pending approval is expected). */
export function planBlocked(plan: Pick<Plan, 'gates'>): boolean {
  return plan.gates.some((g) => g.status === 'block');
}
