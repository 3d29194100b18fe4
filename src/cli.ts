import { configProblems, loadConfig, validateConfigFile } from './config/load-config';
import { prometheusWarnings } from './config/prometheus-requirements';
import type { Role } from './config/env-schema';
import { servicenowStartProblem } from './config/servicenow-requirements';
import { isShipgateError } from './shared/shipgate-error';
import { boundedShutdown, firstSignal } from './cli/bounded-shutdown';
import { parseCommand, usageError, withUsage, type CommandSpec } from './cli/cli-args';
import type { CliIo } from './cli/cli-io';

export type { CliIo } from './cli/cli-io';

const defaultIo: CliIo = {
  exit: (code) => process.exit(code),
  stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
  env: process.env,
  now: () => new Date(),
};

export const USAGE = `usage: shipgate <command>

  serve [--role all|web|worker]        run the bot (Slack + HTTP and/or the promotion worker)
  config validate [--config F]         validate shipgate.yml (exit 0 valid, 1 invalid)
  freeze check --env E [--at ISO] [--config F] [--json]
                                       is E frozen? (exit 0 open, 3 frozen)
  freeze list --env E --from DATE --to DATE [--config F] [--json]
  plan <service> <env> [from=E] [ref=R] [cr=CHG…] [--json] [--config F]
                                       dry run: every gate + what would ship (exit 0 ok, 3 blocked)
  sandbox                              the embedded playground (emulated Slack, GitHub, ServiceNow)

Configuration: --config F, else $SHIPGATE_CONFIG, else ./shipgate.yml`;

const SERVE_SPEC: CommandSpec = {
  name: 'serve',
  usage: `usage: shipgate serve [--role all|web|worker] [--config F]

  all      Slack + HTTP and the promotion worker in one process (default)
  web      Slack (HTTP or Socket Mode) and the HTTP routes
  worker   gate evaluation, execution steps and Slack delivery
  --config F   default: $SHIPGATE_CONFIG, else ./shipgate.yml (environment variables: README)`,
  options: { role: { type: 'string', value: 'all, web or worker' }, config: { type: 'string', value: 'a file' } },
};

const VALIDATE_SPEC: CommandSpec = {
  name: 'config validate',
  usage: `usage: shipgate config validate [--config F]

  exit 0 and a summary when valid, 1 and one line per problem (with its YAML path) when not
  --config F   default: $SHIPGATE_CONFIG, else ./shipgate.yml`,
  options: { config: { type: 'string', value: 'a file' } },
};

export async function configValidate(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, help } = parseCommand(VALIDATE_SPEC, argv);
  if (help) {
    io.stdout(VALIDATE_SPEC.usage);
    return 0;
  }
  const file = (values.config as string | undefined) ?? io.env.SHIPGATE_CONFIG ?? './shipgate.yml';
  try {
    const { config, file: abs, warnings } = validateConfigFile(file);
    for (const w of warnings) io.stderr(`warning: ${w}`);
    const ruleKinds = config.freezes.length;
    io.stdout(
      `${abs}: valid: ${config.environments.length} environments, ${config.services.length} services, ${ruleKinds} freeze rule${ruleKinds === 1 ? '' : 's'}, timezone ${config.timezone}`,
    );
    for (const w of prometheusWarnings(config, io.env)) io.stderr(`warning: ${w}`);
    return 0;
  } catch (e) {
    const problems = configProblems(e);
    if (!problems) throw e;
    for (const p of problems) io.stderr(p);
    return 1;
  }
}

async function serve(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, help } = parseCommand(SERVE_SPEC, argv);
  if (help) {
    io.stdout(SERVE_SPEC.usage);
    return 0;
  }
  const role = ((values.role as string | undefined) ?? 'all') as Role;
  if (!['all', 'web', 'worker'].includes(role)) throw usageError(SERVE_SPEC, `--role must be all, web or worker (got "${role}")`);
  let env;
  try {
    // only `serve` reads the environment schema (the other commands start without building it)
    const { loadEnv } = await import('./config/env-schema');
    env = loadEnv(io.env, role);
  } catch (e) {
    if (isShipgateError(e)) {
      io.stderr('shipgate cannot start: fix these environment variables (see README "Environment variables"):');
      for (const p of (e.details.problems as string[]) ?? [e.message]) io.stderr(`  ${p}`);
      return 2;
    }
    throw e;
  }
  let loaded;
  try {
    loaded = loadConfig((values.config as string | undefined) ?? env.SHIPGATE_CONFIG);
  } catch (e) {
    const problems = configProblems(e);
    if (!problems) throw e;
    for (const p of problems) io.stderr(p);
    return 1;
  }
  const servicenow = servicenowStartProblem(loaded.config, env);
  if (servicenow) {
    io.stderr(`shipgate cannot start: ${servicenow[0]}`);
    for (const line of servicenow.slice(1)) io.stderr(line);
    return 2;
  }
  const { createLogger } = await import('./adapters/logging/create-logger');
  const logger = createLogger(env.LOG_LEVEL);
  for (const w of prometheusWarnings(loaded.config, env)) logger.warn({}, w);
  const { startShipgate } = await import('./main');
  let app;
  try {
    app = await startShipgate({ config: loaded.config, baseDir: loaded.baseDir, env, role, logger });
  } catch (e) {
    if (!isShipgateError(e)) throw e;
    io.stderr(`shipgate cannot start: ${e.message}`);
    return 1;
  }
  const sig = await firstSignal({ log: logger, ...(io.exit ? { exit: io.exit } : {}) });
  logger.info({ sig }, 'shutting down');
  await boundedShutdown(() => app.close(), { log: logger, ...(io.exit ? { exit: io.exit } : {}) });
  logger.info({ sig }, 'stopped');
  return 0;
}

export function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  return withUsage(io, () => dispatch(argv, io));
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  switch (cmd) {
    case 'serve':
      return serve(argv.slice(1), io);
    case 'config':
      if (sub === 'validate') return configValidate(rest, io);
      if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
        io.stdout(VALIDATE_SPEC.usage);
        return sub === undefined ? 2 : 0;
      }
      throw usageError({ name: 'config', usage: VALIDATE_SPEC.usage }, `unknown config command "${sub}" (use "validate")`);
    case 'freeze': {
      const { freezeCommand } = await import('./cli/freeze-command');
      // servicenowBlackout rules are evaluated when ServiceNow is configured (else reported as unevaluated)
      return freezeCommand(argv.slice(1), io);
    }
    case 'plan': {
      const { planCommand } = await import('./cli/plan-command');
      return planCommand(argv.slice(1), io);
    }
    case 'sandbox': {
      const { sandboxCommand } = await import('./sandbox/sandbox-command');
      return sandboxCommand(argv.slice(1), io);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      io.stderr(`unknown command "${cmd}"\n${USAGE}`);
      return 2;
  }
}
