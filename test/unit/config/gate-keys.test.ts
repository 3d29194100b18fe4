import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main, type CliIo } from '../../../src/cli';
import { configProblems, parseConfig } from '../../../src/config/load-config';
import { prometheusWarnings } from '../../../src/config/prometheus-requirements';

const base = (prod: string) => `
environments:
  - { name: int }
  - name: prod
${prod}
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

describe('config: cycles and metrics keys', () => {
  it('accepts both, adding .yml to a bare workflow name', () => {
    const cfg = parseConfig(
      base(`    cycles: { workflow: surveillance-pipeline, count: 2 }
    metrics:
      - { name: error rate, query: 'sum(rate(http_errors_total{env="int"}[1h]))', max: 0.01 }
      - { name: throughput, query: 'sum(rate(http_requests_total[5m]))', min: 10 }
      - { name: availability, query: 'avg(up)', min: 0.99, max: 1 }`),
    );
    const prod = cfg.environments[1]!;
    expect(prod.cycles).toEqual({ workflow: 'surveillance-pipeline.yml', count: 2 });
    expect(prod.metrics?.map((m) => m.name)).toEqual(['error rate', 'throughput', 'availability']);
    expect(parseConfig(base('    cycles: { workflow: surveillance.yaml, count: 1 }')).environments[1]!.cycles?.workflow).toBe('surveillance.yaml');
  });

  it.each([
    ['a metric without bounds', `    metrics: [{ name: error rate, query: 'up' }]`, 'environments[1].metrics[0]: metric "error rate" needs max, min or both'],
    ['min above max', `    metrics: [{ name: x, query: 'up', min: 2, max: 1 }]`, 'environments[1].metrics[0].min: min 2 is above max 1'],
    ['an empty query', `    metrics: [{ name: x, query: '  ', max: 1 }]`, 'environments[1].metrics[0].query: expected a PromQL query'],
    ['a bound that is not a number', `    metrics: [{ name: x, query: 'up', max: "1%" }]`, 'environments[1].metrics[0].max'],
    ['an unknown metric key', `    metrics: [{ name: x, query: 'up', max: 1, maximum: 2 }]`, 'environments[1].metrics[0].maximum: unknown key "maximum"'],
    ['duplicate metric names', `    metrics: [{ name: x, query: 'up', max: 1 }, { name: x, query: 'up', min: 0 }]`, 'environments[1].metrics[1].name: duplicate metric name "x"'],
    ['an empty list', `    metrics: []`, 'environments[1].metrics: list at least one metric'],
    ['cycles count 0', `    cycles: { workflow: s.yml, count: 0 }`, 'environments[1].cycles.count: cycles.count must be at least 1'],
    ['cycles count not an integer', `    cycles: { workflow: s.yml, count: 1.5 }`, 'environments[1].cycles.count'],
    ['cycles without a workflow', `    cycles: { count: 2 }`, 'environments[1].cycles.workflow'],
    ['an unknown cycles key', `    cycles: { workflow: s.yml, count: 2, env: int }`, 'environments[1].cycles.env: unknown key "env"'],
  ])('%s', (_name, prod, problem) => {
    expect(problemsOf(base(prod)).join('\n')).toContain(problem);
  });

  it('metrics without PROMETHEUS_URL: a warning naming each environment (none when set or unused)', () => {
    const cfg = parseConfig(base(`    metrics: [{ name: error rate, query: 'up', max: 1 }]`));
    expect(prometheusWarnings(cfg, {})).toEqual(['environments[1].metrics: error rate (prod): PROMETHEUS_URL not set; this metrics gate blocks every promotion until it is']);
    expect(prometheusWarnings(cfg, { PROMETHEUS_URL: 'http://prometheus:9090' })).toEqual([]);
    expect(prometheusWarnings(parseConfig(base('    soak: 1h')), {})).toEqual([]);
  });

  it('`shipgate config validate` is valid (exit 0) and warns on stderr', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-'));
    const file = path.join(dir, 'shipgate.yml');
    writeFileSync(file, base(`    metrics: [{ name: error rate, query: 'up', max: 1 }]`));
    const run = async (env: Record<string, string>) => {
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIo = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env, now: () => new Date('2026-11-21T12:00:00Z') };
      return { code: await main(['config', 'validate', '--config', file], io), out, err };
    };
    const unset = await run({});
    expect(unset.code).toBe(0);
    expect(unset.out[0]).toContain('valid: 2 environments');
    expect(unset.err).toEqual(['warning: environments[1].metrics: error rate (prod): PROMETHEUS_URL not set; this metrics gate blocks every promotion until it is']);
    const set = await run({ PROMETHEUS_URL: 'http://127.0.0.1:9090' });
    expect(set.err).toEqual([]);
  });
});
