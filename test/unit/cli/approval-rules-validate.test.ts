import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { main, type CliIo } from '../../../src/cli';
import { parseConfig } from '../../../src/config/load-config';
import { approvalRuleWarnings } from '../../../src/config/approval-rules-issues';

function run(yamlEnvs: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-rules-'));
  const file = path.join(dir, 'shipgate.yml');
  writeFileSync(
    file,
    `environments:
  - name: int
${yamlEnvs}
services:
  - { name: svc, repo: acme/svc, pipeline: [int, prod], strategy: { type: workflow, workflow: d.yml } }
`,
  );
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: {}, now: () => new Date('2026-11-21T12:00:00Z') };
  return main(['config', 'validate', '--config', file], cli).then((code) => ({ code, out, err }));
}

const RULES = `  - name: prod
    approvals:
      rules:
        - { name: release manager, from: [S0RELEASEMGRS], count: 1 }
        - { name: data engineering, from: [S0DATAENG] }
    checklist:
      - { id: dq, text: "Data quality validated" }
      - { id: rollback, text: "Rollback plan documented", input: text }`;

describe('shipgate config validate: approval rules and checklists', () => {
  it('accepts rules and a checklist (mode all, distinct and count 1 by default)', async () => {
    const r = await run(RULES);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const cfg = parseConfig(`environments:\n  - name: int\n${RULES}\nservices:\n  - { name: svc, repo: acme/svc, pipeline: [int, prod], strategy: { type: workflow, workflow: d.yml } }\n`);
    expect(cfg.environments[1]!.approvals).toEqual({
      mode: 'all',
      distinct: true,
      rules: [
        { name: 'release manager', from: ['S0RELEASEMGRS'], count: 1 },
        { name: 'data engineering', from: ['S0DATAENG'], count: 1 },
      ],
    });
  });

  it.each<[string, string, RegExp[]]>([
    [
      'both approvals and approvers/requiredApprovals',
      `  - name: prod
    approvers: [S0RELEASEMGRS]
    requiredApprovals: 1
    approvals: { rules: [{ name: rm, from: [S0RELEASEMGRS] }] }`,
      [/^environments\[1\]\.approvals: give either approvals or approvers and requiredApprovals, not both/],
    ],
    [
      'duplicate rule names',
      `  - name: prod
    approvals: { rules: [{ name: rm, from: [S0A] }, { name: rm, from: [S0B] }] }`,
      [/^environments\[1\]\.approvals\.rules\[1\]\.name: duplicate approval rule name "rm"/],
    ],
    [
      'duplicate checklist ids',
      `  - name: prod
    checklist: [{ id: dq, text: a }, { id: dq, text: b }]`,
      [/^environments\[1\]\.checklist\[1\]\.id: duplicate checklist id "dq"/],
    ],
    [
      'empty from and count < 1',
      `  - name: prod
    approvals: { rules: [{ name: rm, from: [], count: 0 }] }`,
      [/^environments\[1\]\.approvals\.rules\[0\]\.from: a rule needs at least one user or user group/, /^environments\[1\]\.approvals\.rules\[0\]\.count: count must be at least 1, got 0/],
    ],
    [
      'an unknown mode, a bad principal, an unknown key, an unknown input kind',
      `  - name: prod
    approvals: { mode: most, rules: [{ name: rm, from: [release-managers], quorum: 2 }] }
    checklist: [{ id: dq, text: a, input: number }]`,
      [
        /^environments\[1\]\.approvals\.mode: "most" is not one of all, any/,
        /^environments\[1\]\.approvals\.rules\[0\]\.from\[0\]: expected a Slack user ID/,
        /^environments\[1\]\.approvals\.rules\[0\]\.quorum: unknown key "quorum"/,
        /^environments\[1\]\.checklist\[0\]\.input:/,
      ],
    ],
    [
      'no rules at all, an empty checklist, a bad checklist id',
      `  - name: prod
    approvals: { rules: [] }
    checklist: []
  - name: uat
    checklist: [{ id: "has space", text: a }]`,
      [/^environments\[1\]\.approvals\.rules: approvals needs at least one rule/, /^environments\[1\]\.checklist: an empty checklist/, /^environments\[2\]\.checklist\[0\]\.id: checklist ids are letters/],
    ],
  ])('refuses %s, with YAML paths (exit 1)', async (_name, envs, expected) => {
    const r = await run(envs);
    expect(r.code).toBe(1);
    expect(r.err).toEqual(expect.arrayContaining(expected.map((e) => expect.stringMatching(e))));
    expect(r.err).toHaveLength(expected.length);
  });

  it('warns (exit 0) when a count is more than the people a user-only "from" names', async () => {
    const r = await run(`  - name: prod
    approvals: { rules: [{ name: pair, from: [U0RITA, U0RAVI], count: 3 }, { name: rm, from: [S0RM], count: 5 }] }`);
    expect(r.code).toBe(0);
    expect(r.err).toEqual(['warning: environments[1].approvals.rules[0].count: rule "pair" needs 3 approvals but "from" names 2 people: it can never be met']);
    expect(r.out[0]).toMatch(/valid: 2 environments/);
  });

  it.each<[string, Record<string, string[]> | undefined, string[]]>([
    ['groups unknown: no warning for a group rule', undefined, []],
    ['groups known: a count above the members warns', { S0RM: ['U0RITA'] }, ['environments[0].approvals.rules[0].count']],
    ['groups known: an undeclared group warns', { S0OTHER: [] }, ['environments[0].approvals.rules[0].from[0]']],
    ['groups known and big enough: nothing', { S0RM: ['U0RITA', 'U0RAVI'] }, []],
  ])('approvalRuleWarnings: %s', (_name, groups, paths) => {
    const raw = { environments: [{ name: 'prod', approvals: { rules: [{ name: 'rm', from: ['S0RM'], count: 2 }] } }] };
    expect(approvalRuleWarnings(raw, groups).map((w) => w.path.join('.').replace(/\.(\d+)/g, '[$1]'))).toEqual(paths);
  });
});
