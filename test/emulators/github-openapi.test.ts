/**
 * Contract test: the GitHub emulator's responses against GitHub's published OpenAPI
 * description (`@octokit/openapi`, api.github.com.json), for every endpoint shipgate uses.
 * Each response body is validated with ajv against the documented schema of its path,
 * method and status (required properties, types, enums, formats; OpenAPI 3.0 `nullable`
 * is converted to JSON Schema type unions).
 *
 * The scenario runs once over real HTTP (fetch) in the order a promotion would: repository
 * and refs, commits, checks and statuses, branch protection, git data, pull requests and
 * merges (also the 409 of a stale head), compare, Actions (dispatch, runs, jobs, logs,
 * environment reviews, custom protection rules), deployments and statuses, environments.
 *
 * KNOWN_GAPS lists, per schema object, the required properties the emulator leaves out
 * (now none). The tolerant validator forgives exactly those; everything else must conform.
 * A ratchet test checks the list is exact: new drift fails, and so does a fix (remove the
 * entry then). Webhook payloads and request bodies: github-webhooks-openapi.test.ts.
 */
import type { ValidateFunction } from 'ajv';
import { GitHubEmulator } from '../../src/emulators/github-emulator';
import { describeErrors, loadDocument, missingRequired, SchemaSet, type Json } from '../helpers/openapi-schemas';

const spec = loadDocument('@octokit/openapi/generated/api.github.com.json');

const TOKEN = 'ghp_contract';
const REPO = 'acme/platform';

/**
 * The emulator's known gaps: required properties of GitHub's schemas that it leaves out,
 * per schema object (`component` or `component.prop`). The tolerant validator drops exactly
 * these from `required`; everything else (other required properties, types, enums, formats,
 * nullability) is validated strictly. Add an entry only for a property shipgate never reads,
 * and remove it once the emulator sends the property (the "still a gap" test fails until
 * then). Empty since 2026-03 (users, repositories, pull requests, the Actions app and the
 * search rate limit are complete).
 */
const KNOWN_GAPS: Record<string, string[]> = {};

const strictSchemas = new SchemaSet(spec, { id: 'gh' });
const tolerantSchemas = new SchemaSet(spec, { id: 'gh', tolerate: KNOWN_GAPS });
const validators = new Map<string, ValidateFunction | null>();

/** The validator of a documented response, or null when GitHub documents no body for it. */
function validatorFor(method: string, path: string, status: number, mode: 'strict' | 'tolerant' = 'tolerant'): ValidateFunction | null {
  const key = `${mode} ${method} ${path} ${status}`;
  if (validators.has(key)) return validators.get(key)!;
  const op = spec.paths![path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in GitHub's OpenAPI description`);
  let response = op.responses[String(status)];
  if (!response) throw new Error(`${method} ${path}: status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`);
  if (typeof response.$ref === 'string') response = spec.components.responses![(response.$ref as string).split('/').pop()!]!;
  const schema = (response.content as Record<string, { schema?: unknown }> | undefined)?.['application/json']?.schema;
  const v = schema === undefined ? null : (mode === 'strict' ? strictSchemas : tolerantSchemas).compile(schema);
  validators.set(key, v);
  return v;
}

interface Result {
  key: string;
  status: number;
  body: unknown;
  /** Errors of the tolerant validation (everything but KNOWN_GAPS). */
  errors: string[];
  /** Missing required properties found by the strict validation. */
  gaps: string[];
}

/** Every endpoint shipgate uses, with the status the scenario expects. */
const ENDPOINTS = [
  'GET /rate_limit 200',
  'GET /repos/{owner}/{repo} 200',
  'GET /repos/{owner}/{repo}/branches 200',
  'GET /repos/{owner}/{repo}/branches/{branch} 200',
  'GET /repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks 200',
  'GET /repos/{owner}/{repo}/rules/branches/{branch} 200',
  'GET /repos/{owner}/{repo}/commits 200',
  'GET /repos/{owner}/{repo}/commits/{ref} 200',
  'GET /repos/{owner}/{repo}/commits/{ref}/check-runs 200',
  'GET /repos/{owner}/{repo}/commits/{ref}/status 200',
  'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls 200',
  'POST /repos/{owner}/{repo}/check-runs 201',
  'POST /repos/{owner}/{repo}/statuses/{sha} 201',
  'GET /repos/{owner}/{repo}/git/ref/{ref} 200',
  'GET /repos/{owner}/{repo}/git/commits/{commit_sha} 200',
  'POST /repos/{owner}/{repo}/git/commits 201',
  'POST /repos/{owner}/{repo}/git/refs 201',
  'PATCH /repos/{owner}/{repo}/git/refs/{ref} 200',
  'POST /repos/{owner}/{repo}/pulls 201',
  'GET /repos/{owner}/{repo}/pulls 200',
  'GET /repos/{owner}/{repo}/pulls/{pull_number} 200',
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 409',
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 200',
  'GET /repos/{owner}/{repo}/compare/{basehead} 200',
  'GET /repos/{owner}/{repo}/actions/workflows 200',
  'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id} 200',
  'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches 200',
  'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches 204',
  'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs 200',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id} 200',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs 200',
  'GET /repos/{owner}/{repo}/actions/jobs/{job_id} 200',
  'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs 302',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts 200',
  'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id} 200',
  'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format} 302',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments 200',
  'POST /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments 200',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals 200',
  'POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule 204',
  'POST /repos/{owner}/{repo}/deployments 201',
  'GET /repos/{owner}/{repo}/deployments 200',
  'GET /repos/{owner}/{repo}/deployments/{deployment_id} 200',
  'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses 201',
  'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses 200',
  'GET /repos/{owner}/{repo}/environments 200',
  'GET /repos/{owner}/{repo}/environments/{environment_name} 200',
] as const;

describe(`GitHub emulator vs GitHub's OpenAPI description (@octokit/openapi, api.github.com ${spec.info.version})`, () => {
  let emu: GitHubEmulator;
  const clock = { now: Date.parse('2026-03-02T10:00:00Z') };
  const results = new Map<string, Result>();

  /** Calls the emulator at `path` (OpenAPI template) with `params` filled in, validates and records the answer. */
  async function call(
    method: string,
    path: string,
    params: Record<string, string | number>,
    init: { query?: Record<string, string>; body?: unknown } = {},
  ): Promise<Result> {
    const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const v = params[name];
      if (v === undefined) throw new Error(`no value for {${name}} in ${path}`);
      return name === 'ref' || name === 'branch' || name === 'basehead' ? String(v) : encodeURIComponent(String(v));
    });
    const qs = init.query ? `?${new URLSearchParams(init.query).toString()}` : '';
    const res = await fetch(`${emu.url}${url}${qs}`, {
      method,
      redirect: 'manual',
      headers: {
        authorization: `token ${TOKEN}`,
        accept: 'application/vnd.github+json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    const key = `${method} ${path} ${res.status}`;
    const validate = validatorFor(method, path, res.status);
    let errors: string[] = [];
    let gaps: string[] = [];
    if (validate) {
      errors = validate(body) ? [] : describeErrors(validate.errors);
      const strict = validatorFor(method, path, res.status, 'strict')!;
      gaps = strict(body) ? [] : missingRequired(strict.errors, KNOWN_GAPS);
    } else if (text) errors = [`(root) GitHub documents no body for ${res.status}, the emulator sent one`];
    const result: Result = { key, status: res.status, body, errors, gaps };
    results.set(key, result);
    return result;
  }

  beforeAll(async () => {
    emu = new GitHubEmulator({ token: TOKEN, now: () => clock.now, tickMs: 10_000 });
    await emu.start();
    const p = { owner: 'acme', repo: 'platform' };
    const advance = (ms: number): void => {
      clock.now += ms;
      emu.tick();
    };

    emu.addRepo(REPO, { defaultBranch: 'main' });
    emu.addCommit(REPO, 'main', { message: 'feat: base', author: { name: 'Alice A', email: 'alice@example.com', login: 'alice' } });
    const devSha = emu.addCommit(REPO, 'dev', { message: 'feat: new job\n\nbody', author: { name: 'Bob B', email: 'bob@example.com' } });
    emu.setBranch(REPO, 'test', emu.branchHead(REPO, 'main')!);
    emu.setBranchProtection(REPO, 'test', { requiredChecks: ['unit-tests'] });
    emu.addWorkflow(REPO, { file: 'ci.yml', name: 'ci', durations: { queuedMs: 1000, inProgressMs: 2000 }, artifacts: { plan: { 'plan.md': 'Plan: 1 to add, 0 to change, 0 to destroy.\n' } } });
    emu.addWorkflow(REPO, {
      file: 'cd-prod.yml',
      name: 'cd-prod',
      environment: 'DataBricks-Prod',
      durations: { queuedMs: 1000, inProgressMs: 2000 },
      logLines: ['run_id=42'],
    });
    emu.addEnvironment(REPO, 'DataBricks-Prod', { reviewers: true });
    emu.addWorkflow(REPO, { file: 'cd-guarded.yml', name: 'cd-guarded', environment: 'guarded', durations: { queuedMs: 1000, inProgressMs: 2000 } });
    emu.addEnvironment(REPO, 'guarded', { customRule: true });

    await call('GET', '/rate_limit', {});
    await call('GET', '/repos/{owner}/{repo}', p);
    await call('GET', '/repos/{owner}/{repo}/branches', p);
    await call('GET', '/repos/{owner}/{repo}/branches/{branch}', { ...p, branch: 'dev' });
    await call('GET', '/repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks', { ...p, branch: 'test' });
    await call('GET', '/repos/{owner}/{repo}/rules/branches/{branch}', { ...p, branch: 'test' });
    await call('GET', '/repos/{owner}/{repo}/commits', p, { query: { sha: 'dev' } });
    await call('GET', '/repos/{owner}/{repo}/commits/{ref}', { ...p, ref: 'dev' });

    // checks and statuses (seeded, created through the API, and a workflow job's check run)
    emu.addCheckRun(REPO, devSha, { name: 'lint', status: 'in_progress' });
    await call('POST', '/repos/{owner}/{repo}/check-runs', p, { body: { name: 'unit-tests', head_sha: devSha, status: 'completed', conclusion: 'success' } });
    await call(
      'POST',
      '/repos/{owner}/{repo}/statuses/{sha}',
      { ...p, sha: devSha },
      { body: { state: 'success', context: 'ci-test', target_url: 'https://ci.example/1', description: 'ok' } },
    );
    const dispatched = await call(
      'POST',
      '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      { ...p, workflow_id: 'ci.yml' },
      { body: { ref: 'dev', return_run_details: true } },
    );
    const ciRun = (dispatched.body as { workflow_run_id: number }).workflow_run_id;
    await call('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', { ...p, ref: devSha }, { query: { filter: 'latest', per_page: '100' } });
    await call('GET', '/repos/{owner}/{repo}/commits/{ref}/status', { ...p, ref: devSha });

    // git data
    const ref = await call('GET', '/repos/{owner}/{repo}/git/ref/{ref}', { ...p, ref: 'heads/dev' });
    const gitCommit = await call('GET', '/repos/{owner}/{repo}/git/commits/{commit_sha}', {
      ...p,
      commit_sha: (ref.body as { object: { sha: string } }).object.sha,
    });
    const tree = (gitCommit.body as { tree: { sha: string } }).tree.sha;
    const created = await call('POST', '/repos/{owner}/{repo}/git/commits', p, { body: { message: 'chore: release', tree, parents: [devSha] } });
    const releaseSha = (created.body as { sha: string }).sha;
    await call('POST', '/repos/{owner}/{repo}/git/refs', p, { body: { ref: 'refs/heads/release', sha: devSha } });
    await call('PATCH', '/repos/{owner}/{repo}/git/refs/{ref}', { ...p, ref: 'heads/release' }, { body: { sha: releaseSha, force: false } });

    // pull requests and merges
    const pr = await call('POST', '/repos/{owner}/{repo}/pulls', p, {
      body: { title: 'Promote platform: dev → test', head: 'dev', base: 'test', body: 'commits' },
    });
    const prNumber = (pr.body as { number: number }).number;
    await call('GET', '/repos/{owner}/{repo}/pulls', p, { query: { head: 'acme:dev', base: 'test', state: 'open' } });
    await call('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', { ...p, pull_number: prNumber });
    await call('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', { ...p, commit_sha: devSha });
    await call(
      'PUT',
      '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
      { ...p, pull_number: prNumber },
      { body: { sha: 'f'.repeat(40), merge_method: 'merge' } },
    );
    await call(
      'PUT',
      '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
      { ...p, pull_number: prNumber },
      { body: { sha: devSha, merge_method: 'merge', commit_title: 'Promote' } },
    );
    await call('GET', '/repos/{owner}/{repo}/compare/{basehead}', { ...p, basehead: `main...test` });

    // actions: workflows, dispatch, runs, jobs, logs
    await call('GET', '/repos/{owner}/{repo}/actions/workflows', p);
    await call('GET', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}', { ...p, workflow_id: 'cd-prod.yml' });
    await call('POST', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', { ...p, workflow_id: 'cd-prod.yml' }, { body: { ref: 'test' } });
    advance(1500); // cd-prod waits for review on DataBricks-Prod; ci is in progress
    const runs = await call(
      'GET',
      '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      { ...p, workflow_id: 'cd-prod.yml' },
      { query: { event: 'workflow_dispatch', per_page: '10' } },
    );
    const cdRun = (runs.body as { workflow_runs: Array<{ id: number }> }).workflow_runs[0]!.id;
    await call('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}', { ...p, run_id: ciRun });
    const jobs = await call('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', { ...p, run_id: ciRun });
    const jobId = (jobs.body as { jobs: Array<{ id: number }> }).jobs[0]!.id;
    await call('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments', { ...p, run_id: cdRun });
    const pending = results.get('GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments 200')!.body as Array<{ environment: { id: number } }>;
    await call(
      'POST',
      '/repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments',
      { ...p, run_id: cdRun },
      { body: { environment_ids: [pending[0]!.environment.id], state: 'approved', comment: 'approved in Slack' } },
    );
    await call('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/approvals', { ...p, run_id: cdRun });
    await call(
      'POST',
      '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      { ...p, workflow_id: 'cd-guarded.yml' },
      { body: { ref: 'test', return_run_details: true } },
    );
    const guardedRun = emu.runs(REPO).find((r) => r.name === 'cd-guarded')!.id as number;
    advance(1500);
    await call(
      'POST',
      '/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule',
      { ...p, run_id: guardedRun },
      { body: { environment_name: 'guarded', state: 'approved', comment: 'ok' } },
    );
    advance(5000); // everything completed
    await call('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}', { ...p, job_id: jobId });
    await call('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs', { ...p, job_id: jobId });
    const artifacts = await call('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', { ...p, run_id: ciRun }, { query: { name: 'plan' } });
    const artifactId = (artifacts.body as { artifacts: Array<{ id: number }> }).artifacts[0]!.id;
    await call('GET', '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}', { ...p, artifact_id: artifactId });
    await call('GET', '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', { ...p, artifact_id: artifactId, archive_format: 'zip' });
    // the completed run again (documented fields differ by state)
    await call('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}', { ...p, run_id: cdRun });

    // deployments
    const dep = await call('POST', '/repos/{owner}/{repo}/deployments', p, {
      body: {
        ref: devSha,
        environment: 'test',
        task: 'deploy',
        auto_merge: false,
        required_contexts: [],
        payload: { promotion: 'p-1' },
        production_environment: false,
      },
    });
    const depId = (dep.body as { id: number }).id;
    await call(
      'POST',
      '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      { ...p, deployment_id: depId },
      { body: { state: 'success', log_url: 'https://ci.example/run/1', environment_url: 'https://test.example', description: 'deployed by shipgate' } },
    );
    await call('GET', '/repos/{owner}/{repo}/deployments', p, { query: { environment: 'test', sha: devSha } });
    await call('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}', { ...p, deployment_id: depId });
    await call('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { ...p, deployment_id: depId });

    // environments
    await call('GET', '/repos/{owner}/{repo}/environments', p);
    await call('GET', '/repos/{owner}/{repo}/environments/{environment_name}', { ...p, environment_name: 'DataBricks-Prod' });
  }, 60_000);

  afterAll(() => emu.stop());

  it('the scenario reached every endpoint with the expected status', () => {
    expect([...results.keys()].sort()).toEqual([...ENDPOINTS].sort());
  });

  it.each(ENDPOINTS.map((e) => [e]))('%s matches the documented response schema (known gaps aside)', (key) => {
    const r = results.get(key);
    expect(r).toBeDefined();
    expect({ endpoint: key, errors: r!.errors }).toEqual({ endpoint: key, errors: [] });
  });

  it('every known gap is still a gap (remove entries the emulator has fixed) and no other property is missing', () => {
    const found = new Set([...results.values()].flatMap((r) => r.gaps));
    const known = new Set(Object.entries(KNOWN_GAPS).flatMap(([where, props]) => props.map((p) => `${where}: ${p}`)));
    expect([...found].filter((g) => !known.has(g)).sort()).toEqual([]);
    expect([...known].filter((g) => !found.has(g)).sort()).toEqual([]);
  });

  it('the validator is not vacuous: a wrong shape is reported', () => {
    const v = validatorFor('GET', '/repos/{owner}/{repo}/commits/{ref}/status', 200)!;
    expect(v({ state: 'success' })).toBe(false);
    expect(describeErrors(v.errors)).toEqual(
      expect.arrayContaining(["(root) must have required property 'sha'", "(root) must have required property 'statuses'"]),
    );
    const run = validatorFor('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}', 200)!;
    const body = results.get('GET /repos/{owner}/{repo}/actions/runs/{run_id} 200')!.body as Json;
    expect(run({ ...body, id: 'x', conclusion: 42 })).toBe(false);
    expect(describeErrors(run.errors)).toEqual(expect.arrayContaining(['/id must be integer', '/conclusion must be string,null']));
  });
});
