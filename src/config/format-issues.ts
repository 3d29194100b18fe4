import type { z } from 'zod';
import { closestNames } from '../shared/closest-names';

/** Renders a zod/YAML path the way a person reads YAML: `services[1].pipeline[2]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

/** A config value as the file would show it: strings quoted, numbers and booleans bare. */
function shown(value: unknown): string | undefined {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return undefined;
}

function oneOf(input: unknown, values: readonly unknown[]): string {
  const names = values.map(String);
  const close = typeof input === 'string' ? closestNames(input, names, 1) : [];
  const got = shown(input);
  return `${got ?? 'the value'} is not one of ${names.join(', ')}${close.length ? ` (did you mean "${close[0]}"?)` : ''}`;
}

/** The issue's message, quoting the bad value when the message does not already. */
function messageOf(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_value') return oneOf(input, issue.values);
  const got = shown(input);
  if (issue.code === 'invalid_type' && got !== undefined) return `expected ${issue.expected}, got ${got}`;
  if (got === undefined || issue.message.includes(got)) return issue.message;
  return `${issue.message}, got ${got}`;
}

/**
 * One line per problem: `path: message`, the message quoting the bad value
 * (`timezone: unknown IANA time zone "Europe/Londn" (did you mean "Europe/London"?)`).
 * Parse with `{ reportInput: true }` so zod keeps the values.
 */
export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown key "${key}"`);
    } else if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
      // a discriminated union without a matching tag: the path already ends with the tag
      const input = (issue as { input?: unknown }).input;
      const tag = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[issue.discriminator] : undefined;
      const options = (issue as { options?: unknown[] }).options ?? [];
      const path = issue.path[issue.path.length - 1] === issue.discriminator ? issue.path : [...issue.path, issue.discriminator];
      lines.push(`${formatPath(path)}: ${tag === undefined ? `missing (one of ${options.map(String).join(', ')})` : oneOf(tag, options)}`);
    } else if (issue.code === 'invalid_union' && 'errors' in issue && Array.isArray(issue.errors) && issue.errors.length) {
      const nested = (issue.errors as z.core.$ZodIssue[][]).flat();
      if (nested.length) lines.push(...formatIssues(nested.map((n) => ({ ...n, path: [...issue.path, ...n.path] }))));
      else lines.push(`${formatPath(issue.path)}: ${messageOf(issue)}`);
    } else {
      lines.push(`${formatPath(issue.path)}: ${messageOf(issue)}`);
    }
  }
  return [...new Set(lines)];
}
