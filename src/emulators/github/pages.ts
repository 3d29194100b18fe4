/**
 * The HTML pages behind every `html_url` the emulator answers with: a repository, a run or
 * a job (with its log), a pull request, a commit. Each shows the object's JSON.
 */
import { escapeHtml, sendText, type RequestContext } from '../emulator-base';
import type { ActionsRoom } from './actions';
import type { GitRoom } from './git';
import type { PullsRoom } from './pulls';
import { str } from './rest';
import type { Shapes } from './shapes';
import type { GitHubState } from './state';

export class PagesRoom {
  constructor(
    private readonly state: GitHubState,
    private readonly shapes: Shapes,
    private readonly git: GitRoom,
    private readonly pulls: PullsRoom,
    private readonly actions: ActionsRoom,
  ) {}

  servePage(ctx: RequestContext): void {
    this.actions.sync();
    const parts = ctx.path
      .split('/')
      .filter(Boolean)
      .map((p) => decodeURIComponent(p));
    const [owner, name, kind, ...rest] = parts;
    const repo = owner && name ? this.state.repos.get(`${owner}/${name}`) : undefined;
    let title = 'GitHub emulator';
    let data: unknown = { repos: [...this.state.repos.keys()] };
    let status = 200;
    if (repo) {
      title = repo.fullName;
      data = this.shapes.repoJson(repo);
      if (kind === 'actions' && rest[0] === 'runs') {
        const run = this.state.runs.find((r) => r.repo === repo.fullName && r.id === Number(rest[1]));
        if (run) {
          const json = this.actions.runJson(run);
          title = `${str(json.name)} #${run.runNumber} · ${str(json.status)}${json.conclusion ? ` (${str(json.conclusion)})` : ''}`;
          data =
            rest[2] === 'job'
              ? { job: this.actions.jobJson(run), log: this.actions.jobLog(run) }
              : { run: json, jobs: [this.actions.jobJson(run)], inputs: run.inputs };
        } else status = 404;
      } else if (kind === 'pull') {
        const pull = this.state.pulls.find((p) => p.repo === repo.fullName && p.number === Number(rest[0]));
        if (pull) {
          title = `${pull.title} · #${pull.number} · ${pull.merged ? 'merged' : pull.state}`;
          data = this.pulls.pullJson(pull);
        } else status = 404;
      } else if (kind === 'commit') {
        const commit = repo.commits.get(rest[0] ?? '');
        if (commit) {
          title = `${commit.message.split('\n')[0] ?? ''} · ${commit.sha.slice(0, 7)}`;
          data = this.git.commitJson(repo, commit);
        } else status = 404;
      } else if (kind !== undefined) {
        title = `${repo.fullName} · ${[kind, ...rest].join('/')}`;
      }
    } else if (parts.length > 0) status = 404;
    sendText(
      ctx.res,
      status,
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(
        status === 404 ? 'Not Found' : title,
      )}</h1><pre>${escapeHtml(JSON.stringify(data, null, 2))}</pre></body></html>`,
      'text/html; charset=utf-8',
    );
  }
}
