/** The workspace page behind run links: every job and its runs with their state (the fragment `#job/…/run/…` stays in the browser). */
import { escapeHtml, sendText, type RequestContext } from '../emulator-base';
import type { DatabricksState } from './state';

export class Pages {
  constructor(private readonly state: DatabricksState) {}

  servePage(ctx: RequestContext): void {
    const jobs = [...this.state.jobs.values()]
      .map((job) => {
        const runs = [...this.state.runs.values()]
          .filter((r) => r.jobId === job.jobId)
          .reverse()
          .map((r) => {
            const v = this.state.view(r);
            const tasks = v.tasks.map((t) => `${escapeHtml(t.key)}: ${escapeHtml(t.result ?? t.lifeCycle)}`).join(', ');
            return `<li id="run-${r.runId}">run ${r.runId} (#${r.numberInJob}): ${escapeHtml(v.lifeCycle)}${v.result ? ` / ${escapeHtml(v.result)}` : ''} — ${tasks}</li>`;
          })
          .join('');
        return `<h2>${escapeHtml(job.name)} <small>(job ${job.jobId})</small></h2><ul>${runs || '<li>no runs</li>'}</ul>`;
      })
      .join('');
    sendText(ctx.res, 200, `<!doctype html><title>Databricks workspace (emulated)</title><h1>Jobs</h1>${jobs || '<p>no jobs</p>'}`, 'text/html; charset=utf-8');
  }
}
