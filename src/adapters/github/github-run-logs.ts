import type { RunLogs } from '../../app/ports/run-logs';
import type { GitHubClient } from './github-client';
import { splitRepo } from './split-repo';

/**
 * The plain-text log of a workflow job (evidence patterns such as Databricks run IDs are read from it).
 *
 *   GET /repos/{o}/{r}/actions/jobs/{job_id}/logs   (302 to the log, followed)
 */
export class GitHubRunLogs implements RunLogs {
  constructor(private readonly gh: GitHubClient) {}

  async jobLog(repo: string, jobId: number): Promise<string> {
    const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', { ...splitRepo(repo), job_id: jobId });
    return typeof res.data === 'string' ? res.data : String(res.data);
  }
}
