/**
 * The metrics gate against a REAL Prometheus (Debian's `prometheus`, started by the test on a
 * free port with a temp TSDB, scraping a tiny exporter whose values the test sets every
 * second): within bounds, over max, under min, no data, several series, NaN, a matrix, bad
 * PromQL (Prometheus's 400 bad_data), unreachable (closed port), a Prometheus that never
 * answers (timeout), PROMETHEUS_URL not set. Then the whole bot: a request whose card shows
 * "error rate 0.004 ≤ 0.01" and executes after approval; one over max is blocked and says why.
 */
import { PrometheusMetricQueries } from '../../src/adapters/prometheus/prometheus-metric-queries';
import { GateEvaluator } from '../../src/app/gate-evaluator';
import { metricsGateCheck } from '../../src/app/metrics-gate-check';
import type { MetricQueries } from '../../src/app/ports/metric-queries';
import { parseConfig } from '../../src/config/load-config';
import { emptyEvidence } from '../../src/domain/evidence';
import type { GateResult } from '../../src/domain/gates/gate-result';
import type { Promotion } from '../../src/domain/promotion';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { BlackHole, closedPort } from '../helpers/black-hole';
import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { PrometheusServer, TestExporter } from '../helpers/prometheus-server';
import { waitUntil } from '../helpers/wait-until';

const metricsYaml = (metrics: string) => `
timezone: Europe/London
environments:
  - name: int
  - name: prod
    deployers: [S0RELEASEMGRS, ${USERS.engineer}]
    approvers: [S0RELEASEMGRS]
    metrics:
${metrics}
services:
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [int, prod]
    strategy: { type: workflow, workflow: deploy.yml, ref: main, inputs: { environment: "{{env}}", sha: "{{sha}}" } }
`;

const ERROR_RATE = `      - { name: error rate, query: 'shipgate_test_error_ratio{env="int"}', max: 0.01 }`;

describe('metrics gate against a real Prometheus', () => {
  let exporter: TestExporter;
  let prom: PrometheusServer;

  beforeAll(async () => {
    exporter = new TestExporter();
    exporter.set('shipgate_test_error_ratio', { env: 'int' }, 0.004);
    exporter.set('shipgate_test_error_ratio', { env: 'perf' }, 0.3);
    exporter.set('shipgate_test_throughput', { env: 'int' }, 25);
    exporter.set('shipgate_test_nan', {}, NaN);
    await exporter.start();
    prom = await PrometheusServer.start(exporter);
    await prom.waitForValue('shipgate_test_throughput{env="int"}', '25');
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await exporter?.stop();
  });

  function evaluatorFor(metrics: string, queries: MetricQueries | undefined): { evaluate: (phase?: 'request' | 'execute') => Promise<GateResult | undefined> } {
    const config = parseConfig(metricsYaml(metrics));
    const evaluator = new GateEvaluator({ config, clock: { now: () => new Date() } }).register('metrics', metricsGateCheck(queries));
    const p: Promotion = {
      id: 'p-20260302-met001',
      kind: 'promotion',
      service: 'markets-pipeline',
      repo: 'acme/markets',
      from: 'int',
      env: 'prod',
      sha: 'a'.repeat(40),
      requester: { id: USERS.engineer },
      channel: CHANNEL,
      state: 'requested',
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      requiredApprovals: 1,
      approvals: [],
      gates: [],
      steps: {},
      evidence: emptyEvidence(),
      version: 0,
    };
    return { evaluate: async (phase = 'request') => (await evaluator.evaluate(p, phase)).find((r) => r.gate === 'metrics') };
  }

  const real = () => new PrometheusMetricQueries({ baseUrl: prom.url, timeoutMs: 3000 });

  it.each<[string, string, Record<string, unknown>, string]>([
    ['within max', ERROR_RATE, { status: 'pass', code: 'metrics_ok' }, 'Metrics within bounds: error rate 0.004 ≤ 0.01'],
    [
      'within min (a scalar)',
      `      - { name: throughput, query: 'scalar(shipgate_test_throughput{env="int"})', min: 10 }`,
      { status: 'pass', code: 'metrics_ok' },
      'throughput 25 ≥ 10',
    ],
    [
      'over max',
      `      - { name: perf error rate, query: 'shipgate_test_error_ratio{env="perf"}', max: 0.01 }`,
      { status: 'block', code: 'metrics_out_of_bounds' },
      'Metrics out of bounds: perf error rate 0.3 &gt; 0.01 (max)',
    ],
    [
      'under min',
      `      - { name: throughput, query: 'shipgate_test_throughput{env="int"}', min: 100 }`,
      { status: 'block', code: 'metrics_out_of_bounds' },
      'throughput 25 &lt; 100 (min)',
    ],
    [
      'no data',
      `      - { name: error rate, query: 'shipgate_test_error_ratio{env="nowhere"}', max: 0.01 }`,
      { status: 'block', code: 'metrics_unavailable' },
      'error rate: no data (the query returned no series)',
    ],
    [
      'several series (ambiguous)',
      `      - { name: error rate, query: 'shipgate_test_error_ratio', max: 0.01 }`,
      { status: 'block', code: 'metrics_unavailable' },
      'error rate: the query returned 2 series, expected one',
    ],
    ['NaN', `      - { name: ratio, query: 'shipgate_test_nan', max: 1 }`, { status: 'block', code: 'metrics_unavailable' }, 'ratio: the query returned NaN'],
    [
      'a range vector (matrix)',
      `      - { name: error rate, query: 'shipgate_test_error_ratio{env="int"}[1m]', max: 0.01 }`,
      { status: 'block', code: 'metrics_unavailable' },
      'error rate: result type matrix (expected a vector or a scalar)',
    ],
    [
      'bad PromQL: Prometheus says why',
      `      - { name: error rate, query: 'sum(rate(shipgate_test_error_ratio[5m]', max: 0.01 }`,
      { status: 'block', code: 'metrics_unavailable' },
      'error rate: the query failed: bad_data: ',
    ],
  ])('%s', async (_name, metrics, want, line) => {
    const g = await evaluatorFor(metrics, real()).evaluate();
    expect(g).toMatchObject({ gate: 'metrics', ...want });
    expect(g!.summary).toContain(line);
  });

  it('bad PromQL is reported with the HTTP status Prometheus answered', async () => {
    const g = await evaluatorFor(`      - { name: error rate, query: 'sum(rate(x[5m]', max: 0.01 }`, real()).evaluate();
    expect(g!.details).toMatchObject({ metrics: [{ outcome: 'query_failed', error: expect.stringMatching(/^bad_data: .*\(HTTP 400\)$/) }] });
  });

  it('a new value is seen at the next evaluation (over max → within)', async () => {
    exporter.set('shipgate_test_error_ratio', { env: 'staging' }, 0.05);
    await prom.waitForValue('shipgate_test_error_ratio{env="staging"}', '0.05');
    const ev = evaluatorFor(`      - { name: staging errors, query: 'shipgate_test_error_ratio{env="staging"}', max: 0.01 }`, real());
    expect(await ev.evaluate()).toMatchObject({ status: 'block', code: 'metrics_out_of_bounds' });
    exporter.set('shipgate_test_error_ratio', { env: 'staging' }, 0.002);
    await prom.waitForValue('shipgate_test_error_ratio{env="staging"}', '0.002');
    expect(await ev.evaluate()).toMatchObject({ status: 'pass', code: 'metrics_ok', summary: 'Metrics within bounds: staging errors 0.002 ≤ 0.01' });
  });

  it('unreachable Prometheus (closed port): blocked, fail closed, saying where', async () => {
    const port = await closedPort();
    const g = await evaluatorFor(ERROR_RATE, new PrometheusMetricQueries({ baseUrl: `http://127.0.0.1:${port}` })).evaluate();
    expect(g).toMatchObject({ status: 'block', code: 'metrics_unavailable' });
    expect(g!.summary).toContain(`error rate: the query failed: Prometheus unreachable at http://127.0.0.1:${port}`);
  });

  it('right before execution, Prometheus not answering is a transient check failure (retried); bad PromQL is not', async () => {
    const port = await closedPort();
    const down = await evaluatorFor(ERROR_RATE, new PrometheusMetricQueries({ baseUrl: `http://127.0.0.1:${port}` })).evaluate('execute');
    expect(down).toMatchObject({ gate: 'metrics', status: 'block', code: 'check_failed', details: { transient: true } });
    expect(down!.summary).toContain(`metrics could not be checked: Prometheus did not answer: Prometheus unreachable at http://127.0.0.1:${port}`);
    const bad = await evaluatorFor(`      - { name: error rate, query: 'sum(rate(x[5m]', max: 0.01 }`, real()).evaluate('execute');
    expect(bad).toMatchObject({ status: 'block', code: 'metrics_unavailable' });
    expect(await evaluatorFor(ERROR_RATE, real()).evaluate('execute')).toMatchObject({ status: 'pass', code: 'metrics_ok' });
  });

  it('a Prometheus that never answers: blocked after the timeout', async () => {
    const hole = new BlackHole();
    await hole.start();
    try {
      const g = await evaluatorFor(ERROR_RATE, new PrometheusMetricQueries({ baseUrl: hole.url, timeoutMs: 300 })).evaluate();
      expect(g).toMatchObject({ status: 'block', code: 'metrics_unavailable' });
      expect(g!.summary).toContain('error rate: the query failed: Prometheus did not answer within 300 ms');
      expect(hole.requests[0]).toMatch(/^GET \/api\/v1\/query\?query=shipgate_test_error_ratio%7Benv%3D%22int%22%7D HTTP\/1\.1$/);
    } finally {
      await hole.stop();
    }
  });

  it('something that is not Prometheus (HTML from a proxy): blocked', async () => {
    const g = await evaluatorFor(ERROR_RATE, new PrometheusMetricQueries({ baseUrl: `http://127.0.0.1:${exporter.port}` })).evaluate();
    expect(g).toMatchObject({ status: 'block', code: 'metrics_unavailable' });
    expect(g!.summary).toContain('error rate: the query failed: Prometheus answered 404 with a body that is not JSON');
  });

  it('PROMETHEUS_URL not set: blocked, saying so', async () => {
    const g = await evaluatorFor(ERROR_RATE, undefined).evaluate();
    expect(g).toMatchObject({ status: 'block', code: 'metrics_not_configured', summary: 'Metrics (error rate) cannot be checked: PROMETHEUS_URL not set' });
  });

  describe('through the bot (Slack card, approval, execution)', () => {
    let h: Harness;
    afterEach(async () => {
      await h.close();
    });
    const card = (p: Promotion) => JSON.stringify(h.slack.message(CHANNEL, p.messageTs!)?.blocks);
    const dispatches = () => h.github.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/dispatches')).length;

    it('within bounds: the card shows value and bound, the promotion executes after approval (re-checked)', async () => {
      h = await startHarness('metrics-pass', { config: metricsYaml(ERROR_RATE), env: { PROMETHEUS_URL: prom.url } });
      const p = await h.request(`markets-pipeline prod ref=${h.mainSha}`, USERS.engineer);
      expect(p.gates.find((g) => g.gate === 'metrics')).toMatchObject({ status: 'pass', code: 'metrics_ok' });
      await waitUntil('the card to show the metric', () => card(p).includes('*metrics*: Metrics within bounds: error rate 0.004 ≤ 0.01'));
      await h.click(p, ACTIONS.approve, USERS.rm1);
      const done = await h.waitState(p.id, 'succeeded', 15_000);
      expect(done.gates.find((g) => g.gate === 'metrics')).toMatchObject({ status: 'pass', code: 'metrics_ok' });
      expect(dispatches()).toBe(1);
      const audit = await h.app.audit.forPromotion(p.id);
      expect(JSON.stringify(audit.find((a) => a.type === 'gates_passed')?.data)).toContain('error rate 0.004 ≤ 0.01');
    });

    it('over max: blocked at request, the card says value and bound, nothing dispatched', async () => {
      const perf = `      - { name: error rate, query: 'shipgate_test_error_ratio{env="perf"}', max: 0.01 }`;
      h = await startHarness('metrics-block', { config: metricsYaml(perf), env: { PROMETHEUS_URL: prom.url } });
      const p = await h.request(`markets-pipeline prod ref=${h.mainSha}`, USERS.engineer, 'blocked');
      expect(p.stateReason).toBe('Metrics out of bounds: error rate 0.3 &gt; 0.01 (max)');
      await waitUntil('the card to say why', () => card(p).includes('error rate 0.3 &gt; 0.01 (max)'));
      expect(dispatches()).toBe(0);
    });
  });
});
