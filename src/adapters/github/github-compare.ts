import type { SourceCompare } from '../../app/ports/source-compare';
import { firstLine, type Comparison, type DiffCommit, type DiffPullRequest } from '../../domain/plan';
import { EtagCache } from './etag-cache';
import { githubError } from './github-commit-checks';
import type { GitHubClient } from './github-client';
import type { RestData } from './rest-data';
import { splitRepo } from './split-repo';

type CompareData = RestData<'GET /repos/{owner}/{repo}/compare/{basehead}'>;

function toCommit(c: CompareData['commits'][number]): DiffCommit {
  return {
    sha: c.sha,
    message: firstLine(c.commit.message),
    ...(c.author?.login ? { authorLogin: c.author.login } : {}),
    authorName: c.commit.author?.name ?? c.author?.login ?? 'unknown',
    url: c.html_url,
    ...(c.commit.author?.date ? { date: c.commit.author.date } : {}),
    ...(c.parents ? { parents: c.parents.map((x) => x.sha) } : {}),
  };
}

/**
 * The compare API and the pull requests of a commit (conditional requests: a re-run plan
 * over the same commits costs no rate limit).
 *
 *   GET /repos/{o}/{r}/compare/{base}...{head}     (≤ 250 commits listed, oldest first)
 *   GET /repos/{o}/{r}/commits/{sha}/pulls
 */
export class GitHubCompare implements SourceCompare {
  readonly etags: EtagCache;

  constructor(gh: Pick<GitHubClient, 'request'>, opts: { etags?: EtagCache } = {}) {
    this.etags = opts.etags ?? new EtagCache(gh);
  }

  async compare(repo: string, base: string, head: string): Promise<Comparison> {
    try {
      const res = await this.etags.get<CompareData>('GET /repos/{owner}/{repo}/compare/{basehead}', { ...splitRepo(repo), basehead: `${base}...${head}` });
      const d = res.data;
      return {
        base,
        head,
        status: d.status,
        aheadBy: d.ahead_by,
        behindBy: d.behind_by,
        totalCommits: d.total_commits,
        commits: (d.commits ?? []).map(toCommit),
        url: d.html_url,
      };
    } catch (e) {
      throw githubError(
        e,
        `comparing ${base.slice(0, 12)}...${head.slice(0, 12)} in ${repo}`,
        `cannot compare \`${base.slice(0, 12)}\` with \`${head.slice(0, 12)}\` in ${repo}: one of them is unknown`,
      );
    }
  }

  async pullsForCommit(repo: string, sha: string): Promise<DiffPullRequest[]> {
    try {
      const res = await this.etags.get<RestData<'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls'>>('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
        ...splitRepo(repo),
        commit_sha: sha,
        per_page: 100,
      });
      return res.data.map((p) => ({
        number: p.number,
        title: p.title,
        url: p.html_url,
        state: p.state === 'open' ? 'open' : 'closed',
        merged: p.merged_at !== null && p.merged_at !== undefined,
        ...(p.user?.login ? { authorLogin: p.user.login } : {}),
        ...(p.base?.ref ? { base: p.base.ref } : {}),
      }));
    } catch (e) {
      throw githubError(e, `listing the pull requests of ${sha.slice(0, 12)} in ${repo}`, `no commit \`${sha.slice(0, 12)}\` in ${repo}`);
    }
  }
}
