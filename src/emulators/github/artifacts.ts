/**
 * GitHub Actions artifacts in the emulator: what a completed run uploaded (its workflow's
 * `artifacts`), listed per run, one by id, and downloaded as a zip (`…/zip` answers 302 to a
 * signed blob URL, as GitHub does). Zips are built once per artifact with fixed timestamps, so
 * the same artifact always downloads as the same bytes (its digest is stable).
 */
import { createHash } from 'node:crypto';
import { zipSync, strToU8, type Zippable } from 'fflate';
import { sendText, type RequestContext } from '../emulator-base';
import type { ActionsRoom } from './actions';
import { GhError, paginate, type GitHubRoutes } from './rest';
import { iso, nodeId, type Schemas, type Shapes } from './shapes';
import type { GitHubState, RepoRec, RunRec } from './state';

interface ArtifactRec {
  id: number;
  runId: number;
  repo: string;
  name: string;
  zip: Uint8Array;
  createdAt: number;
  expired: boolean;
}

/** 1980-01-01, the zip epoch: entries carry no build time, so the bytes depend on the files only. */
const ZIP_MTIME = new Date(1980, 0, 1);

export class ArtifactsRoom {
  private readonly byRun = new Map<number, ArtifactRec[]>();

  constructor(
    private readonly state: GitHubState,
    private readonly shapes: Shapes,
    private readonly actions: ActionsRoom,
  ) {}

  register(r: GitHubRoutes): void {
    const R = '/repos/:owner/:repo';
    r.add('GET', `${R}/actions/runs/:run_id/artifacts`, (q) => {
      const { repo, run } = this.state.runParam(q);
      const name = q.query.name;
      const list = this.of(run).filter((a) => name === undefined || a.name === name);
      return { status: 200, body: { total_count: list.length, artifacts: paginate(list, q.query).map((a) => this.artifactJson(repo, run, a)) } };
    });
    r.add('GET', `${R}/actions/artifacts/:artifact_id`, (q) => {
      const repo = this.state.repoParam(q);
      const { run, artifact } = this.find(repo, Number(q.params.artifact_id));
      return { status: 200, body: this.artifactJson(repo, run, artifact) };
    });
    r.add('GET', `${R}/actions/artifacts/:artifact_id/:archive_format`, (q) => {
      const repo = this.state.repoParam(q);
      if (q.params.archive_format !== 'zip') throw new GhError(404, 'Not Found');
      const { artifact } = this.find(repo, Number(q.params.artifact_id));
      if (artifact.expired) throw new GhError(410, 'Artifact has expired');
      return { status: 302, headers: { location: `${this.state.url}/_logs/artifacts/${artifact.id}.zip?sig=${signature(artifact.id)}` } };
    });
  }

  /** Marks an artifact expired (GitHub keeps listing it with `expired: true` and refuses the download with 410). */
  expire(artifactId: number): void {
    for (const list of this.byRun.values()) for (const a of list) if (a.id === artifactId) a.expired = true;
  }

  /** The artifacts of a run (each built once, when the run is first seen completed). */
  of(run: RunRec): ArtifactRec[] {
    const known = this.byRun.get(run.id);
    if (known) return known;
    if (this.actions.currentPhase(run).status !== 'completed') return [];
    const workflow = this.state.workflowOf(run);
    const list: ArtifactRec[] = [];
    for (const [name, spec] of Object.entries(workflow?.artifacts ?? {})) {
      const files = typeof spec === 'function' ? spec({ inputs: run.inputs, headSha: run.headSha, id: run.id }) : spec;
      if (!files) continue;
      const entries: Zippable = {};
      for (const [path, content] of Object.entries(files)) entries[path] = [strToU8(content), { mtime: ZIP_MTIME }];
      list.push({
        id: this.state.nextId(),
        runId: run.id,
        repo: run.repo,
        name,
        zip: zipSync(entries, { level: 6 }),
        createdAt: this.state.now(),
        expired: false,
      });
    }
    this.byRun.set(run.id, list);
    return list;
  }

  /** `/_logs/artifacts/<id>.zip`: the blob behind the 302 (no token needed, as GitHub's signed URL). */
  serveZip(ctx: RequestContext): void {
    const id = Number(/^\/_logs\/artifacts\/(\d+)\.zip$/.exec(ctx.path)?.[1]);
    const artifact = [...this.byRun.values()].flat().find((a) => a.id === id);
    if (!artifact || artifact.expired) {
      sendText(ctx.res, 404, 'The specified blob does not exist.');
      return;
    }
    ctx.res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(artifact.zip.byteLength) });
    ctx.res.end(Buffer.from(artifact.zip));
  }

  private find(repo: RepoRec, id: number): { run: RunRec; artifact: ArtifactRec } {
    for (const run of this.state.runs) {
      if (run.repo !== repo.fullName) continue;
      const artifact = this.byRun.get(run.id)?.find((a) => a.id === id);
      if (artifact) return { run, artifact };
    }
    throw new GhError(404, 'Not Found');
  }

  private artifactJson(repo: RepoRec, run: RunRec, a: ArtifactRec): Schemas['artifact'] {
    const api = `${this.shapes.apiRepoUrl(repo)}/actions/artifacts/${a.id}`;
    return {
      id: a.id,
      node_id: nodeId('MDg6QXJ0aWZhY3Q', a.id),
      name: a.name,
      size_in_bytes: a.zip.byteLength,
      url: api,
      archive_download_url: `${api}/zip`,
      expired: a.expired,
      created_at: iso(a.createdAt),
      expires_at: iso(a.createdAt + 90 * 86_400_000),
      updated_at: iso(a.createdAt),
      digest: `sha256:${createHash('sha256').update(a.zip).digest('hex')}`,
      workflow_run: { id: run.id, repository_id: repo.id, head_repository_id: repo.id, head_branch: run.headBranch, head_sha: run.headSha },
    };
  }
}

function signature(id: number): string {
  return createHash('sha1').update(`artifact:${id}`).digest('hex').slice(0, 16);
}
