import { parseCommand, usageError, withUsage, type CommandSpec } from '../cli/cli-args';
import type { CliIo } from '../cli/cli-io';
import { boundedShutdown, firstSignal, type ShutdownLog } from '../cli/bounded-shutdown';
import { isShipgateError } from '../shared/shipgate-error';
import { DEMO_CHANNELS, DEMO_USERS, TRY_COMMANDS } from './demo-workspace';
import type { Sandbox, SandboxOptions } from './start-sandbox';

export const SANDBOX_USAGE = `usage: shipgate sandbox [--port N] [--host ADDR] [--data-dir DIR] [--log-level LEVEL] [--time ISO] [--socket-mode]

  --port N          port of the console and the bot (default 3000; 0 = any free port)
  --host ADDR       address to bind (default 127.0.0.1; 0.0.0.0 to reach it from elsewhere)
  --data-dir DIR    where the private redis-server keeps its append-only file (default .data/redis/<port>)
  --log-level L     the bot's log level: fatal|error|warn|info|debug|trace|silent (default warn)
  --time ISO        start the sandbox clock at this instant, e.g. 2026-12-30T10:00:00Z (default now;
                    the console's clock moves it too: jump into a freeze, back to now)
  --socket-mode     the bot runs in Socket Mode (SLACK_APP_TOKEN): the console's commands and clicks
                    reach it over a WebSocket from the emulated Slack, not HTTP

Redis: REDIS_URL when set; otherwise a private redis-server (when installed).`;

const SANDBOX_SPEC: CommandSpec = {
  name: 'sandbox',
  usage: SANDBOX_USAGE,
  options: { port: { type: 'string', value: 'a port number' }, host: { type: 'string', value: 'an address' }, 'data-dir': { type: 'string', value: 'a directory' }, 'log-level': { type: 'string', value: 'a level' }, time: { type: 'string', value: 'an ISO-8601 instant' }, 'socket-mode': { type: 'boolean' } },
};

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The startup output: where to click, who to be, what to type, and how to go live. */
export function startupText(sb: Pick<Sandbox, 'url' | 'redis'> & Partial<Pick<Sandbox, 'clock'>>): string {
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
    `${['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six'][TRY_COMMANDS.length] ?? 'Some'} things to try:`,
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
    ...(sb.clock?.offsetMs ? [`Clock: ${sb.clock.now().toISOString()} (simulated; the console's clock control moves it, or back to now).`] : []),
    `Redis: ${sb.redis.description}. Each start resets the sandbox's keys; ${
      sb.redis.dataDir ? 'a sandbox on another --port has its own redis-server and data.' : 'a second sandbox on this Redis needs another SHIPGATE_REDIS_PREFIX.'
    }`,
    'Press Ctrl-C to stop.',
    '',
  ];
  return lines.join('\n');
}

function shutdownLog(io: CliIo): ShutdownLog {
  const line = (out: (s: string) => void) => (obj: object, msg: string) => out(`  · ${msg}${Object.keys(obj).length ? ` ${JSON.stringify(obj)}` : ''}`);
  return { info: line(io.stdout), warn: line(io.stderr), error: line(io.stderr) };
}

/**
 * `shipgate sandbox`: starts everything, prints where to go, runs until SIGINT/SIGTERM
 * (or until `stop` resolves, for tests) and then stops everything it started.
 */
export function sandboxCommand(argv: string[], io: CliIo, stop?: Promise<string>): Promise<number> {
  return withUsage(io, () => sandbox(argv, io, stop));
}

async function sandbox(argv: string[], io: CliIo, stop?: Promise<string>): Promise<number> {
  const { values, help } = parseCommand(SANDBOX_SPEC, argv);
  if (help) {
    io.stdout(SANDBOX_USAGE);
    return 0;
  }
  const option = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const portText = option('port') ?? io.env.PORT;
  const port = portText === undefined ? 3000 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(SANDBOX_SPEC, `--port must be a port number between 0 and 65535 (got "${portText}")`);
  const level = option('log-level') ?? 'warn';
  if (!(LEVELS as readonly string[]).includes(level)) throw usageError(SANDBOX_SPEC, `--log-level must be one of ${LEVELS.join(', ')} (got "${level}")`);
  const timeText = option('time');
  const startAt = timeText === undefined ? undefined : new Date(timeText);
  if (startAt && (!/^\d{4}-\d{2}-\d{2}/.test(timeText!) || !Number.isFinite(startAt.getTime()))) {
    throw usageError(SANDBOX_SPEC, `--time must be an ISO-8601 instant such as 2026-12-30T10:00:00Z (got "${timeText}")`);
  }
  const host = option('host');
  const dataDir = option('data-dir');
  const opts: SandboxOptions = {
    port,
    logLevel: level as SandboxOptions['logLevel'],
    log: (line) => io.stdout(`  · ${line}`),
    ...(host ? { host } : {}),
    ...(dataDir ? { dataDir } : {}),
    ...(startAt ? { startAt } : {}),
    ...(values['socket-mode'] === true ? { socketMode: true } : {}),
    ...(io.env.REDIS_URL ? { redisUrl: io.env.REDIS_URL } : {}),
    ...(io.env.PATH !== undefined ? { searchPath: io.env.PATH } : {}),
    ...(io.env.SHIPGATE_REDIS_PREFIX ? { prefix: io.env.SHIPGATE_REDIS_PREFIX } : {}),
  };

  io.stdout('Starting the shipgate sandbox…');
  const { startSandbox } = await import('./start-sandbox');
  let running: Sandbox;
  try {
    running = await startSandbox(opts);
  } catch (e) {
    if (isShipgateError(e)) {
      io.stderr(e.message);
      const problems = e.details.problems;
      if (Array.isArray(problems)) for (const p of problems) io.stderr(`  ${String(p)}`);
      return e.code === 'bad_option' ? 2 : 1;
    }
    throw e;
  }
  io.stdout(startupText(running));
  const log = shutdownLog(io);
  const exit = stop ? {} : io.exit ? { exit: io.exit } : {};
  if (!stop) {
    // `npm run sandbox` killed, or a closed terminal: a write to a pipe nobody reads must not end the process before Redis is stopped
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  }
  const why = await (stop ?? firstSignal({ log, ...exit }));
  io.stdout(`${why}: stopping the sandbox…`);
  await boundedShutdown(() => running.close(), { log, ...exit });
  return 0;
}
