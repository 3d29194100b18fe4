/**
 * The ack bench's baseline: a bare Bolt app — the same `@slack/bolt`, the same HTTPReceiver options
 * as shipgate's (src/adapters/slack/slack-receiver.ts) except that Bolt verifies the signature
 * itself (shipgate's own route does it before its receiver) — whose listeners only acknowledge
 * with the body shipgate acknowledged the same request with (BENCH_ACKS, probed by the bench).
 * Run as a child process: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, BENCH_ACKS.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

type AckBody = string | Record<string, unknown>;
const acks = JSON.parse(process.env.BENCH_ACKS ?? '{}') as { help?: AckBody; promote?: AckBody };

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  endpoints: '/slack/events',
  logLevel: LogLevel.ERROR,
  unhandledRequestTimeoutMillis: 2900,
  processEventErrorHandler: async ({ response }) => {
    if (!response.headersSent)
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ response_type: 'ephemeral', text: 'error' }));
    return false;
  },
});
const app = new App({
  receiver,
  authorize: async () => ({ botToken: process.env.SLACK_BOT_TOKEN ?? '', botId: 'B0SHIPGATE', botUserId: 'U0SHIPGATE' }),
  logLevel: LogLevel.ERROR,
});
app.command('/promote', async ({ command, ack }) => {
  const body = command.text.trim() === 'help' ? acks.help : acks.promote;
  if (body === undefined || body === '') await ack();
  else await ack(body as Parameters<typeof ack>[0]);
});
app.action('promotion_approve', async ({ ack }) => {
  await ack();
});

app.start(Number(process.env.PORT ?? 0)).then(
  () => process.send?.({ ready: true }),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
