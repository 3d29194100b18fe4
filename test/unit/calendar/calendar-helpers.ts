import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../../src/config/load-config';
import type { ShipgateConfig } from '../../../src/config/config-schema';
import type { FreezeWindow } from '../../../src/domain/freeze-calendar';

export const REPO = path.join(__dirname, '..', '..', '..');
export const EXAMPLE_CONFIG = path.join(REPO, 'examples', 'shipgate.yml');
export const EXAMPLE_ICS = readFileSync(path.join(REPO, 'examples', 'calendars', 'freeze.ics'), 'utf8');
export const FIXTURE_ICS = readFileSync(path.join(REPO, 'test', 'fixtures', 'calendars', 'freeze-test.ics'), 'utf8');

/**
 * A full, schema-validated config around the given freeze rules (YAML flow mappings, one
 * per line). Environments: dev, int, ops, prod.
 */
export function configWith(freezes: string[], opts: { timezone?: string; extra?: string } = {}): ShipgateConfig {
  const text = [
    `timezone: ${opts.timezone ?? 'Europe/London'}`,
    'environments: [{ name: dev }, { name: int }, { name: ops }, { name: prod }]',
    'services: [{ name: svc, repo: acme/svc, pipeline: [dev, prod], strategy: { type: workflow, workflow: deploy.yml } }]',
    opts.extra ?? '',
    'freezes:',
    ...freezes.map((f) => `  - ${f}`),
  ].join('\n');
  return parseConfig(text, '<test>');
}

/** Windows as [rule, startISO, endISO] triples, for compact expectations. */
export function triples(windows: FreezeWindow[]): Array<[string, string, string]> {
  return windows.map((w) => [w.rule, w.start.toISOString(), w.end.toISOString()]);
}

export const iso = (s: string): Date => new Date(s);

/** One minute before / after an ISO instant, as an ISO string (plain arithmetic on the literal). */
export function minus1m(s: string): string {
  return new Date(Date.parse(s) - 60_000).toISOString();
}
