import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import type { DownloadedArtifact, RunArtifact, RunArtifacts } from '../../app/ports/run-artifacts';
import { ShipgateError } from '../../shared/shipgate-error';
import { githubFailure } from './github-failure';
import type { GitHubClient } from './github-client';
import type { RestData } from './rest-data';
import { splitRepo } from './split-repo';

type Artifact = RestData<'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts'>['artifacts'][number];

function toArtifact(a: Artifact): RunArtifact {
  return { id: a.id, name: a.name, expired: a.expired, sizeBytes: a.size_in_bytes };
}

function status(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'status' in e ? Number((e as { status: unknown }).status) : undefined;
}

/**
 * Workflow run artifacts (REST):
 *
 *   GET /repos/{o}/{r}/actions/runs/{run_id}/artifacts[?name=]
 *   GET /repos/{o}/{r}/actions/artifacts/{artifact_id}/zip      (302 to the zip, followed)
 *
 * The zip is unpacked with fflate; only the files asked for are inflated, and a file larger
 * than the limit is not inflated at all (a zip bomb costs nothing).
 */
export class GitHubRunArtifacts implements RunArtifacts {
  constructor(private readonly gh: GitHubClient) {}

  async list(repo: string, runId: number, name?: string): Promise<RunArtifact[]> {
    try {
      const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
        ...splitRepo(repo),
        run_id: runId,
        per_page: 100,
        ...(name ? { name } : {}),
      });
      return res.data.artifacts.map(toArtifact);
    } catch (e) {
      throw githubFailure(e, `listing the artifacts of run ${runId}`);
    }
  }

  async download(repo: string, artifactId: number, pick: (path: string) => boolean, maxFileBytes: number): Promise<DownloadedArtifact> {
    let bytes: Uint8Array;
    try {
      const res = await this.gh.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
        ...splitRepo(repo),
        artifact_id: artifactId,
        archive_format: 'zip',
      });
      const data: unknown = res.data;
      if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
      else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      else throw new ShipgateError('github_error', `artifact ${artifactId} did not download as a zip`);
    } catch (e) {
      if (e instanceof ShipgateError) throw e;
      if (status(e) === 410) throw new ShipgateError('github_error', `artifact ${artifactId} has expired`);
      throw githubFailure(e, `downloading artifact ${artifactId}`);
    }
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const tooLarge: string[] = [];
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(bytes, {
        filter: (f) => {
          if (!pick(f.name)) return false;
          if (f.originalSize > maxFileBytes) {
            tooLarge.push(f.name);
            return false;
          }
          return true;
        },
      });
    } catch (e) {
      throw new ShipgateError('github_error', `artifact ${artifactId} is not a readable zip: ${e instanceof Error ? e.message : String(e)}`);
    }
    const files: Record<string, string> = {};
    for (const [path, content] of Object.entries(entries)) files[path] = strFromU8(content);
    return { digest, files, tooLarge };
  }
}
