import { traceJourney } from '../../../src/app/evidence-journey';
import type { DeploymentRecord } from '../../../src/app/ports/deployment-history';
import { parseConfig } from '../../../src/config/load-config';
import { emptyEvidence } from '../../../src/domain/evidence';
import { buildEvidencePack } from '../../../src/domain/evidence-pack';
import { gate } from '../../../src/domain/gates/gate-result';
import type { Promotion } from '../../../src/domain/promotion';

const config = parseConfig(`
environments: [{ name: dev }, { name: perf }, { name: security }, { name: staging }, { name: prod }]
services:
  - { name: risk, repo: acme/risk, pipeline: [dev, [perf, security], staging, prod], strategy: { type: workflow, workflow: deploy.yml } }
`);
const S = 's'.repeat(40);

function promotion(id: string, from: string, env: string, createdAt: string, patch: Partial<Promotion> = {}): Promotion {
  return {
    id,
    kind: 'promotion',
    service: 'risk',
    repo: 'acme/risk',
    from,
    env,
    sha: S,
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

const rec = (env: string, promotionId: string, at: string): DeploymentRecord => ({ service: 'risk', env, sha: S, promotionId, kind: 'promotion', outcome: 'succeeded', at });

describe('the evidence journey through a parallel stage', () => {
  it('has one stage per member, then follows the first member back to dev', async () => {
    const perf = promotion('p-perf', 'dev', 'perf', '2026-03-01T10:00:00.000Z');
    const security = promotion('p-sec', 'dev', 'security', '2026-03-01T10:30:00.000Z');
    const staging = promotion('p-staging', 'perf', 'staging', '2026-03-01T12:00:00.000Z');
    const prod = promotion('p-prod', 'staging', 'prod', '2026-03-02T12:00:00.000Z', {
      hotfix: 'INC0012345',
      gates: [gate('hotfix', 'pass', 'hotfix_applied', 'Hotfix', { incident: 'INC0012345', overrides: { soak: { normal: '24h', hotfix: '1h' } } })],
    });
    const all = [perf, security, staging, prod];
    const records = [
      rec('dev', 'ci-run-1', '2026-03-01T09:00:00.000Z'),
      rec('perf', 'p-perf', '2026-03-01T10:10:00.000Z'),
      rec('security', 'p-sec', '2026-03-01T10:40:00.000Z'),
      rec('staging', 'p-staging', '2026-03-01T12:10:00.000Z'),
    ];
    const d = {
      config,
      repo: { get: async (id: string) => all.find((p) => p.id === id) },
      history: { list: async (_s: string, env: string) => records.filter((r) => r.env === env) },
    };
    const stages = await traceJourney(prod, d);
    expect(stages.map((s) => `${s.env}:${s.promotion?.id ?? s.deployment?.promotionId}`)).toEqual([
      'dev:ci-run-1',
      'perf:p-perf',
      'security:p-sec',
      'staging:p-staging',
      'prod:p-prod',
    ]);

    const pack = buildEvidencePack(prod, [], { journey: stages, commitUrl: (repo: string, sha: string) => `https://github.test/${repo}/commit/${sha}` });
    expect(pack.json).toMatchObject({ hotfix: { incident: 'INC0012345', applied: true, code: 'hotfix_applied', overrides: { soak: { normal: '24h', hotfix: '1h' } } } });
    expect(pack.markdown).toContain('| Hotfix | INC0012345: soak 24h → 1h |');
  });
});
