import path from 'node:path';
import { loadConfig, parseConfig, configProblems } from '../../../src/config/load-config';

const example = path.join(__dirname, '../../../examples/shipgate.yml');

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml, 'test.yml');
  } catch (e) {
    return configProblems(e) ?? [];
  }
  throw new Error('expected the config to be rejected');
}

const base = `
timezone: Europe/London
environments:
  - { name: int }
  - { name: prod, deployers: [S0RM], approvers: [S0RM] }
services:
  - name: svc
    repo: acme/svc
    pipeline: [int, prod]
    strategy: { type: workflow, workflow: deploy.yml }
`;

describe('config loading', () => {
  it('accepts the example config with every rule kind', () => {
    const { config, baseDir } = loadConfig(example);
    expect(config.services.map((s) => s.name)).toEqual(['markets-pipeline', 'databricks-jobs']);
    expect(config.freezes.map((f) => f.name)).toContain('corporate calendar');
    expect(config.environments.find((e) => e.name === 'int')?.allowSelfApproval).toBe(false);
    expect(baseDir).toBe(path.dirname(example));
  });

  it('applies defaults', () => {
    const cfg = parseConfig(base);
    const svc = cfg.services[0]!;
    expect(svc.strategy).toMatchObject({ type: 'workflow', ref: 'main', inputs: {} });
    expect(cfg.environments[0]).toMatchObject({ deployers: ['*'], changeRecord: 'none', blockOnIncidents: [] });
    expect(cfg.freezes).toEqual([]);
  });

  it.each([
    ['unknown pipeline environment', base.replace('pipeline: [int, prod]', 'pipeline: [int, stage, prod]'), 'services[0].pipeline[1]: unknown environment "stage"'],
    ['unknown top-level key', base + 'colour: blue\n', '(root)colour: unknown key "colour"'.replace('(root)', '')],
    ['unknown nested key', base.replace('{ name: int }', '{ name: int, deployer: ["*"] }'), 'environments[0].deployer: unknown key "deployer"'],
    ['bad time zone', base.replace('Europe/London', 'Europe/Londn'), 'timezone: unknown IANA time zone'],
    ['bad strategy type', base.replace('type: workflow', 'type: helm'), 'services[0].strategy.type'],
    ['bad principal', base.replace('[S0RM], approvers', '[alice], approvers'), 'environments[1].deployers[0]: expected a Slack user ID'],
    ['bad duration', base.replace('{ name: int }', '{ name: int, soak: 24 hours }'), 'environments[0].soak: expected a duration'],
    [
      'freeze rule with two kinds',
      base + 'freezes:\n  - { name: x, dates: ["2026-12-15"], monthEndBusinessDays: 3 }\n',
      'freezes[0]: a freeze rule takes exactly one kind, found dates and monthEndBusinessDays',
    ],
    ['freeze rule with no kind', base + 'freezes:\n  - { name: x }\n', 'freezes[0]: a freeze rule needs exactly one of'],
    ['bad cron', base + 'freezes:\n  - { name: x, recurring: { cron: "61 * * * *", duration: 1h } }\n', 'freezes[0].recurring.cron: invalid cron expression'],
    ['bad date', base + 'freezes:\n  - { name: x, dates: ["2026-02-30"] }\n', 'freezes[0].dates[0]'],
    ['reversed range', base + 'freezes:\n  - { name: x, dates: [{ from: "2026-03-02", to: "2026-03-01" }] }\n', 'freezes[0].dates[0]: range ends'],
    ['bad annual day', base + 'freezes:\n  - { name: x, annual: { from: "13-01", to: "01-05" } }\n', 'freezes[0].annual.from: "13-01" is not a day of the year'],
    ['unknown freeze env', base + 'freezes:\n  - { name: x, environments: [qa], monthEndBusinessDays: 2 }\n', 'freezes[0].environments[0]: unknown environment "qa"'],
    ['duplicate environment', base.replace('{ name: int }', '{ name: prod }'), 'environments[1].name: duplicate environment "prod"'],
    [
      'branch strategy missing a branch',
      base.replace('{ type: workflow, workflow: deploy.yml }', '{ type: branch, branches: { int: main } }'),
      'services[0].strategy.branches: no branch for environment "prod"',
    ],
    ['invalid yaml', 'environments: [\n', 'line '],
    ['not a mapping', '- a\n- b\n', '(root): expected a mapping'],
  ])('rejects %s with its path', (_name, yaml, expected) => {
    const problems = problemsOf(yaml);
    expect(problems.some((p) => p.includes(expected))).toBe(true);
  });

  /** [what, edit of the base config, the exact line] */
  it.each<[string, string, string]>([
    ['time zone, with the closest name', base.replace('Europe/London', 'Europe/Londn'), 'timezone: unknown IANA time zone "Europe/Londn" (did you mean "Europe/London"?)'],
    ['rule time zone', base + 'freezes:\n  - { name: x, timezone: America/NewYork, dates: ["2026-12-15"] }\n', 'freezes[0].timezone: unknown IANA time zone "America/NewYork" (did you mean "America/New_York"?)'],
    [
      'enum, with the closest value',
      base.replace('{ name: int }', '{ name: int, changeRecord: requird }'),
      'environments[0].changeRecord: "requird" is not one of required, optional, create, none (did you mean "required"?)',
    ],
    [
      'enum in a strategy',
      base.replace('{ type: workflow, workflow: deploy.yml }', '{ type: branch, branches: { int: main, prod: prod }, mergeMethod: squish }'),
      'services[0].strategy.mergeMethod: "squish" is not one of merge, squash, rebase (did you mean "squash"?)',
    ],
    ['strategy type', base.replace('type: workflow', 'type: helm'), 'services[0].strategy.type: "helm" is not one of workflow, branch, databricks'],
    ['holiday types', base + 'freezes:\n  - { name: x, holidays: { country: GB, types: [bank, fun] } }\n', 'freezes[0].holidays.types[1]: "fun" is not one of public, bank, school, optional, observance'],
    [
      'duration',
      base.replace('{ name: int }', '{ name: int, soak: 24 hours }'),
      'environments[0].soak: expected a duration such as "30m", "4h", "24h", "2d" or "1h30m", got "24 hours"',
    ],
    [
      'recurring duration',
      base + 'freezes:\n  - { name: x, recurring: { cron: "0 18 * * 5", duration: "62 hours" } }\n',
      'freezes[0].recurring.duration: expected a duration such as "30m", "4h", "24h", "2d" or "1h30m", got "62 hours"',
    ],
    ['repo', base.replace('repo: acme/svc', 'repo: acme'), 'services[0].repo: expected "owner/name", got "acme"'],
    [
      'principal ID',
      base.replace('[S0RM], approvers', '[alice], approvers'),
      'environments[1].deployers[0]: expected a Slack user ID (U…/W…), user-group ID (S…) or "*", got "alice"',
    ],
    [
      'approver ID',
      base.replace('approvers: [S0RM]', 'approvers: ["@release-managers"]'),
      'environments[1].approvers[0]: expected a Slack user ID (U…/W…), user-group ID (S…) or "*", got "@release-managers"',
    ],
    ['month-day out of range', base + 'freezes:\n  - { name: x, annual: { from: "12-20", to: "02-30" } }\n', 'freezes[0].annual.to: "02-30" is not a day of the year (MM-DD)'],
    ['month-day format', base + 'freezes:\n  - { name: x, annual: { from: "1-5", to: "01-06" } }\n', 'freezes[0].annual.from: expected "MM-DD", got "1-5"'],
    ['calendar date', base + 'freezes:\n  - { name: x, dates: ["2026-02-30"] }\n', 'freezes[0].dates[0]: "2026-02-30" is not a calendar date'],
    [
      'cron',
      base + 'freezes:\n  - { name: x, recurring: { cron: "61 * * * *", duration: 1h } }\n',
      'freezes[0].recurring.cron: invalid cron expression "61 * * * *" (5 fields: minute hour day-of-month month day-of-week)',
    ],
    ['a number out of range', base.replace('{ name: int }', '{ name: int, blockOnIncidents: [1, 7] }'), 'environments[0].blockOnIncidents[1]: Too big: expected number to be <=5, got 7'],
    ['a wrong type', base.replace('{ name: int }', '{ name: int, requiredApprovals: one }'), 'environments[0].requiredApprovals: expected number, got "one"'],
    ['country code', base + 'businessCalendar: { country: gb }\n', 'businessCalendar.country: expected an ISO 3166 country code such as "GB", got "gb"'],
    ['channel ID', base + 'announce: { channel: "#releases" }\n', 'announce.channel: expected a Slack channel ID (C…), got "#releases"'],
  ])('quotes the bad value: %s', (_what, yaml, line) => {
    expect(problemsOf(yaml)).toContain(line);
  });

  /** Cross-references, each at its own YAML path. */
  it.each<[string, string, string]>([
    ['unknown holiday country', base + 'freezes:\n  - { name: x, holidays: { country: XX } }\n', 'freezes[0].holidays.country: unknown holiday country "XX" (date-holidays has no calendar for it)'],
    [
      'unknown holiday region',
      base + 'freezes:\n  - { name: x, holidays: { country: GB, region: ENGG } }\n',
      'freezes[0].holidays.region: unknown subdivision "ENGG" of GB (known: ALD, ENG, NIR, SCT, WLS)',
    ],
    ['unknown second-level region', base + 'freezes:\n  - { name: x, holidays: { country: US, state: CA, region: ZZZ } }\n', 'freezes[0].holidays.region: unknown region "ZZZ" of US-CA (known: LA)'],
    ['unknown businessCalendar region', base + 'businessCalendar: { country: GB, region: XYZ }\n', 'businessCalendar.region: unknown subdivision "XYZ" of GB (known: ALD, ENG, NIR, SCT, WLS)'],
    [
      'githubEnvironments key that is not in the pipeline (workflow strategy)',
      base.replace('{ type: workflow, workflow: deploy.yml }', '{ type: workflow, workflow: deploy.yml, githubEnvironments: { int: Int, staging: Staging } }'),
      'services[0].strategy.githubEnvironments.staging: "staging" is not an environment of this service\'s pipeline (int → prod)',
    ],
    [
      'deployWorkflows key that is not in the pipeline',
      base.replace('{ type: workflow, workflow: deploy.yml }', '{ type: branch, branches: { int: main, prod: prod }, deployWorkflows: { int: ci-int, dev: ci-dev } }'),
      'services[0].strategy.deployWorkflows.dev: "dev" is not an environment of this service\'s pipeline (int → prod)',
    ],
    [
      'githubEnvironments key that is not in the pipeline (branch strategy)',
      base.replace('{ type: workflow, workflow: deploy.yml }', '{ type: branch, branches: { int: main, prod: prod }, githubEnvironments: { production: DataBricks-Prod } }'),
      'services[0].strategy.githubEnvironments.production: "production" is not an environment of this service\'s pipeline (int → prod)',
    ],
    [
      'branches key that is not in the pipeline',
      base.replace('{ type: workflow, workflow: deploy.yml }', '{ type: branch, branches: { int: main, prod: prod, qa: qa } }'),
      'services[0].strategy.branches.qa: "qa" is not an environment of this service\'s pipeline (int → prod)',
    ],
    ['duplicate freeze rule name', base + 'freezes:\n  - { name: x, dates: ["2026-12-15"] }\n  - { name: x, dates: ["2026-12-16"] }\n', 'freezes[1].name: duplicate freeze rule "x" (rule names must be unique)'],
  ])('cross-reference: %s', (_what, yaml, line) => {
    expect(problemsOf(yaml)).toContain(line);
  });

  it('reports cross-reference problems in the same run as schema problems', () => {
    const yaml =
      base
        .replace('pipeline: [int, prod]', 'pipeline: [int, stage]')
        .replace('{ name: int }', '{ name: int, changeRecord: requird }')
        .replace('{ type: workflow, workflow: deploy.yml }', '{ type: branch, branches: { int: main, stage: st }, mergeMethod: squish, deployWorkflows: { prod: cd-prod } }') +
      'freezes:\n  - { name: x, environments: [qa], holidays: { country: GB, region: ENGG } }\n  - { name: y, annual: { from: "13-01", to: "01-05" } }\n';
    expect(problemsOf(yaml)).toEqual([
      'environments[0].changeRecord: "requird" is not one of required, optional, create, none (did you mean "required"?)',
      'services[0].strategy.mergeMethod: "squish" is not one of merge, squash, rebase (did you mean "squash"?)',
      'freezes[1].annual.from: "13-01" is not a day of the year (MM-DD)',
      'services[0].pipeline[1]: unknown environment "stage" (environments: int, prod)',
      'services[0].strategy.deployWorkflows.prod: "prod" is not an environment of this service\'s pipeline (int → stage)',
      'freezes[0].environments[0]: unknown environment "qa" (environments: int, prod)',
      'freezes[0].holidays.region: unknown subdivision "ENGG" of GB (known: ALD, ENG, NIR, SCT, WLS)',
    ]);
  });

  it('reports every problem, not just the first', () => {
    const yaml = base.replace('pipeline: [int, prod]', 'pipeline: [int, stage]').replace('Europe/London', 'Mars/Base') + 'extra: 1\n';
    const problems = problemsOf(yaml);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('services[0].pipeline[1]: unknown environment "stage"'),
        expect.stringContaining('timezone: unknown IANA time zone'),
        expect.stringContaining('extra: unknown key "extra"'),
      ]),
    );
  });

  it('names a missing file and the fix', () => {
    try {
      loadConfig('/nonexistent/shipgate.yml');
      throw new Error('should not load');
    } catch (e) {
      expect(configProblems(e)?.[0]).toMatch(/file not found \(set SHIPGATE_CONFIG or pass --config/);
    }
  });
});
