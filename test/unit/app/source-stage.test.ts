import { GateEvaluator } from '../../../src/app/gate-evaluator';
import { sourceStageReader } from '../../../src/app/source-stage';
import type { DeploymentRecord } from '../../../src/app/ports/deployment-history';
import type { DeploymentLookup } from '../../../src/app/ports/deployment-lookup';
import { parseConfig } from '../../../src/config/load-config';
import { newPromotion } from '../../../src/domain/promotion';

const config = parseConfig(`
environments: [{ name: dev }, { name: perf }, { name: security }, { name: staging }]
services:
  - { name: risk, repo: acme/risk, pipeline: [dev, [perf, security], staging], strategy: { type: workflow, workflow: deploy.yml } }
`);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const clock = { now: () => new Date('2026-03-01T12:00:00Z') };

const promotion = (from: string, env: string, sha?: string) =>
  newPromotion({ id: 'p-test-000001', kind: 'promotion', service: 'risk', repo: 'acme/risk', from, env, ...(sha ? { sha } : {}), requester: { id: 'U1' }, channel: 'C1', at: clock.now(), requiredApprovals: 0 });

const rec = (env: string, sha: string, outcome: 'succeeded' | 'failed' = 'succeeded'): DeploymentRecord => ({
  service: 'risk',
  env,
  sha,
  promotionId: `p-${env}`,
  kind: 'promotion',
  outcome,
  at: '2026-03-01T10:00:00.000Z',
});

function evaluator(history: { list: (s: string, e: string) => Promise<DeploymentRecord[]> } | undefined, deployments: DeploymentLookup) {
  return new GateEvaluator({ config, clock, sourceStage: sourceStageReader(history, deployments) });
}

const noGitHub: DeploymentLookup = { lastSuccessful: async () => undefined };
const pathOf = async (e: GateEvaluator, from: string, env: string, sha?: string) => (await e.evaluate(promotion(from, env, sha), 'request')).find((g) => g.gate === 'path')!;

describe('the path gate after a parallel stage reads every member (GateEvaluator + sourceStageReader)', () => {
  it.each<[string, DeploymentRecord[], DeploymentLookup, string, string[]]>([
    ['both members run the candidate', [rec('perf', A), rec('security', A)], noGitHub, 'path_ok', []],
    ['a member failed with it (latest success is older)', [rec('perf', A), rec('security', A, 'failed'), rec('security', B)], noGitHub, 'stage_incomplete', ['security']],
    ['a member runs another SHA', [rec('perf', A), rec('security', B)], noGitHub, 'stage_incomplete', ['security']],
    ['a member has no record, GitHub has no deployment', [rec('perf', A)], noGitHub, 'stage_incomplete', ['security']],
    [
      'a member has no record, GitHub has a successful deployment of the candidate',
      [rec('perf', A)],
      { lastSuccessful: async (_r, env, sha) => (env === 'security' ? { id: 7, sha, environment: env, at: '2026-03-01T09:00:00Z' } : undefined) },
      'path_ok',
      [],
    ],
  ])('%s → %s', async (_what, records, deployments, code, missing) => {
    const history = { list: async (_s: string, env: string) => records.filter((r) => r.env === env) };
    const r = await pathOf(evaluator(history, deployments), 'perf', 'staging', A);
    expect(r.code).toBe(code);
    expect(r.details).toMatchObject({ missing });
  });

  it('history and GitHub both unreadable: blocks, could not be checked (fail closed)', async () => {
    const history = { list: async () => Promise.reject(new Error('redis down')) };
    const r = await pathOf(evaluator(history, { lastSuccessful: async () => Promise.reject(new Error('502')) }), 'perf', 'staging', A);
    expect([r.status, r.code]).toEqual(['block', 'check_failed']);
    expect(r.summary).toContain('what runs in perf could not be read (shipgate history: redis down; GitHub Deployments: 502)');
  });

  it('without a reader the stage after a parallel stage blocks', async () => {
    const r = await pathOf(new GateEvaluator({ config, clock }), 'perf', 'staging', A);
    expect([r.status, r.code]).toEqual(['block', 'stage_incomplete']);
  });

  it('promoting into a member reads nothing', async () => {
    const history = { list: async () => Promise.reject(new Error('must not be read')) };
    expect((await pathOf(evaluator(history, noGitHub), 'dev', 'perf', A)).code).toBe('path_ok');
  });
});
