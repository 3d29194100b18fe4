/**
 * Resume after kill -9 (issue 11): a real `shipgate serve --role worker` process, with the
 * production lock timings, is killed inside a step (the dispatch call was applied by GitHub and
 * never answered). A new worker process is started at once; measured is the time from the
 * kill to the new worker's first GitHub call for that promotion (it looks for the run before
 * dispatching again), process start included. Dispatches are counted: always one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropPrefix } from '../src/adapters/redis/drop-prefix';
import { parseConfig } from '../src/config/load-config';
import { envSchema } from '../src/config/env-schema';
import { startShipgate } from '../src/main';
import { silentLogger } from '../src/app/logger';
import { SlackEmulator } from '../src/emulators/slack-emulator';
import { GitHubEmulator } from '../src/emulators/github-emulator';

const CONFIG = `
environments:
  - { name: int }
  - { name: prod, deployers: ["*"], approvers: [S0RM] }
services:
  - { name: markets, repo: acme/markets, pipeline: [int, prod], strategy: { type: workflow, workflow: deploy.yml, inputs: { sha: "{{sha}}", promotion: "{{promotion}}" } } }
`;

const BIN = path.join(__dirname, '..', '..', 'bin', 'shipgate.js');

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function benchResume(rounds = Number(process.env.BENCH_RESUME_ROUNDS ?? 5)): Promise<Array<{ name: string; value: string }>> {
  const prefix = `bench-resume-${process.pid}-${Date.now()}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const dir = mkdtempSync(path.join(tmpdir(), 'shipgate-bench-resume-'));
  const configFile = path.join(dir, 'shipgate.yml');
  writeFileSync(configFile, CONFIG);
  const slack = new SlackEmulator({ token: 'xoxb-r', signingSecret: 'bench-signing-secret-2', users: [{ id: 'U0A', name: 'a' }, { id: 'U0B', name: 'b' }], channels: [{ id: 'C0B', name: 'b' }], usergroups: { S0RM: ['U0B'] } });
  const github = new GitHubEmulator({ token: 'ghp_r', defaultDurations: { queuedMs: 200, inProgressMs: 500 } });
  await Promise.all([slack.start(), github.start()]);
  github.addRepo('acme/markets', { defaultBranch: 'main' });
  github.addCommit('acme/markets', 'main', { message: 'release' });
  github.addWorkflow('acme/markets', { file: 'deploy.yml', runName: 'deploy ${{ inputs.promotion }}' });
  const vars = {
    SLACK_BOT_TOKEN: 'xoxb-r',
    SLACK_SIGNING_SECRET: 'bench-signing-secret-2',
    SLACK_API_URL: `${slack.url}/api/`,
    GITHUB_TOKEN: 'ghp_r',
    GITHUB_API_URL: github.url,
    REDIS_URL: redisUrl,
    SHIPGATE_REDIS_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: process.env.BENCH_DEBUG ? 'info' : 'silent',
  };
  // the web side in this process; the workers are real `serve --role worker` processes with default timings
  const web = await startShipgate({ config: parseConfig(CONFIG), env: envSchema.parse(vars), role: 'web', logger: silentLogger, host: '127.0.0.1' });
  slack.botUrl = `${web.url}/slack/events`;
  const startWorker = (): ChildProcess => spawn(process.execPath, [BIN, 'serve', '--role', 'worker', '--config', configFile], { env: { PATH: process.env.PATH ?? '', ...vars }, stdio: process.env.BENCH_DEBUG ? 'inherit' : 'ignore' });
  const resumes: number[] = [];
  let dispatchesPerPromotion = new Set<number>();
  let worker = startWorker();
  try {
    for (let i = 0; i < rounds; i++) {
      // a new build each round (re-promoting what already runs in prod is refused without force=true)
      github.addCommit('acme/markets', 'main', { message: `release ${i + 1}` });
      await slack.sendSlashCommand({ command: '/promote', text: 'markets prod', userId: 'U0A', channelId: 'C0B' });
      // a person clicks what the card shows: wait until it carries the Approve button
      const p = await waitFor(async () =>
        (await web.repo.recent(5)).find((x) => x.state === 'awaiting_approval' && x.messageTs && JSON.stringify(slack.message(x.channel, x.messageTs)?.blocks ?? []).includes('"action_id":"promotion_approve"')),
      );
      const fault = github.inject({ method: 'POST', path: /\/dispatches$/, mode: 'hang-after' });
      const before = github.dispatches.length;
      await slack.sendBlockAction({ userId: 'U0B', channelId: 'C0B', messageTs: p.messageTs!, actionId: 'promotion_approve' });
      await fault.hit;
      const callsAtKill = github.calls.length;
      worker.kill('SIGKILL');
      await once(worker, 'exit');
      const killedAt = Date.now();
      worker = startWorker();
      // the new worker's first GitHub call: it looks for the run the interrupted dispatch created
      await waitFor(() => github.calls.slice(callsAtKill).some((c) => c.method === 'GET' && /\/actions\/(workflows\/[^/]+\/)?runs/.test(c.path)), 60_000);
      resumes.push(Date.now() - killedAt);
      const done = await waitFor(async () => {
        const x = await web.repo.get(p.id);
        return x && (x.state === 'succeeded' || x.state === 'failed') && x.exec?.finalized ? x : undefined;
      });
      if (done.state !== 'succeeded') throw new Error(`round ${i}: ${done.state}: ${done.stateReason}`);
      dispatchesPerPromotion.add(github.dispatches.length - before);
    }
  } finally {
    worker.kill('SIGKILL');
    await web.close();
    await Promise.all([slack.stop(), github.stop()]);
    await dropPrefix(redisUrl, prefix);
    rmSync(dir, { recursive: true, force: true });
  }
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return `median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(1)} s, max ${(sorted[sorted.length - 1]! / 1000).toFixed(1)} s`;
  };
  const dispatches = [...dispatchesPerPromotion].join('/');
  dispatchesPerPromotion = new Set();
  return [
    {
      name: 'Resume after kill -9 inside a step (real worker process, default 4 s lock + 2 s stall check)',
      value: `kill → the resumed step's first GitHub call (its look for the run): ${stats(resumes)} over ${rounds} kills, new process start included; dispatches per promotion: ${dispatches} (targets < 10 s, 1)`,
    },
  ];
}

if (require.main === module) {
  benchResume().then(
    (rows) => {
      for (const r of rows) process.stdout.write(`${r.name}: ${r.value}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
