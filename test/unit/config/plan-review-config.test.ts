import { configProblems, parseConfig } from '../../../src/config/load-config';

const base = (plan: string) => `
environments:
  - { name: int }
  - name: prod
${plan}
services:
  - { name: svc, repo: acme/svc, pipeline: [int, prod], strategy: { type: workflow, workflow: deploy.yml } }
`;

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml, 'test.yml');
  } catch (e) {
    return configProblems(e) ?? [];
  }
  throw new Error('expected the config to be rejected');
}

describe('environments[].plan', () => {
  it('accepts the SPEC example with defaults', () => {
    const c = parseConfig(base('    plan: { workflow: plan, inputs: { env: "{{env}}", sha: "{{sha}}" } }'));
    expect(c.environments[1]?.plan).toEqual({ workflow: 'plan.yml', inputs: { env: '{{env}}', sha: '{{sha}}' }, artifact: 'plan' });
  });

  it.each<[string, string, string]>([
    ['an unknown key', '    plan: { workflow: plan.yml, artefact: plan }', 'environments[1].plan.artefact: unknown key "artefact"'],
    ['no workflow', '    plan: { artifact: plan }', 'environments[1].plan.workflow'],
    [
      'an unknown placeholder',
      '    plan: { workflow: plan.yml, inputs: { a: "{{planArtifactId}}" } }',
      'environments[1].plan.inputs.a: unknown placeholder {{planArtifactId}}',
    ],
    ['a bad timeout', '    plan: { workflow: plan.yml, timeout: soon }', 'environments[1].plan.timeout: expected a duration'],
    ['an unknown service', '    plan: { workflow: plan.yml, services: [svx] }', 'environments[1].plan.services[0]: unknown service "svx"'],
    ['an empty artifact name', '    plan: { workflow: plan.yml, artifact: "" }', 'environments[1].plan.artifact'],
  ])('rejects %s at its YAML path', (_name, plan, expected) => {
    const problems = problemsOf(base(plan));
    expect(problems.join('\n')).toContain(expected);
  });
});
