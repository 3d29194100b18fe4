import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IcsSource } from '../calendar/ics-source';

/**
 * The `ics` files a config names (paths relative to the config's directory): each must
 * exist and parse as a calendar shipgate can read. https URLs are not fetched here (the
 * running bot reads them, and blocks while they cannot be read). Reads the raw document,
 * so it reports even when other parts of the file are invalid; one line per problem, at
 * the rule's YAML path.
 */
export function calendarFileProblems(raw: unknown, baseDir: string): string[] {
  const freezes = typeof raw === 'object' && raw !== null ? (raw as { freezes?: unknown }).freezes : undefined;
  if (!Array.isArray(freezes)) return [];
  const problems: string[] = [];
  freezes.forEach((rule: unknown, i) => {
    const ref = typeof rule === 'object' && rule !== null ? (rule as { ics?: unknown }).ics : undefined;
    if (typeof ref !== 'string' || ref === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return;
    const file = path.resolve(baseDir, ref);
    const where = `freezes[${i}].ics`;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : (e as Error).message;
      problems.push(`${where}: cannot read "${ref}": ${why} (${file}; ics paths are relative to the config file's directory)`);
      return;
    }
    try {
      new IcsSource('UTC', text);
    } catch (e) {
      problems.push(`${where}: "${ref}" is not a calendar shipgate can read: ${(e as Error).message}`);
    }
  });
  return problems;
}
