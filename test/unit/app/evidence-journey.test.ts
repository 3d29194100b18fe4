import { traceJourney } from '../../../src/app/evidence-journey';
import type { DeploymentRecord } from '../../../src/app/ports/deployment-history';
import { parseConfig } from '../../../src/config/load-config';
import { emptyEvidence } from '../../../src/domain/evidence';
import type { Promotion } from '../../../src/domain/promotion';

const config = parseConfig(`
environments: [{ name: dev }, { name: test }, { name: prod }]
services:
  - { name: svc, repo: acme/svc, pipeline: [dev, test, prod], strategy: { type: workflow, workflow: deploy.yml } }
  - { name: jobs, repo: acme/jobs, pipeline: [dev, test, prod], strategy: { type: branch, branches: { dev: dev, test: test, prod: prod } } }
`);
const S = 's'.repeat(40);

function promotion(id: string, service: string, from: string, env: string, sha: string, createdAt: string, patch: Partial<Promotion> = {}): Promotion {
  return {
    id,
    kind: 'promotion',
    service,
    repo: `acme/${service}`,
    from,
    env,
    sha,
    requester: { id: 'U1' },
    channel: 'C1',
    state: 'succeeded',
    createdAt,
    updatedAt: createdAt,
    requiredApprovals: 0,
    approvals: [],
    gates: [],
    steps: {},
    evidence: emptyEvidence(),
    version: 1,
    ...patch,
  };
}

function stores(promotions: Promotion[], records: DeploymentRecord[]) {
  return {
    config,
    repo: { get: async (id: string) => promotions.find((p) => p.id === id) },
    history: { list: async (service: string, env: string) => records.filter((r) => r.service === service && r.env === env).sort((a, b) => b.at.localeCompare(a.at)) },
  };
}

const rec = (service: string, env: string, sha: string, promotionId: string, at: string, patch: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  service,
  env,
  sha,
  promotionId,
  kind: 'promotion',
  outcome: 'succeeded',
  at,
  ...patch,
});

describe('traceJourney', () => {
  it('workflow strategy: the same SHA through every stage, each deployed before the next was requested', async () => {
    const p1 = promotion('p-dev', 'svc', 'dev', 'dev', S, '2026-03-01T09:00:00.000Z');
    const p2 = promotion('p-test', 'svc', 'dev', 'test', S, '2026-03-01T10:00:00.000Z');
    const p3 = promotion('p-prod', 'svc', 'test', 'prod', S, '2026-03-02T10:00:00.000Z');
    const later = promotion('p-test-again', 'svc', 'dev', 'test', S, '2026-03-03T10:00:00.000Z');
    const d = stores([p1, p2, p3, later], [
      rec('svc', 'dev', S, 'p-dev', '2026-03-01T09:10:00.000Z'),
      rec('svc', 'test', S, 'p-test', '2026-03-01T10:10:00.000Z'),
      rec('svc', 'test', S, 'p-test-again', '2026-03-03T10:10:00.000Z'),
    ]);
    const stages = await traceJourney(p3, d);
    expect(stages.map((s) => `${s.env}:${s.promotion?.id}:${s.sha === S}`)).toEqual(['dev:p-dev:true', 'test:p-test:true', 'prod:p-prod:true']);
  });

  it('branch strategy: follows merge commits back, through a rollback to the promotion it restored, and stops where there is no record', async () => {
    const [D, T1, T2, R, M] = ['d', '1', '2', 'r', 'm'].map((c) => c.repeat(40)) as [string, string, string, string, string];
    const t1 = promotion('p-t1', 'jobs', 'dev', 'test', D, '2026-03-01T10:00:00.000Z', { evidence: { ...emptyEvidence(), mergeSha: T1 } });
    const t2 = promotion('p-t2', 'jobs', 'dev', 'test', 'x'.repeat(40), '2026-03-01T11:00:00.000Z', { evidence: { ...emptyEvidence(), mergeSha: T2 } });
    const rb = promotion('r-t', 'jobs', 'test', 'test', T1, '2026-03-01T12:00:00.000Z', {
      kind: 'rollback',
      rollback: { currentSha: T2, currentPromotionId: 'p-t2', targetPromotionId: 'p-t1' },
      evidence: { ...emptyEvidence(), mergeSha: R },
    });
    const prod = promotion('p-prod', 'jobs', 'test', 'prod', R, '2026-03-02T10:00:00.000Z', { evidence: { ...emptyEvidence(), mergeSha: M } });
    const d = stores([t1, t2, rb, prod], [
      rec('jobs', 'test', T1, 'p-t1', '2026-03-01T10:10:00.000Z', { approvedSha: D }),
      rec('jobs', 'test', T2, 'p-t2', '2026-03-01T11:10:00.000Z'),
      rec('jobs', 'test', R, 'r-t', '2026-03-01T12:10:00.000Z', { kind: 'rollback', rollbackOf: 'p-t2' }),
    ]);
    const stages = await traceJourney(prod, d);
    expect(stages.map((s) => [s.env, s.promotion?.id, s.sha])).toEqual([
      ['dev', undefined, D],
      ['test', 'r-t', R],
      ['prod', 'p-prod', M],
    ]);
  });
});
