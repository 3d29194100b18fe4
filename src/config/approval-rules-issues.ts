/**
 * Checks of `environments[].approvals` and `environments[].checklist` across their entries
 * (the schema checks each value): errors, and warnings for rules that look unmeetable. They
 * read the raw document defensively, like cross-references.ts, with YAML paths.
 */

type Path = Array<string | number>;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function environments(raw: unknown): Array<[number, Obj]> {
  if (!isObj(raw)) return [];
  return list(raw.environments).flatMap((e, i): Array<[number, Obj]> => (isObj(e) ? [[i, e]] : []));
}

function duplicates(items: unknown[], key: string, at: (j: number) => Path, what: string, add: (path: Path, message: string) => void): void {
  const seen = new Set<string>();
  items.forEach((item, j) => {
    if (!isObj(item) || typeof item[key] !== 'string') return;
    const value = item[key];
    if (seen.has(value)) add(at(j), `duplicate ${what} "${value}"`);
    seen.add(value);
  });
}

/** Errors: both approval forms given, duplicate rule names, duplicate checklist ids. */
export function approvalRuleIssues(raw: unknown): Array<{ path: Path; message: string }> {
  const issues: Array<{ path: Path; message: string }> = [];
  const add = (path: Path, message: string) => issues.push({ path, message });
  for (const [i, e] of environments(raw)) {
    if (e.approvals !== undefined && (e.approvers !== undefined || e.requiredApprovals !== undefined)) {
      const old = ['approvers', 'requiredApprovals'].filter((k) => e[k] !== undefined).join(' and ');
      add(['environments', i, 'approvals'], `give either approvals or ${old}, not both (approvals replaces them)`);
    }
    const approvals = e.approvals;
    if (isObj(approvals)) duplicates(list(approvals.rules), 'name', (j) => ['environments', i, 'approvals', 'rules', j, 'name'], 'approval rule name', add);
    duplicates(list(e.checklist), 'id', (j) => ['environments', i, 'checklist', j, 'id'], 'checklist id', add);
  }
  return issues;
}

/**
 * Warnings (the file is still valid): a rule whose `count` is more than the people its `from`
 * can name — known when it lists only user IDs, or when `groups` (user group → members, e.g.
 * read from Slack) is given — and, with `groups`, a `from` user group that does not exist.
 */
export function approvalRuleWarnings(raw: unknown, groups?: Readonly<Record<string, readonly string[]>>): Array<{ path: Path; message: string }> {
  const warnings: Array<{ path: Path; message: string }> = [];
  for (const [i, e] of environments(raw)) {
    const approvals = e.approvals;
    if (!isObj(approvals)) continue;
    list(approvals.rules).forEach((rule, j) => {
      if (!isObj(rule)) return;
      const from = list(rule.from).filter((p): p is string => typeof p === 'string');
      const at: Path = ['environments', i, 'approvals', 'rules', j];
      if (groups) {
        from.forEach((p, k) => {
          if (p.startsWith('S') && !(p in groups)) warnings.push({ path: [...at, 'from', k], message: `unknown user group "${p}"` });
        });
      }
      const count = typeof rule.count === 'number' ? rule.count : 1;
      if (from.length === 0 || from.includes('*')) return;
      const known = from.every((p) => !p.startsWith('S') || (groups !== undefined && p in groups));
      if (!known) return;
      const people = new Set(from.flatMap((p) => (p.startsWith('S') ? (groups?.[p] ?? []) : [p])));
      if (count > people.size) {
        const name = typeof rule.name === 'string' ? ` "${rule.name}"` : '';
        warnings.push({ path: [...at, 'count'], message: `rule${name} needs ${count} approvals but "from" names ${people.size} ${people.size === 1 ? 'person' : 'people'}: it can never be met` });
      }
    });
  }
  return warnings;
}
