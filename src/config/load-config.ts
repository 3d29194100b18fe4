import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { configSchema, type ShipgateConfig } from './config-schema';
import { formatIssues } from './format-issues';
import { ShipgateError } from '../domain/shipgate-error';

export interface LoadedConfig {
  config: ShipgateConfig;
  /** Absolute path of the file the config came from ('' for inline text). */
  file: string;
  /** Directory relative paths in the config (ICS files) are resolved against. */
  baseDir: string;
}

/** Parses and validates config text; throws ShipgateError('config_invalid') with one line per problem. */
export function parseConfig(text: string, file = '<inline>'): ShipgateConfig {
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
  const result = configSchema.safeParse(data);
  if (!result.success) {
    throw new ShipgateError('config_invalid', `${file}: invalid configuration`, { problems: formatIssues(result.error.issues) });
  }
  return result.data;
}

export function loadConfig(file: string): LoadedConfig {
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
  return { config: parseConfig(text, abs), file: abs, baseDir: path.dirname(abs) };
}

export function configProblems(e: unknown): string[] | undefined {
  if (e instanceof ShipgateError && e.code === 'config_invalid') return (e.details.problems as string[]) ?? [e.message];
  return undefined;
}
