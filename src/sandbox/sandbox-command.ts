import type { CliIo } from '../cli';
import { isShipgateError } from '../domain/shipgate-error';
import { DEMO_CHANNELS, DEMO_USERS, TRY_COMMANDS } from './demo-workspace';
import type { Sandbox, SandboxOptions } from './start-sandbox';

export const SANDBOX_USAGE = `usage: shipgate sandbox [--port N] [--host ADDR] [--data-dir DIR] [--log-level LEVEL]

  --port N          port of the console and the bot (default 3000; 0 = any free port)
  --host ADDR       address to bind (default 127.0.0.1; 0.0.0.0 to reach it from elsewhere)
  --data-dir DIR    where the private redis-server keeps its append-only file (default .data/redis)
  --log-level L     the bot's log level: fatal|error|warn|info|debug|trace|silent (default warn)

Redis: REDIS_URL when set; otherwise a private redis-server (when installed).`;

function option(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The startup output: where to click, who to be, what to type, and how to go live. */
export function startupText(sb: Pick<Sandbox, 'url' | 'redis'>): string {
  const channel = (id: string) => `#${DEMO_CHANNELS.find((c) => c.id === id)?.name ?? id}`;
  const name = (id: string) => DEMO_USERS.find((u) => u.id === id)?.realName ?? id;
  const width = Math.max(...DEMO_USERS.map((u) => u.realName.length));
  const handle = Math.max(...DEMO_USERS.map((u) => u.name.length)) + 1;
  const lines = [
    '',
    'shipgate sandbox is running: the real bot, wired to emulated Slack, GitHub and ServiceNow.',
    '',
    `  Open  ${sb.url}`,
    '',
    'Demo people (switch between them in the console, bottom left):',
    ...DEMO_USERS.map((u) => `  ${u.realName.padEnd(width)}  ${`@${u.name}`.padEnd(handle)}  ${u.title}: ${u.can}`),
    '',
    'Three things to try:',
    ...TRY_COMMANDS.map((t, i) => `  ${i + 1}. as ${name(t.as)} in ${channel(t.channel)}:  ${t.command}${t.then ? `\n     then ${t.then}` : ''}`),
    '',
    'Moving to a real workspace:',
    '  1. Create the Slack app from manifest.yml: api.slack.com/apps → Create New App → From an app manifest; install it',
    '     and /invite @shipgate to your channels.',
    '  2. Write shipgate.yml (start from examples/shipgate.yml) and check it: shipgate config validate --config shipgate.yml',
    '  3. Set SLACK_BOT_TOKEN (xoxb-…) and SLACK_APP_TOKEN (xapp-…, Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode);',
    '     GITHUB_TOKEN (or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY + GITHUB_APP_INSTALLATION_ID);',
    '     SERVICENOW_INSTANCE_URL + SERVICENOW_USERNAME/SERVICENOW_PASSWORD (or SERVICENOW_TOKEN); REDIS_URL; SHIPGATE_CONFIG.',
    '  4. Run: shipgate serve     (details: docs/sandbox.md and README.md)',
    '',
    `Redis: ${sb.redis.description}. Each start resets the sandbox's keys.`,
    'Press Ctrl-C to stop.',
    '',
  ];
  return lines.join('\n');
}

function signalled(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/**
 * `shipgate sandbox`: starts everything, prints where to go, runs until SIGINT/SIGTERM
 * (or until `stop` resolves, for tests) and then stops everything it started.
 */
export async function sandboxCommand(argv: string[], io: CliIo, stop?: Promise<string>): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(SANDBOX_USAGE);
    return 0;
  }
  const portText = option(argv, 'port') ?? io.env.PORT;
  const port = portText === undefined ? 3000 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`--port must be a port number between 0 and 65535 (got "${portText}")`);
    return 2;
  }
  const level = option(argv, 'log-level') ?? 'warn';
  if (!(LEVELS as readonly string[]).includes(level)) {
    io.stderr(`--log-level must be one of ${LEVELS.join(', ')} (got "${level}")`);
    return 2;
  }
  const host = option(argv, 'host');
  const dataDir = option(argv, 'data-dir');
  const opts: SandboxOptions = {
    port,
    logLevel: level as SandboxOptions['logLevel'],
    log: (line) => io.stdout(`  · ${line}`),
    ...(host ? { host } : {}),
    ...(dataDir ? { dataDir } : {}),
    ...(io.env.REDIS_URL ? { redisUrl: io.env.REDIS_URL } : {}),
    ...(io.env.PATH !== undefined ? { searchPath: io.env.PATH } : {}),
    ...(io.env.SHIPGATE_REDIS_PREFIX ? { prefix: io.env.SHIPGATE_REDIS_PREFIX } : {}),
  };

  io.stdout('Starting the shipgate sandbox…');
  const { startSandbox } = await import('./start-sandbox');
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox(opts);
  } catch (e) {
    if (isShipgateError(e)) {
      io.stderr(e.message);
      const problems = e.details.problems;
      if (Array.isArray(problems)) for (const p of problems) io.stderr(`  ${String(p)}`);
      return e.code === 'bad_option' ? 2 : 1;
    }
    throw e;
  }
  io.stdout(startupText(sandbox));
  const why = await (stop ?? signalled());
  io.stdout(`${why}: stopping the sandbox…`);
  await sandbox.close();
  return 0;
}
