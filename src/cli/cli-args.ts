import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ShipgateError } from '../shared/shipgate-error';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** What a string option needs, for "--config needs a file" (default "a value"). */
  value?: string;
}

export interface CommandSpec {
  /** As the user types it, for messages: `freeze check`, `plan`. */
  name: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Whether words that are not options are allowed (their meaning is the command's business). */
  positionals?: boolean;
  /** How the command calls `--x` arguments in messages (default "option"). */
  noun?: string;
}

export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

/** A usage error: the one path that prints `shipgate <command>: <message>` and the command's usage, exit 2. */
export function usageError(spec: Pick<CommandSpec, 'name' | 'usage'>, message: string): ShipgateError {
  return new ShipgateError('bad_command', message, { command: spec.name, usage: spec.usage });
}

/**
 * Runs a command; a {@link usageError} it throws is printed as `shipgate <command>: <message>`
 * followed by the command's usage, exit 2. The one place usage errors become output.
 */
export async function withUsage(io: { stderr: (s: string) => void }, run: () => Promise<number> | number): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ShipgateError && e.code === 'bad_command' && typeof e.details.usage === 'string') {
      io.stderr(`shipgate ${String(e.details.command)}: ${e.message}\n${e.details.usage}\n`);
      return 2;
    }
    throw e;
  }
}

/**
 * Parses a subcommand's arguments with node:util `parseArgs` (strict): `--name V`, `--name=V`,
 * boolean flags, `--help`/`-h`. Every mistake (an unknown option, a missing value, a value given
 * to a flag, an option given twice, a word where none is allowed) is a {@link usageError}
 * naming the fix.
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedCommand {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [k, o] of Object.entries(spec.options)) options[k] = { type: o.type };
  options.help = { type: 'boolean', short: 'h' };
  const list = (): string =>
    Object.keys(spec.options)
      .map((k) => `--${k}`)
      .join(', ');
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const named = /'(-[-\w]+)/.exec(err.message ?? '')?.[1]?.replace(/ .*/, '') ?? '';
    const name = named.replace(/^--?/, '');
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw usageError(spec, `unknown ${spec.noun ?? 'option'} "${named}" for "${spec.name}" (${spec.noun ?? 'option'}s: ${list()})`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const o = spec.options[name];
      if (o?.type === 'boolean' || name === 'help') throw usageError(spec, `--${name} takes no value`);
      throw usageError(spec, `--${name} needs ${o?.value ?? 'a value'}`);
    }
    throw usageError(spec, err.message ?? String(e));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) throw usageError(spec, `--${t.name} given twice`);
    seen.add(t.name);
    if (t.value === '' && spec.options[t.name]?.type === 'string') throw usageError(spec, `--${t.name} needs ${spec.options[t.name]!.value ?? 'a value'}`);
  }
  const help = values.help === true;
  delete values.help;
  if (!spec.positionals && parsed.positionals.length > 0 && !help) throw usageError(spec, `unexpected argument "${parsed.positionals[0]}"`);
  return { values, positionals: parsed.positionals, help };
}
