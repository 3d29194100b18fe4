/**
 * Slack ack latency (SPEC §8: ack within 3 s, target p99 < 100 ms): signed slash commands and
 * button clicks sent over real HTTP to the real bot (emulated Slack/GitHub, real Redis).
 * Needs Redis on REDIS_URL (default 127.0.0.1:6379); uses a throwaway key prefix.
 */
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
  - { name: svc, repo: acme/svc, pipeline: [int, prod], strategy: { type: workflow, workflow: deploy.yml } }
`;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export async function benchAck(n = 300): Promise<Array<{ name: string; value: string }>> {
  const prefix = `bench-${process.pid}-${Date.now()}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const slack = new SlackEmulator({ token: 'xoxb-bench', signingSecret: 'bench-secret-0123456789', users: [{ id: 'U0BENCH', name: 'bench' }, { id: 'U0RM', name: 'rm' }], channels: [{ id: 'C0BENCH', name: 'bench' }], usergroups: { S0RM: ['U0RM'] } });
  const github = new GitHubEmulator({ token: 'ghp_bench', defaultDurations: { queuedMs: 10, inProgressMs: 10 } });
  await Promise.all([slack.start(), github.start()]);
  github.addRepo('acme/svc', { defaultBranch: 'main' });
  github.addWorkflow('acme/svc', { file: 'deploy.yml' });
  const env = envSchema.parse({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-secret-0123456789',
    SLACK_API_URL: `${slack.url}/api/`,
    GITHUB_TOKEN: 'ghp_bench',
    GITHUB_API_URL: github.url,
    REDIS_URL: redisUrl,
    SHIPGATE_REDIS_PREFIX: prefix,
    PORT: '0',
  });
  const app = await startShipgate({ config: parseConfig(CONFIG), env, role: 'all', logger: silentLogger, host: '127.0.0.1' });
  slack.botUrl = `${app.url}/slack/events`;
  try {
    const help: number[] = [];
    const promote: number[] = [];
    for (let i = 0; i < n; i++) help.push((await slack.sendSlashCommand({ command: '/promote', text: 'help', userId: 'U0BENCH', channelId: 'C0BENCH' })).ackMs);
    const afterAck = slack.ephemerals('U0BENCH').filter((e) => e.source === 'response_url').length;
    for (let i = 0; i < Math.min(n, 100); i++) promote.push((await slack.sendSlashCommand({ command: '/promote', text: 'svc prod', userId: 'U0BENCH', channelId: 'C0BENCH' })).ackMs);
    const fmt = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return `p50 ${pct(s, 50).toFixed(1)} ms, p99 ${pct(s, 99).toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms (n=${s.length}; target p99 < 100 ms)`;
    };
    return [
      { name: 'ack latency: /promote help', value: fmt(help) },
      { name: 'ack latency: /promote svc prod', value: fmt(promote) },
      { name: 'replies posted after the ack: /promote help', value: `${afterAck} by response_url for ${help.length} commands (target 0: the reply is the ack)` },
    ];
  } finally {
    await app.close();
    await Promise.all([slack.stop(), github.stop()]);
    await dropPrefix(redisUrl, prefix);
  }
}

// `node dist/scripts/bench-ack.js`: this row alone
if (require.main === module) {
  benchAck().then(
    (rows) => {
      for (const r of rows) process.stdout.write(`${r.name} | ${r.value}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
