import { parseConfig, configProblems } from '../../../src/config/load-config';

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml, 'test.yml');
  } catch (e) {
    return configProblems(e) ?? [];
  }
  throw new Error('expected the config to be rejected');
}

const config = (pipeline: string, o: { strategy?: string; env?: string } = {}) => `
environments:
  - { name: dev }
  - { name: perf }
  - { name: security }
  - { name: staging, soak: 24h${o.env ?? ''} }
  - { name: prod }
services:
  - name: risk
    repo: acme/risk
    pipeline: ${pipeline}
    strategy: ${o.strategy ?? '{ type: workflow, workflow: deploy.yml }'}
`;

describe('config: parallel stages and hotfix', () => {
  it('accepts a nested list as a parallel stage, and hotfix overrides', () => {
    const cfg = parseConfig(config('[dev, [perf, security], staging, prod]', { env: ', hotfix: { soak: 1h }' }));
    expect(cfg.services[0]!.pipeline).toEqual(['dev', ['perf', 'security'], 'staging', 'prod']);
    expect(cfg.environments.find((e) => e.name === 'staging')?.hotfix).toEqual({ soak: '1h' });
  });

  it.each([
    ['a parallel stage with one member', '[dev, [perf], staging, prod]', 'services[0].pipeline[1]: a parallel stage needs at least two environments, found 1 (write "perf" without brackets)'],
    ['an empty parallel stage', '[dev, [], staging, prod]', 'services[0].pipeline[1]: a parallel stage needs at least two environments, found 0'],
    [
      'an environment in two stages',
      '[dev, [perf, security], staging, perf, prod]',
      'services[0].pipeline[3]: "perf" is in two stages of the pipeline (stage 2 and stage 4); an environment belongs to one stage',
    ],
    ['an environment twice in one parallel stage', '[dev, [perf, perf], prod]', 'services[0].pipeline[1][1]: "perf" appears twice in the pipeline'],
    ['an unknown member', '[dev, [perf, sec], prod]', 'services[0].pipeline[1][1]: unknown environment "sec"'],
    ['a parallel first stage', '[[dev, perf], staging, prod]', 'services[0].pipeline[0]: the first stage cannot be parallel'],
    ['a parallel last stage', '[dev, staging, [perf, prod]]', 'services[0].pipeline[2]: the last stage cannot be parallel'],
    ['a non-string member', '[dev, [perf, 3], prod]', 'services[0].pipeline[1][1]'],
  ])('rejects %s', (_what, pipeline, message) => {
    expect(problemsOf(config(pipeline)).join('\n')).toContain(message);
  });

  it('rejects a parallel stage in a branch pipeline', () => {
    const strategy = '{ type: branch, branches: { dev: dev, perf: perf, security: security, staging: staging, prod: main } }';
    expect(problemsOf(config('[dev, [perf, security], staging, prod]', { strategy })).join('\n')).toContain(
      'services[0].pipeline[1]: a parallel stage needs the workflow strategy',
    );
  });

  it.each([
    ['an unknown override key', ', hotfix: { approvals: 0 }', 'environments[3].hotfix.approvals: unknown key "approvals"'],
    ['no override at all', ', hotfix: {}', 'environments[3].hotfix: hotfix needs at least one gate override'],
    ['a bad duration', ', hotfix: { soak: soon }', 'environments[3].hotfix.soak: expected a duration'],
    ['a longer soak than the normal one', ', hotfix: { soak: 48h }', "environments[3].hotfix.soak: a hotfix soak (48h) must not be longer than the environment's soak (24h)"],
  ])('rejects hotfix with %s', (_what, env, message) => {
    expect(problemsOf(config('[dev, staging, prod]', { env })).join('\n')).toContain(message);
  });

  it('rejects a soak override on an environment without soak', () => {
    const yaml = config('[dev, staging, prod]').replace('{ name: prod }', '{ name: prod, hotfix: { soak: 1h } }');
    expect(problemsOf(yaml).join('\n')).toContain('environments[4].hotfix.soak: overrides soak, but this environment has no soak');
  });
});
