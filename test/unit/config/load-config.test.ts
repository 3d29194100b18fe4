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
    ['bad annual day', base + 'freezes:\n  - { name: x, annual: { from: "13-01", to: "01-05" } }\n', 'freezes[0].annual.from: not a day of the year'],
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
