import { GITHUB_TOKEN, type Harness } from './harness';

/**
 * The runbook's branch promotion (dev → test → prod, DataBricks-Prod review), as in shipgate.yml:
 * `deployWorkflows` names the deploy workflow per environment; `trailer` adds the incident
 * channels and the evidence patterns.
 */
export function platformConfig(o: { deployWorkflows?: string; trailer?: boolean } = {}): string {
  return `
timezone: Europe/London
environments:
  - { name: dev, deployers: ["*"] }
  - { name: test, deployers: ["*"] }
  - { name: prod, deployers: [S0RELEASEMGRS], approvers: [S0RELEASEMGRS] }
services:
  - name: databricks-jobs
    repo: acme/platform
    pipeline: [dev, test, prod]
    strategy:
      type: branch
      branches: { dev: dev, test: test, prod: prod }
      mergeMethod: merge
      deployWorkflows: ${o.deployWorkflows ?? '{ dev: ci-dev, test: ci-test, prod: cd-prod }'}
      approveEnvironments: true
${
  o.trailer === false
    ? ''
    : `incidents: { channels: ["^inc-"] }
evidence:
  patterns:
    - { name: databricks_run_id, regex: "run_id[=: ]+(\\\\d+)" }
`
}`;
}

export const PLATFORM_CONFIG = platformConfig();

/** A call to the GitHub emulator as a person would make it (gh / the web UI), outside shipgate. */
export async function githubAsPerson(h: Harness, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${h.github.url}${path}`, {
    method,
    headers: { authorization: `token ${GITHUB_TOKEN}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * acme/platform with dev/test/prod branches and the runbook's workflows: `ci-dev` on pushes to
 * dev, `ci-test` on test, `cd-prod` on prod (waiting on the DataBricks-Prod review). Phase 1 of
 * the runbook is done by a person: a feature PR merged into dev (which runs ci-dev).
 */
export async function seedPlatform(h: Harness, opts: { featurePr?: boolean } = {}): Promise<{ devHead: string; featurePr?: { number: number; url: string } }> {
  const gh = h.github;
  const base = gh.addRepo('acme/platform', { defaultBranch: 'main' });
  for (const b of ['dev', 'test', 'prod']) gh.setBranch('acme/platform', b, base);
  const fast = { queuedMs: 40, inProgressMs: 120 };
  gh.addWorkflow('acme/platform', { file: 'ci-dev.yml', name: 'ci-dev', onPushBranches: ['dev'], durations: fast, logLines: ['dev smoke run_id=30001 SUCCESS'] });
  gh.addWorkflow('acme/platform', { file: 'ci-test.yml', name: 'ci-test', onPushBranches: ['test'], durations: fast, logLines: ['smoke job run_id=41001 SUCCESS', 'asset validation run_id: 41002'] });
  gh.addEnvironment('acme/platform', 'DataBricks-Prod', { reviewers: true });
  gh.addWorkflow('acme/platform', {
    file: 'cd-prod.yml',
    name: 'cd-prod',
    onPushBranches: ['prod'],
    environment: 'DataBricks-Prod',
    durations: fast,
    logLines: ['deploying bundle', 'smoke run_id=52002', 'validation run_id: 52003'],
  });
  if (!opts.featurePr) {
    const devHead = gh.addCommit('acme/platform', 'dev', { message: 'feat: new smoke job', author: { name: 'Erin', email: 'erin@acme.test', login: 'erin' } });
    return { devHead };
  }
  gh.setBranch('acme/platform', 'feature/smoke', base);
  gh.addCommit('acme/platform', 'feature/smoke', { message: 'feat: new smoke job', author: { name: 'Erin', email: 'erin@acme.test', login: 'erin' } });
  const pr = await githubAsPerson(h, 'POST', '/repos/acme/platform/pulls', { head: 'feature/smoke', base: 'dev', title: 'Feature for dev validation', body: 'Promote to dev' });
  await githubAsPerson(h, 'PUT', `/repos/acme/platform/pulls/${String(pr.number)}/merge`, { merge_method: 'merge' });
  return { devHead: gh.branchHead('acme/platform', 'dev')!, featurePr: { number: Number(pr.number), url: String(pr.html_url) } };
}
