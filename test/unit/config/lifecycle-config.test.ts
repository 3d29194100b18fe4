import { parseConfig, configProblems } from '../../../src/config/load-config';

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml, 'test.yml');
  } catch (e) {
    return configProblems(e) ?? [];
  }
  throw new Error('expected the config to be rejected');
}

const base = `
environments:
  - name: staging
    promote: auto
    verify: { workflow: smoke, inputs: { env: "{{env}}", sha: "{{sha}}" } }
  - { name: prod, deployers: [S0RM], approvers: [S0RM], promote: request }
services:
  - name: svc
    repo: acme/svc
    pipeline: [staging, prod]
    trigger: { push: main }
    strategy: { type: workflow, workflow: deploy.yml }
announce: { channel: C0RELEASES }
`;

describe('trigger, promote and verify in shipgate.yml', () => {
  it('reads them with defaults (manual, offer-rollback, .yml added)', () => {
    const cfg = parseConfig(base);
    expect(cfg.services[0]!.trigger).toEqual({ push: 'main' });
    expect(cfg.environments[0]).toMatchObject({ promote: 'auto', verify: { workflow: 'smoke.yml', onFailure: 'offer-rollback', inputs: { env: '{{env}}', sha: '{{sha}}' } } });
    expect(cfg.environments[1]!.promote).toBe('request');
    const plain = parseConfig(base.replace('    promote: auto\n', '').replace(', promote: request', '').replace('    trigger: { push: main }\n', ''));
    expect(plain.environments.map((e) => e.promote)).toEqual(['manual', 'manual']);
    expect(parseConfig(base.replace('{ push: main }', '{ workflowRun: build }')).services[0]!.trigger).toEqual({ workflowRun: 'build.yml' });
  });

  it.each([
    ['promote value', base.replace('promote: auto', 'promote: always'), 'environments[0].promote'],
    ['verify onFailure', base.replace('sha: "{{sha}}" } }', 'sha: "{{sha}}" }, onFailure: retry }'), 'environments[0].verify.onFailure'],
    ['verify unknown key', base.replace('verify: { workflow: smoke,', 'verify: { workflow: smoke, timeout: 5m,'), 'environments[0].verify.timeout: unknown key "timeout"'],
    ['verify without workflow', base.replace('verify: { workflow: smoke,', 'verify: {'), 'environments[0].verify.workflow'],
    ['verify input placeholder', base.replace('sha: "{{sha}}"', 'sha: "{{commit}}"'), 'environments[0].verify.inputs.sha: unknown placeholder {{commit}}'],
    ['trigger with both kinds', base.replace('{ push: main }', '{ push: main, workflowRun: build.yml }'), 'services[0].trigger'],
    ['trigger of another kind', base.replace('{ push: main }', '{ tag: v1 }'), 'services[0].trigger'],
    ['trigger branch', base.replace('{ push: main }', '{ push: "ma in" }'), 'services[0].trigger'],
    ['trigger without announce.channel', base.replace('announce: { channel: C0RELEASES }\n', ''), 'services[0].trigger: a trigger posts the promotion it starts in `announce.channel`'],
    ['promote on a first stage without trigger', base.replace('    trigger: { push: main }\n', ''), 'environments[0].promote: "auto" never acts'],
  ])('reports %s with its YAML path', (_what, yaml, expected) => {
    expect(problemsOf(yaml).join('\n')).toContain(expected);
  });
});
