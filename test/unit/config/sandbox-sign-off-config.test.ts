import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateConfigFile } from '../../../src/config/load-config';
import { approvalRuleWarnings } from '../../../src/config/approval-rules-issues';
import { DEMO_USERGROUPS, DEMO_USERS, SIGN_OFF_DEMO } from '../../../src/sandbox/demo-workspace';

const FILE = path.join(__dirname, '../../../examples/sandbox/shipgate.yml');
const groups = Object.fromEntries(DEMO_USERGROUPS.map((g) => [g.id, g.members]));

describe('the sandbox sign-off environment against the demo workspace (where its user groups are declared)', () => {
  it('is valid, without warnings, and every rule group is a demo group with people in it', () => {
    const { config, warnings } = validateConfigFile(FILE);
    expect(warnings).toEqual([]);
    const env = config.environments.find((e) => e.name === 'surveillance-prod')!;
    expect(env.approvals?.rules.map((r) => r.name)).toEqual(['release manager', 'data engineering', 'business owner']);
    expect(env.checklist?.map((c) => c.id)).toEqual(['dq', 'quarantine', 'rollback']);
    expect(approvalRuleWarnings(parse(readFileSync(FILE, 'utf8')), groups)).toEqual([]);
    for (const rule of env.approvals!.rules) for (const g of rule.from) expect(groups[g]?.length).toBeGreaterThan(0);
    expect(config.services.find((s) => s.name === 'surveillance-pipeline')?.pipeline).toEqual(['int', 'surveillance-prod']);
    expect(SIGN_OFF_DEMO.command).toContain('surveillance-pipeline surveillance-prod');
    for (const id of ['U0DATAENG1', 'U0BIZOWNR1']) expect(DEMO_USERS.some((u) => u.id === id)).toBe(true);
  });

  it('a rule naming a group the workspace does not declare, or more approvals than its members, is a warning', () => {
    const raw = parse(readFileSync(FILE, 'utf8')) as { environments: Array<{ name: string; approvals?: { rules: Array<{ from: string[]; count: number }> } }> };
    const env = raw.environments.find((e) => e.name === 'surveillance-prod')!;
    env.approvals!.rules[0]!.from = ['S0NOSUCHGROUP'];
    env.approvals!.rules[2]!.count = 2;
    const i = raw.environments.indexOf(env);
    expect(approvalRuleWarnings(raw, groups).map((w) => w.path)).toEqual([
      ['environments', i, 'approvals', 'rules', 0, 'from', 0],
      ['environments', i, 'approvals', 'rules', 2, 'count'],
    ]);
  });
});
