/**
 * Slack ack latency at 20 concurrent envelopes, Socket Mode beside HTTP: `/promote help` sent in
 * waves of 20 at once to the real bot (emulated Slack/GitHub, real Redis), over its WebSocket
 * (SLACK_APP_TOKEN) or as signed HTTP requests. Ack latency is from sending to the ack arriving.
 */
import { dropPrefix } from '../src/adapters/redis/drop-prefix';
import { parseConfig } from '../src/config/load-config';
import { envSchema } from '../src/config/env-schema';
import { startShipgate } from '../src/main';
import { silentLogger } from '../src/app/logger';
import { SlackEmulator } from '../src/emulators/slack-emulator';
import { GitHubEmulator } from '../src/emulators/github-emulator';
import { pct } from './bench-stats';

const CONFIG = `
environments:
  - { name: int }
  - { name: prod }
services:
  - { name: svc, repo: acme/svc, pipeline: [int, prod], strategy: { type: workflow, workflow: deploy.yml } }
`;
const CONCURRENCY = 20;

async function measure(socketMode: boolean, waves: number): Promise<string> {
  const prefix = `bench-sock-${process.pid}-${Date.now()}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const slack = new SlackEmulator({ token: 'xoxb-bench', signingSecret: 'bench-secret-0123456789', socketMode, appToken: 'xapp-1-bench', users: [{ id: 'U0BENCH', name: 'bench' }], channels: [{ id: 'C0BENCH', name: 'bench' }] });
  const github = new GitHubEmulator({ token: 'ghp_bench' });
  await Promise.all([slack.start(), github.start()]);
  github.addRepo('acme/svc', { defaultBranch: 'main' });
  const env = envSchema.parse({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-secret-0123456789',
    ...(socketMode ? { SLACK_APP_TOKEN: 'xapp-1-bench' } : {}),
    SLACK_API_URL: `${slack.url}/api/`,
    GITHUB_TOKEN: 'ghp_bench',
    GITHUB_API_URL: github.url,
    REDIS_URL: redisUrl,
    SHIPGATE_REDIS_PREFIX: prefix,
    PORT: '0',
  });
  const app = await startShipgate({ config: parseConfig(CONFIG), env, role: 'web', logger: silentLogger, host: '127.0.0.1' });
  slack.botUrl = `${app.url}/slack/events`;
  try {
    const acks: number[] = [];
    let failed = 0;
    for (let w = 0; w < waves; w++) {
      const wave = await Promise.all(Array.from({ length: CONCURRENCY }, () => slack.sendSlashCommand({ command: '/promote', text: 'help', userId: 'U0BENCH', channelId: 'C0BENCH' })));
      for (const r of wave) {
        if (r.status === 200 && (r.attempts ?? 1) === 1) acks.push(r.ackMs);
        else failed += 1;
      }
    }
    const s = acks.sort((a, b) => a - b);
    return `p50 ${pct(s, 50).toFixed(1)} ms, p99 ${pct(s, 99).toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms (n=${s.length}, ${CONCURRENCY} at once${failed ? `, ${failed} not acked in time` : ''}; ack window 3 s)`;
  } finally {
    await app.close();
    await Promise.all([slack.stop(), github.stop()]);
    await dropPrefix(redisUrl, prefix);
  }
}

export async function benchSocketAck(waves = 10): Promise<Array<{ name: string; value: string }>> {
  return [
    { name: 'ack latency, 20 concurrent: HTTP', value: await measure(false, waves) },
    { name: 'ack latency, 20 concurrent: Socket Mode', value: await measure(true, waves) },
  ];
}
