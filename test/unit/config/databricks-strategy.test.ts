import { configProblems, parseConfig } from '../../../src/config/load-config';

const config = (strategy: string) => `
environments:
  - { name: staging }
  - { name: prod }
services:
  - name: risk-models
    repo: acme/risk
    pipeline: [staging, prod]
    strategy: ${strategy}
`;

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml, 'test.yml');
  } catch (e) {
    return configProblems(e) ?? [];
  }
  throw new Error('expected the config to be rejected');
}

describe('strategy: databricks in shipgate.yml', () => {
  it('accepts job ids and names, templated parameters and a dbt run_results path, with defaults', () => {
    const c = parseConfig(
      config(`{ type: databricks, jobs: { staging: 1234, prod: "risk prod build" }, parameters: { target: "{{env}}", git_commit: "{{sha}}" }, evidence: { dbtRunResults: "/Volumes/ops/dbt_meta/artifacts/{{env}}/latest/run_results.json" } }`),
      'test.yml',
    );
    expect(c.services[0]!.strategy).toEqual({
      type: 'databricks',
      jobs: { staging: 1234, prod: 'risk prod build' },
      parameters: { target: '{{env}}', git_commit: '{{sha}}' },
      ref: 'main',
      evidence: { dbtRunResults: '/Volumes/ops/dbt_meta/artifacts/{{env}}/latest/run_results.json' },
    });
    expect(parseConfig(config('{ type: databricks, jobs: { prod: 5 } }'), 'test.yml').services[0]!.strategy).toMatchObject({ parameters: {}, evidence: {} });
  });

  it.each([
    ['a job key that is not a pipeline environment', '{ type: databricks, jobs: { stage: 1 } }', 'services[0].strategy.jobs.stage: "stage" is not an environment of this service\'s pipeline (staging → prod)'],
    ['a negative job id', '{ type: databricks, jobs: { prod: -3 } }', 'services[0].strategy.jobs.prod'],
    ['an empty job name', '{ type: databricks, jobs: { prod: " " } }', 'services[0].strategy.jobs.prod'],
    ['a run_results path outside a volume', '{ type: databricks, jobs: { prod: 1 }, evidence: { dbtRunResults: "/tmp/run_results.json" } }', 'services[0].strategy.evidence.dbtRunResults: expected a Unity Catalog volume path'],
    ['an unknown key', '{ type: databricks, jobs: { prod: 1 }, workflow: deploy.yml }', 'services[0].strategy'],
    ['no jobs', '{ type: databricks }', 'services[0].strategy.jobs'],
    ['a non-string parameter', '{ type: databricks, jobs: { prod: 1 }, parameters: { n: 3 } }', 'services[0].strategy.parameters.n'],
  ])('rejects %s', (_n, strategy, expected) => {
    const problems = problemsOf(config(strategy));
    expect(problems.some((p) => p.includes(expected))).toBe(true);
  });
});
