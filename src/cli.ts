import { configProblems, loadConfig, validateConfigFile } from './config/load-config';
import { loadEnv, type Role } from './config/env-schema';
import { servicenowStartProblem } from './config/servicenow-requirements';
import { createLogger } from './adapters/logging/create-logger';
import { isShipgateError } from './domain/shipgate-error';
import { boundedShutdown, firstSignal } from './cli/bounded-shutdown';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
  now: () => Date;
  /** Ends the process (long-running commands force their exit with it after a bounded stop); absent in tests. */
  exit?: (code: number) => void;
}

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

/** Value of `--name V` or `--name=V`. */
export function flag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

function configPath(argv: readonly string[], io: CliIo): string {
  return flag(argv, 'config') ?? io.env.SHIPGATE_CONFIG ?? './shipgate.yml';
}

export async function configValidate(argv: readonly string[], io: CliIo): Promise<number> {
  const file = configPath(argv, io);
  try {
    const { config, file: abs } = validateConfigFile(file);
    const ruleKinds = config.freezes.length;
    io.stdout(
      `${abs}: valid: ${config.environments.length} environments, ${config.services.length} services, ${ruleKinds} freeze rule${ruleKinds === 1 ? '' : 's'}, timezone ${config.timezone}`,
    );
    return 0;
  } catch (e) {
    const problems = configProblems(e);
    if (!problems) throw e;
    for (const p of problems) io.stderr(p);
    return 1;
  }
}

async function serve(argv: readonly string[], io: CliIo): Promise<number> {
  const role = (flag(argv, 'role') ?? 'all') as Role;
  if (!['all', 'web', 'worker'].includes(role)) {
    io.stderr(`--role must be all, web or worker (got "${role}")`);
    return 2;
  }
  let env;
  try {
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
    loaded = loadConfig(flag(argv, 'config') ?? env.SHIPGATE_CONFIG);
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
  const logger = createLogger(env.LOG_LEVEL);
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

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  switch (cmd) {
    case 'serve':
      return serve(argv.slice(1), io);
    case 'config':
      if (sub === 'validate') return configValidate(rest, io);
      io.stderr('usage: shipgate config validate [--config F]');
      return 2;
    case 'freeze': {
      const { freezeCommand } = await import('./cli/freeze-command');
      // servicenowBlackout rules are evaluated when ServiceNow is configured (else reported as unevaluated)
      if (io.env.SERVICENOW_INSTANCE_URL) {
        const { changeManagementFromEnv } = await import('./adapters/servicenow/change-management-from-env');
        const changes = changeManagementFromEnv(io.env);
        return freezeCommand(argv.slice(1), { ...io, blackoutSource: (name: string) => changes.blackoutSpans(name) });
      }
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
