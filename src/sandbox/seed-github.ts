/**
 * Seeds the GitHub emulator with the two demo repositories and a few days of history, as
 * if shipgate and CI had been running for a while: commits, CI runs (check runs on every
 * SHA), deploy runs with Databricks run IDs in their logs, merged promotion PRs, GitHub
 * deployments and the `DataBricks-Prod` environment with required reviewers.
 *
 * History is written "in the past" by moving the emulator's clock back (`clock.skewMs`)
 * while seeding and forward again at the end, so runs show real ages and durations.
 */
import type { GitHubEmulator } from '../emulators/github-emulator';
import { promotionId } from '../domain/promotion-id';
import { seedCycleRuns } from './seed-cycles';
import { RISK_REPO, seedRiskModels } from './seed-risk';
import { deployInThePast } from './seed-deploy';

export const HOUR = 3_600_000;

/** The emulator's clock is `base() + skewMs` (base: the sandbox's clock, default `Date.now`). */
export interface SeedClock {
  skewMs: number;
  base?: () => number;
}

const baseOf = (clock: SeedClock): number => (clock.base ?? Date.now)();

export interface SeededRun {
  id: number;
  name: string;
  /** GitHub's run_number (`deploy #3`). */
  runNumber?: number;
  url: string;
  headSha: string;
}

/** One deployment the seed made, for the deployment history and the seeded promotions. */
export interface SeededDeployment {
  service: string;
  repo: string;
  from: string;
  env: string;
  sha: string;
  /** When it finished. */
  at: Date;
  runs: SeededRun[];
  pullRequests: Array<{ number: number; url: string; title: string }>;
  matches: Array<{ name: string; value: string; source: string }>;
  /** Set when shipgate drove it (a promotion); unset for CI deploys of the first environment. */
  promotionId?: string;
  cr?: string;
  reason?: string;
  /** The environment's `verify` workflow passed on it (a CI deploy whose smoke tests passed). */
  verified?: boolean;
}

export interface GitHubSeed {
  deployments: SeededDeployment[];
  /** Heads after seeding, for the startup output and tests. */
  heads: Record<string, Record<string, string>>;
}

export const MARKETS_REPO = 'acme/markets';
export const PLATFORM_REPO = 'acme/platform';

const AUTHORS = {
  erin: { name: 'Erin Engineer', email: 'erin.engineer@acme.example', login: 'erin-engineer' },
  omar: { name: 'Omar Oncall', email: 'omar.oncall@acme.example', login: 'omar-oncall' },
  rita: { name: 'Rita Release', email: 'rita.release@acme.example', login: 'rita-release' },
};

/** Durations of runs started during the demo: quick enough to watch, slow enough to see each state. */
const DEMO_PACE = {
  checks: { queuedMs: 800, inProgressMs: 2500 },
  deploy: { queuedMs: 1200, inProgressMs: 5000 },
};

const MARKETS_DEPLOY_LOG = [
  'Resolving artifact ghcr.io/acme/markets-pipeline (built once from the candidate SHA; never rebuilt per environment)',
  'helm upgrade markets-pipeline charts/markets-pipeline --atomic --set image.tag=${{ inputs.sha }}',
  'Release "markets-pipeline" has been upgraded. Happy Helming!',
  'Databricks: EOD risk aggregation job submitted, run_id=915002',
  'Databricks: run_id=915002 finished: SUCCESS',
  'Deployment verified: 6/6 pods ready',
];

const DATABRICKS_LOGS = {
  dev: [
    'databricks bundle deploy --target dev',
    'Deployed 14 jobs to DataBricks-Dev',
    'smoke: submitted run_id=903311',
    'smoke: run_id=903311 finished: SUCCESS',
  ],
  test: [
    'databricks bundle deploy --target test',
    'Deployed 14 jobs to DataBricks-Test',
    'smoke: submitted run_id=907720',
    'smoke: run_id=907720 finished: SUCCESS',
    'asset validation notebook: run_id=907733 finished: SUCCESS',
  ],
  prod: [
    'databricks bundle deploy --target prod',
    'Deployed 14 jobs to DataBricks-Prod',
    'smoke: submitted run_id=912345',
    'smoke: run_id=912345 finished: SUCCESS',
    'asset validation notebook: run_id=912377 finished: SUCCESS',
    'post-deploy summary: 14 jobs updated, 0 failed',
  ],
};

function runIdsIn(lines: string[]): string[] {
  return [...new Set(lines.flatMap((l) => [...l.matchAll(/run_id[=: ]+(\d+)/g)].map((m) => m[1]!)))];
}

export async function seedGitHub(github: GitHubEmulator, clock: SeedClock, token: string, random: () => number = Math.random): Promise<GitHubSeed> {
  const api = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${github.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox seed: ${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  /** Moves the emulator clock to `hoursAgo` (never backwards while seeding). */
  const at = (hoursAgo: number): Date => {
    clock.skewMs = -hoursAgo * HOUR;
    return new Date(baseOf(clock) + clock.skewMs);
  };
  const latestRun = (repo: string, name: string, sha: string): SeededRun => {
    const run = github.runs(repo).find((r) => r.name === name && r.head_sha === sha);
    if (!run) throw new Error(`sandbox seed: no ${name} run for ${sha} in ${repo}`);
    return { id: Number(run.id), name, runNumber: Number(run.run_number), url: String(run.html_url), headSha: sha };
  };
  const deployments: SeededDeployment[] = [];

  // ------------------------------------------------------------ acme/markets (workflow strategy, int → prod)
  at(24 * 14);
  github.addRepo(MARKETS_REPO, { defaultBranch: 'main' });
  github.addWorkflow(MARKETS_REPO, {
    file: 'ci.yml',
    name: 'ci',
    jobName: 'unit-tests',
    stepName: 'pytest',
    onPushBranches: ['main'],
    durations: DEMO_PACE.checks,
    logLines: ['412 passed in 38.2s'],
  });
  github.addWorkflow(MARKETS_REPO, {
    file: 'ci-test.yml',
    name: 'ci-test',
    jobName: 'ci-test',
    stepName: 'Integration tests',
    onPushBranches: ['main'],
    durations: DEMO_PACE.checks,
    logLines: ['integration suite: 57 passed'],
  });
  github.addWorkflow(MARKETS_REPO, {
    file: 'deploy.yml',
    name: 'deploy',
    jobName: 'deploy',
    stepName: 'Deploy the immutable artifact',
    durations: DEMO_PACE.deploy,
    inputs: { environment: { required: true }, sha: { required: true } },
    logLines: MARKETS_DEPLOY_LOG,
  });
  const marketsDeploy = async (env: 'int' | 'prod', sha: string, hoursAgo: number, promo?: { cr: string; reason: string }): Promise<void> => {
    const { run, finished } = await deployInThePast({ github, at, api }, { repo: MARKETS_REPO, env, sha, hoursAgo, production: env === 'prod', description: `markets-pipeline ${sha.slice(0, 7)}` });
    deployments.push({
      service: 'markets-pipeline',
      repo: MARKETS_REPO,
      from: 'int',
      env,
      sha,
      at: finished,
      runs: [run],
      pullRequests: [],
      matches: runIdsIn(MARKETS_DEPLOY_LOG).map((value) => ({ name: 'databricks_run_id', value, source: run.url })),
      ...(promo ? { promotionId: promotionId('promotion', finished, random), cr: promo.cr, reason: promo.reason } : {}),
    });
  };

  at(24 * 6);
  const m1 = github.addCommit(MARKETS_REPO, 'main', {
    message: 'feat: intraday VaR model v2 (#212)',
    author: AUTHORS.erin,
    date: baseOf(clock) + clock.skewMs,
    push: true,
  });
  await marketsDeploy('int', m1, 24 * 6 - 1);
  await marketsDeploy('prod', m1, 24 * 5 - 2, { cr: 'CHG0030017', reason: 'VaR model v2 release' });
  at(72);
  const m2 = github.addCommit(MARKETS_REPO, 'main', {
    message: 'fix: FX rates cache TTL off by one hour (#219)',
    author: AUTHORS.omar,
    date: baseOf(clock) + clock.skewMs,
    push: true,
  });
  await marketsDeploy('int', m2, 71.5);
  await marketsDeploy('prod', m2, 46, { cr: 'CHG0030024', reason: 'weekly release' });
  at(30);
  const m3 = github.addCommit(MARKETS_REPO, 'main', {
    message: 'feat: stream end-of-day prices from Kafka (#224)',
    author: AUTHORS.erin,
    date: baseOf(clock) + clock.skewMs,
    push: true,
  });
  await marketsDeploy('int', m3, 29.5);

  // ------------------------------------------------------------ acme/platform (branch strategy, dev → test → prod)
  at(24 * 21);
  const base = github.addRepo(PLATFORM_REPO, { defaultBranch: 'main' });
  for (const b of ['dev', 'test', 'prod']) github.setBranch(PLATFORM_REPO, b, base);
  github.addEnvironment(PLATFORM_REPO, 'DataBricks-Dev');
  github.addEnvironment(PLATFORM_REPO, 'DataBricks-Test');
  github.addEnvironment(PLATFORM_REPO, 'DataBricks-Prod', { reviewers: [github.login, AUTHORS.rita.login] });
  github.addWorkflow(PLATFORM_REPO, {
    file: 'unit-tests.yml',
    name: 'unit-tests',
    jobName: 'unit-tests',
    stepName: 'pytest',
    onPushBranches: ['dev', 'test', 'prod'],
    durations: DEMO_PACE.checks,
    logLines: ['218 passed in 21.4s'],
  });
  github.addWorkflow(PLATFORM_REPO, {
    file: 'ci-dev.yml',
    name: 'ci-dev',
    jobName: 'ci-dev',
    stepName: 'Deploy bundle + smoke',
    environment: 'DataBricks-Dev',
    onPushBranches: ['dev'],
    durations: DEMO_PACE.deploy,
    logLines: DATABRICKS_LOGS.dev,
  });
  github.addWorkflow(PLATFORM_REPO, {
    file: 'ci-test.yml',
    name: 'ci-test',
    jobName: 'ci-test',
    stepName: 'Deploy bundle, smoke + validation',
    environment: 'DataBricks-Test',
    onPushBranches: ['test'],
    durations: DEMO_PACE.deploy,
    logLines: DATABRICKS_LOGS.test,
  });
  github.addWorkflow(PLATFORM_REPO, {
    file: 'cd-prod.yml',
    name: 'cd-prod',
    jobName: 'cd-prod',
    stepName: 'Deploy bundle, smoke, summary',
    environment: 'DataBricks-Prod',
    onPushBranches: ['prod'],
    durations: DEMO_PACE.deploy,
    logLines: DATABRICKS_LOGS.prod,
  });

  const promoteBranch = async (from: 'dev' | 'test', to: 'test' | 'prod', hoursAgo: number, promo: { cr?: string; reason: string }): Promise<void> => {
    const startedAt = at(hoursAgo);
    const id = promotionId('promotion', startedAt, random);
    const pr = await api<{ number: number; html_url: string; title: string }>('POST', `/repos/${PLATFORM_REPO}/pulls`, {
      title: `Promote databricks-jobs ${from} → ${to} (${id})`,
      head: from,
      base: to,
      body: `Requested in Slack by shipgate promotion \`${id}\`.`,
    });
    const merged = await api<{ sha: string }>('PUT', `/repos/${PLATFORM_REPO}/pulls/${pr.number}/merge`, { merge_method: 'merge' });
    const workflow = to === 'prod' ? 'cd-prod' : 'ci-test';
    const run = latestRun(PLATFORM_REPO, workflow, merged.sha);
    if (to === 'prod') {
      at(hoursAgo - 0.05);
      github.tick();
      github.reviewRun(run.id, 'approved', { login: github.login, comment: `Approved in Slack (${id})` });
    }
    const finished = at(hoursAgo - 0.2);
    deployments.push({
      service: 'databricks-jobs',
      repo: PLATFORM_REPO,
      from,
      env: to,
      sha: merged.sha,
      at: finished,
      runs: [run],
      pullRequests: [{ number: pr.number, url: pr.html_url, title: pr.title }],
      matches: runIdsIn(DATABRICKS_LOGS[to]).map((value) => ({ name: 'databricks_run_id', value, source: run.url })),
      promotionId: id,
      ...(promo.cr ? { cr: promo.cr } : {}),
      reason: promo.reason,
    });
  };

  /** A merge into dev (CI deploys dev on push: history only, no promotion). */
  const devPush = (hoursAgo: number, message: string, author: (typeof AUTHORS)[keyof typeof AUTHORS]): void => {
    at(hoursAgo);
    const sha = github.addCommit(PLATFORM_REPO, 'dev', { message, author, date: baseOf(clock) + clock.skewMs, push: true });
    const run = latestRun(PLATFORM_REPO, 'ci-dev', sha);
    deployments.push({
      service: 'databricks-jobs',
      repo: PLATFORM_REPO,
      from: 'dev',
      env: 'dev',
      sha,
      at: at(hoursAgo - 0.1),
      runs: [run],
      pullRequests: [],
      matches: runIdsIn(DATABRICKS_LOGS.dev).map((value) => ({ name: 'databricks_run_id', value, source: run.url })),
    });
  };

  devPush(24 * 10, 'jobs: nightly positions reconciliation (#88)', AUTHORS.erin);
  await promoteBranch('dev', 'test', 24 * 9, { reason: 'reconciliation job for UAT' });
  await promoteBranch('test', 'prod', 24 * 8, { cr: 'CHG0030009', reason: 'positions reconciliation go-live' });
  devPush(24 * 4, 'jobs: FX exposure snapshot every 15 minutes (#93)', AUTHORS.erin);
  await promoteBranch('dev', 'test', 24 * 3, { reason: 'FX exposure snapshot for UAT' });
  devPush(20, 'fix: retry Databricks cluster start on 429 (#97)', AUTHORS.omar);
  // branch protection as the runbook has it (after the seeded merges)
  github.setBranchProtection(PLATFORM_REPO, 'test', { requiredChecks: ['unit-tests', 'ci-dev'] });
  github.setBranchProtection(PLATFORM_REPO, 'prod', { requiredChecks: ['unit-tests', 'ci-test'] });

  await seedCycleRuns(github, clock, token, { markets: MARKETS_REPO, platform: PLATFORM_REPO });
  // acme/risk: the parallel-stage service (dev → [perf | security] → staging → prod)
  await seedRiskModels({ github, at, api, random, author: AUTHORS.erin, record: (d) => deployments.push(d) });

  clock.skewMs = 0;
  github.tick();
  const heads: Record<string, Record<string, string>> = {
    [MARKETS_REPO]: { main: github.branchHead(MARKETS_REPO, 'main')! },
    [RISK_REPO]: { main: github.branchHead(RISK_REPO, 'main')! },
    [PLATFORM_REPO]: Object.fromEntries(['main', 'dev', 'test', 'prod'].map((b) => [b, github.branchHead(PLATFORM_REPO, b)!])),
  };
  return { deployments, heads };
}
