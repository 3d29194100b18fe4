import { createHash } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { strFromU8, unzipSync } from 'fflate';
import { GitHubEmulator } from '../../src/emulators/github-emulator';

const TOKEN = 'ghp_testtoken';

describe('GitHub emulator: workflow run artifacts', () => {
  const clock = { now: Date.UTC(2026, 11, 1, 9, 0, 0) };
  let emu: GitHubEmulator;
  let gh: Octokit;
  const repo = { owner: 'acme', repo: 'infra' };

  beforeAll(async () => {
    emu = new GitHubEmulator({ token: TOKEN, now: () => clock.now });
    await emu.start();
    emu.addRepo('acme/infra', { defaultBranch: 'main' });
    emu.addCommit('acme/infra', 'main', { message: 'terraform' });
    emu.addWorkflow('acme/infra', {
      file: 'plan.yml',
      durations: { queuedMs: 1000, inProgressMs: 2000 },
      artifacts: {
        plan: (run) => ({ 'plan.md': `Plan: 1 to add, 0 to change, 0 to destroy. (${String(run.inputs.env)})`, 'nested/tfplan': 'binary' }),
        logs: { 'log.txt': 'fixed' },
        skipped: () => undefined,
      },
    });
    gh = new Octokit({ auth: TOKEN, baseUrl: emu.url, request: { retries: 0 } });
  });
  afterAll(async () => {
    await emu.stop();
  });

  async function dispatchedRun(): Promise<number> {
    // return_run_details is newer than the @octokit/types this project pins: a plain request
    const res = await fetch(`${emu.url}/repos/acme/infra/actions/workflows/plan.yml/dispatches`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'main', inputs: { env: 'prod' }, return_run_details: true }),
    });
    return ((await res.json()) as { workflow_run_id: number }).workflow_run_id;
  }

  it('lists nothing until the run completed, then each uploaded artifact; downloads a stable zip behind a 302', async () => {
    const runId = await dispatchedRun();
    expect((await gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', { ...repo, run_id: runId })).data.artifacts).toEqual([]);
    clock.now += 5000;
    const listed = (await gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', { ...repo, run_id: runId })).data;
    expect(listed.artifacts.map((a) => a.name)).toEqual(['plan', 'logs']);
    const plan = (await gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', { ...repo, run_id: runId, name: 'plan' })).data.artifacts;
    expect(plan).toHaveLength(1);
    const artifact = plan[0]!;
    expect(artifact.workflow_run?.id).toBe(runId);

    const raw = await fetch(`${emu.url}/repos/acme/infra/actions/artifacts/${artifact.id}/zip`, {
      headers: { authorization: `token ${TOKEN}` },
      redirect: 'manual',
    });
    expect(raw.status).toBe(302);
    const zip = await gh.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
      ...repo,
      artifact_id: artifact.id,
      archive_format: 'zip',
    });
    const bytes = new Uint8Array(zip.data as ArrayBuffer);
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(artifact.digest);
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual(['nested/tfplan', 'plan.md']);
    expect(strFromU8(files['plan.md']!)).toBe('Plan: 1 to add, 0 to change, 0 to destroy. (prod)');
    const again = await gh.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
      ...repo,
      artifact_id: artifact.id,
      archive_format: 'zip',
    });
    expect(Buffer.from(again.data as ArrayBuffer).equals(Buffer.from(bytes))).toBe(true);
  });

  it('answers 410 for an expired artifact and 404 for an unknown one or another archive format', async () => {
    const runId = await dispatchedRun();
    clock.now += 5000;
    const [artifact] = (await gh.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', { ...repo, run_id: runId, name: 'logs' })).data.artifacts;
    await expect(
      gh.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', { ...repo, artifact_id: artifact!.id, archive_format: 'tar' }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(gh.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}', { ...repo, artifact_id: 999_999 })).rejects.toMatchObject({
      status: 404,
    });
    emu.artifacts.expire(artifact!.id);
    expect((await gh.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}', { ...repo, artifact_id: artifact!.id })).data.expired).toBe(true);
    await expect(
      gh.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', { ...repo, artifact_id: artifact!.id, archive_format: 'zip' }),
    ).rejects.toMatchObject({ status: 410 });
  });
});
