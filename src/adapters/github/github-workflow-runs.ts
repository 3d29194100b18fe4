import type { operations } from '@octokit/openapi-types';
import type { Endpoints } from '@octokit/types';
import type { WorkflowJob, WorkflowRun, WorkflowRuns } from '../../app/ports/workflow-runs';
import { ShipgateError } from '../../shared/shipgate-error';
import { githubFailure } from './github-failure';
import type { GitHubClient } from './github-client';
import type { EtagCache } from './etag-cache';
import type { CombinedStatusMemo } from './combined-status-memo';
import type { RestData } from './rest-data';
import { splitRepo as split } from './split-repo';

/** A run as GitHub returns it alone or in a workflow's list (the same `workflow-run` schema). */
type Run = RestData<'GET /repos/{owner}/{repo}/actions/runs/{run_id}'>;

const DISPATCH_URL = '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
const DISPATCH = `POST ${DISPATCH_URL}` as const;
type DispatchOperation = operations['actions/create-workflow-dispatch'];
/**
 * The dispatch request with `return_run_details` and its 200 answer (GitHub 2026-02-19): newer
 * than the schema @octokit/types 13 is built on, so typed from the current `@octokit/openapi-types`.
 */
type DispatchRequest = Endpoints[typeof DISPATCH]['parameters'] & DispatchOperation['requestBody']['content']['application/json'];
type DispatchRunDetails = DispatchOperation['responses'][200]['content']['application/json'];

function toRun(r: Run): WorkflowRun {
  return {
    id: r.id,
    name: r.name ?? `run ${r.id}`,
    ...(typeof r.run_number === 'number' ? { runNumber: r.run_number } : {}),
    htmlUrl: r.html_url,
    status: r.status ?? 'unknown',
    conclusion: r.conclusion,
    headSha: r.head_sha,
    event: r.event,
    createdAt: r.created_at,
    ...(r.updated_at ? { updatedAt: r.updated_at } : {}),
    ...(r.display_title ? { displayTitle: r.display_title } : {}),
    ...(r.head_branch ? { headBranch: r.head_branch } : {}),
  };
}

function status(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'status' in e ? Number((e as { status: unknown }).status) : undefined;
}


/** The workflow strategy's GitHub calls (REST). */
export class GitHubWorkflowRuns implements WorkflowRuns {
  /** `etags`: run polling uses conditional requests (a 304 costs no rate limit). */
  /**
   * `statusMemo`: refs are resolved through the commit's combined status, which names the SHA
   * and carries its statuses, kept for the checks read that follows (one request instead of two).
   */
  constructor(
    private readonly gh: GitHubClient,
    private readonly etags?: EtagCache,
    private readonly statusMemo?: CombinedStatusMemo,
  ) {}

  async resolveCommit(repo: string, ref: string): Promise<string> {
    try {
      // a short SHA is resolved by the commits API (it expands abbreviations)
      if (this.statusMemo && !/^[0-9a-f]{4,39}$/i.test(ref)) {
        const { data } = await this.gh.request('GET /repos/{owner}/{repo}/commits/{ref}/status', { ...split(repo), ref, per_page: 100 });
        if (!/^[0-9a-f]{40}$/.test(data.sha)) throw new ShipgateError('github_error', `unexpected answer resolving ${ref}`);
        this.statusMemo.put(repo, data);
        return data.sha;
      }
      const res = await this.gh.request('GET /repos/{owner}/{repo}/commits/{ref}', { ...split(repo), ref, headers: { accept: 'application/vnd.github.sha' } });
      const data = res.data as unknown;
      if (typeof data === 'string' && /^[0-9a-f]{40}$/.test(data.trim())) return data.trim();
      if (typeof data === 'object' && data && 'sha' in data) return String((data as { sha: string }).sha);
      throw new ShipgateError('github_error', `unexpected answer resolving ${ref}`);
    } catch (e) {
      const s = status(e);
      if (s === 404 || s === 422) throw new ShipgateError('not_found', `no commit, branch or tag \`${ref}\` in ${repo}`);
      if (e instanceof ShipgateError) throw e;
      throw githubFailure(e, `resolving \`${ref}\` in ${repo}`);
    }
  }

  async dispatch(repo: string, workflow: string, ref: string, inputs: Record<string, string>): Promise<{ runId?: number }> {
    try {
      const request: DispatchRequest = { ...split(repo), workflow_id: workflow, ref, inputs, return_run_details: true };
      // 200 with the run's id; 204 and no body where GitHub ignores `return_run_details`
      const res = await this.gh.request<Partial<DispatchRunDetails> | undefined>({ method: 'POST', url: DISPATCH_URL, ...request });
      const data = res.data;
      return data && typeof data === 'object' && data.workflow_run_id ? { runId: Number(data.workflow_run_id) } : {};
    } catch (e) {
      // Older GitHub Enterprise Server rejects the unknown field: dispatch plainly and find the run by listing.
      if (status(e) === 422 && /return_run_details/.test(e instanceof Error ? e.message : '')) {
        await this.gh.request(DISPATCH, { ...split(repo), workflow_id: workflow, ref, inputs });
        return {};
      }
      if (status(e) === 404) throw new ShipgateError('github_error', `workflow ${workflow} not found in ${repo} (check strategy.workflow)`);
      if (status(e) === 422) throw new ShipgateError('github_error', `GitHub refused the dispatch of ${workflow} on ${ref}: ${e instanceof Error ? e.message : e}`);
      throw githubFailure(e, `dispatching ${workflow} on ${ref}`);
    }
  }

  async listRuns(repo: string, workflow: string, filter: { event?: string; since?: Date; headSha?: string; branch?: string }): Promise<WorkflowRun[]> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
      ...split(repo),
      workflow_id: workflow,
      per_page: 50,
      ...(filter.event ? { event: filter.event } : {}),
      ...(filter.branch ? { branch: filter.branch } : {}),
      ...(filter.headSha ? { head_sha: filter.headSha } : {}),
      ...(filter.since ? { created: `>=${filter.since.toISOString().replace(/\.\d{3}Z$/, 'Z')}` } : {}),
    });
    return res.data.workflow_runs.map(toRun);
  }

  async getRun(repo: string, runId: number): Promise<WorkflowRun> {
    if (this.etags) return toRun((await this.etags.get<Run>('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { ...split(repo), run_id: runId })).data);
    const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { ...split(repo), run_id: runId });
    return toRun(res.data);
  }

  async listJobs(repo: string, runId: number): Promise<WorkflowJob[]> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', { ...split(repo), run_id: runId, per_page: 100 });
    return res.data.jobs.map((j) => ({ id: j.id, name: j.name, status: j.status, conclusion: j.conclusion, htmlUrl: j.html_url ?? '' }));
  }
}
