import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { configSchema, type ShipgateConfig } from './config-schema';
import { formatIssues, formatPath } from './format-issues';
import { calendarFileProblems } from './calendar-files';
import { approvalRuleWarnings } from './approval-rules-issues';
import { ShipgateError } from '../shared/shipgate-error';

export interface LoadedConfig {
  config: ShipgateConfig;
  /** Absolute path of the file the config came from ('' for inline text). */
  file: string;
  /** Directory relative paths in the config (ICS files) are resolved against. */
  baseDir: string;
  /** Problems that do not make the file invalid (`path: message`), e.g. an approval rule that can never be met. */
  warnings: string[];
}

/** Parses and validates config text; throws ShipgateError('config_invalid') with one line per problem. */
export function parseConfig(text: string, file = '<inline>'): ShipgateConfig {
  return parseConfigData(text, file).config;
}

function parseConfigData(text: string, file: string, extraProblems: (data: unknown) => string[] = () => []): { config: ShipgateConfig; data: unknown } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `${pos ? `line ${pos.line}, column ${pos.col}` : '(yaml)'}: ${e.message.split('\n')[0]}`;
    });
    throw new ShipgateError('config_invalid', `${file}: invalid YAML`, { problems });
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ShipgateError('config_invalid', `${file}: expected a YAML mapping`, {
      problems: ['(root): expected a mapping with environments, services, freezes, …'],
    });
  }
  const result = configSchema.safeParse(data, { reportInput: true });
  const problems = [...(result.success ? [] : formatIssues(result.error.issues)), ...extraProblems(data)];
  if (!result.success || problems.length) {
    throw new ShipgateError('config_invalid', `${file}: invalid configuration`, { problems });
  }
  return { config: result.data, data };
}

/** Loads and validates a config file; throws ShipgateError('config_invalid') with one line per problem. */
export function loadConfig(file: string): LoadedConfig {
  return loadConfigFile(file, false);
}

/**
 * `shipgate config validate`: `loadConfig` plus what needs the file system — every `ics`
 * file must exist and be a calendar shipgate can read — all reported in the same run.
 */
export function validateConfigFile(file: string): LoadedConfig {
  return loadConfigFile(file, true);
}

function loadConfigFile(file: string, checkFiles: boolean): LoadedConfig {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ShipgateError('config_invalid', `cannot read config ${abs}`, {
      problems: [
        code === 'ENOENT'
          ? `${abs}: file not found (set SHIPGATE_CONFIG or pass --config; see examples/shipgate.yml)`
          : `${abs}: ${(e as Error).message}`,
      ],
    });
  }
  const baseDir = path.dirname(abs);
  const { config, data } = parseConfigData(text, abs, checkFiles ? (data) => calendarFileProblems(data, baseDir) : undefined);
  const warnings = approvalRuleWarnings(data).map((w) => `${formatPath(w.path)}: ${w.message}`);
  return { config, file: abs, baseDir, warnings };
}

export function configProblems(e: unknown): string[] | undefined {
  if (e instanceof ShipgateError && e.code === 'config_invalid') return (e.details.problems as string[]) ?? [e.message];
  return undefined;
}
