/**
 * GitHub API calls for one promotion (issue 4), counted until the promotion is finalized (GitHub Deployment mirrored, evidence posted): a workflow promotion and a branch promotion
 * (with an environment review), each with webhooks and with polling only. Counts every REST
 * call the bot made to the GitHub emulator from the Slack request to the final evidence, and
 * how many were conditional (304, free of rate limit). Runs the real bot over HTTP + Redis.
 */
import { dropPrefix } from '../src/adapters/redis/drop-prefix';
import { parseConfig } from '../src/config/load-config';
import { envSchema } from '../src/config/env-schema';
import { startShipgate } from '../src/main';
import { silentLogger } from '../src/app/logger';
import { SlackEmulator } from '../src/emulators/slack-emulator';
import { GitHubEmulator } from '../src/emulators/github-emulator';
import { isExecutionActive } from '../src/domain/execution-plan';
import { owesChat } from '../src/domain/outbox';

const CONFIG = `
environments:
  - { name: dev }
  - { name: test }
  - { name: int }
  - { name: prod, deployers: ["*"], approvers: [S0RM] }
services:
  - { name: markets, repo: acme/markets, pipeline: [int, prod], requiredChecks: [unit-tests], strategy: { type: workflow, workflow: deploy.yml, inputs: { sha: "{{sha}}" } } }
  - name: jobs
    repo: acme/platform
    pipeline: [test, prod]
    requiredChecks: [unit-tests]
    strategy: { type: branch, branches: { test: test, prod: prod }, deployWorkflows: { prod: cd-prod }, approveEnvironments: true }
evidence: { patterns: [{ name: databricks_run_id, regex: "run_id=(\\\\d+)" }] }
`;

async function once(service: 'markets' | 'jobs', webhooks: boolean): Promise<{ calls: number; conditional: number; seconds: number; list: string }> {
  const prefix = `bench-gh-${process.pid}-${Date.now()}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const secret = 'bench-webhook-secret';
  const slack = new SlackEmulator({ token: 'xoxb-b', signingSecret: 'bench-signing-secret-1', users: [{ id: 'U0A', name: 'a' }, { id: 'U0B', name: 'b' }], channels: [{ id: 'C0B', name: 'b' }], usergroups: { S0RM: ['U0B'] } });
  const github = new GitHubEmulator({ token: 'ghp_b', defaultDurations: { queuedMs: 1000, inProgressMs: 3000 } });
  await Promise.all([slack.start(), github.start()]);
  github.addRepo('acme/markets', { defaultBranch: 'main' });
  const sha = github.addCommit('acme/markets', 'main', { message: 'release' });
  github.addCheckRun('acme/markets', sha, { name: 'unit-tests', status: 'completed', conclusion: 'success' });
  github.addWorkflow('acme/markets', { file: 'deploy.yml', logLines: ['run_id=1'] });
  const base = github.addRepo('acme/platform', { defaultBranch: 'main' });
  github.setBranch('acme/platform', 'prod', base);
  const t = github.addCommit('acme/platform', 'test', { message: 'release' });
  github.addCheckRun('acme/platform', t, { name: 'unit-tests', status: 'completed', conclusion: 'success' });
  github.addEnvironment('acme/platform', 'prod', { reviewers: true });
  github.addWorkflow('acme/platform', { file: 'cd-prod.yml', onPushBranches: ['prod'], environment: 'prod', logLines: ['run_id=2'] });
  const env = envSchema.parse({
    SLACK_BOT_TOKEN: 'xoxb-b',
    SLACK_SIGNING_SECRET: 'bench-signing-secret-1',
    SLACK_API_URL: `${slack.url}/api/`,
    GITHUB_TOKEN: 'ghp_b',
    GITHUB_API_URL: github.url,
    REDIS_URL: redisUrl,
    SHIPGATE_REDIS_PREFIX: prefix,
    PORT: '0',
    ...(webhooks ? { GITHUB_WEBHOOK_SECRET: secret } : {}),
  });
  // polling only: the default 5 s interval (backing off to 20 s); with webhooks: effectively never
  const app = await startShipgate({ config: parseConfig(CONFIG), env, role: 'all', logger: silentLogger, host: '127.0.0.1', githubThrottle: false, pollMs: webhooks ? 600_000 : 5000 });
  slack.botUrl = `${app.url}/slack/events`;
  if (webhooks) github.webhook = { url: `${app.url}/github/webhooks`, secret };
  try {
    const started = Date.now();
    const before = github.calls.length;
    await slack.sendSlashCommand({ command: '/promote', text: `${service} prod`, userId: 'U0A', channelId: 'C0B' });
    const p = await waitFor(async () => {
      const x = (await app.repo.recent(5))[0];
      if (x && x.state !== 'requested' && x.state !== 'awaiting_approval') throw new Error(`${service}: ${x.state}: ${x.gates.map((g) => `${g.gate} ${g.status} ${g.summary}`).join(' | ')}`);
      // a person can only click what the card shows: wait until it carries Approve
      return x?.state === 'awaiting_approval' && x.messageTs && JSON.stringify(slack.message(x.channel, x.messageTs)?.blocks ?? []).includes('"action_id":"promotion_approve"') ? x : undefined;
    }, 30_000);
    await slack.sendBlockAction({ userId: 'U0B', channelId: 'C0B', messageTs: p.messageTs!, actionId: 'promotion_approve' });
    let last = '';
    const done = await waitFor(async () => {
      const x = await app.repo.get(p.id);
      last = `${service}: ${x?.state} [${Object.entries(x?.steps ?? {}).map(([k, v]) => `${k}:${v.status}`).join(' ')}]`;
      // every call of the promotion: also the GitHub Deployment mirror and the evidence pack after `succeeded`
      return x && (x.state === 'succeeded' || x.state === 'failed') && !isExecutionActive(x) && !owesChat(x) ? x : undefined;
    }, 120_000, () => last);
    if (done.state !== 'succeeded') throw new Error(`${service} promotion ${done.state}: ${done.stateReason}`);
    const mine = github.calls.slice(before).filter((c) => !c.path.startsWith('/_') && !c.path.includes('/logs/'));
    return { calls: mine.length, conditional: mine.filter((c) => c.status === 304).length, seconds: (Date.now() - started) / 1000, list: listCalls(mine) };
  } finally {
    await app.close();
    await Promise.all([slack.stop(), github.stop()]);
    await dropPrefix(redisUrl, prefix);
  }
}

/** Every call in order as `METHOD /route (status)`, ids and SHAs replaced by placeholders; repeats of one call folded as `×n`. */
function listCalls(calls: Array<{ method: string; path: string; status: number }>): string {
  const route = (path: string) =>
    path
      .replace(/^\/repos\/[^/]+\/[^/]+/, '/repos/{repo}')
      .replace(/\/[0-9a-f]{40}(?=\/|$)/g, '/{sha}')
      .replace(/\.\.\.[0-9a-f]{40}$/, '...{sha}')
      .replace(/\/\d+(?=\/|$)/g, '/{n}');
  const out: Array<{ label: string; n: number }> = [];
  for (const c of calls) {
    const label = `${c.method} ${route(c.path)}${c.status === 304 ? ' (304)' : c.status >= 400 ? ` (${c.status})` : ''}`;
    const last = out[out.length - 1];
    if (last?.label === label) last.n++;
    else out.push({ label, n: 1 });
  }
  return out.map((x, i) => `${i + 1}. ${x.label}${x.n > 1 ? ` ×${x.n}` : ''}`).join('; ');
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 120_000, seen: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out ${seen()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function benchGithubCalls(): Promise<Array<{ name: string; value: string }>> {
  const rows: Array<{ name: string; value: string }> = [];
  for (const [service, label] of [
    ['markets', 'workflow promotion'],
    ['jobs', 'branch promotion (+ env review)'],
  ] as const) {
    for (const webhooks of [true, false]) {
      const r = await once(service, webhooks);
      const target = webhooks ? (service === 'markets' ? '; target ≤ 9' : '; target ≤ 15') : '';
      rows.push({ name: `GitHub calls: ${label}, ${webhooks ? 'webhooks' : 'polling only'}`, value: `${r.calls} calls (${r.conditional} answered 304) in ${r.seconds.toFixed(1)} s; run 1 s queued + 3 s in progress${target}` });
      rows.push({ name: `GitHub calls listed: ${label}, ${webhooks ? 'webhooks' : 'polling only'}`, value: r.list });
    }
  }
  return rows;
}

if (require.main === module) {
  benchGithubCalls().then(
    (rows) => {
      for (const r of rows) process.stdout.write(`${r.name.padEnd(60)} ${r.value}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
