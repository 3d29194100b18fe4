import { parseConfig } from '../../../src/config/load-config';
import { verifiedSourceCheck } from '../../../src/app/verified-source-check';
import type { DeploymentRecord } from '../../../src/app/ports/deployment-history';
import type { Promotion } from '../../../src/domain/promotion';

const SHA = 'a'.repeat(40);
const config = parseConfig(`
environments:
  - { name: dev }
  - { name: perf, verify: { workflow: smoke.yml } }
  - { name: security, verify: { workflow: scan.yml } }
  - { name: staging }
services:
  - { name: risk, repo: acme/risk, pipeline: [dev, [perf, security], staging], strategy: { type: workflow, workflow: deploy.yml } }
`);
const service = config.services[0]!;

function historyOf(verified: Record<string, 'passed' | 'failed' | undefined>) {
  return {
    list: async (_service: string, env: string): Promise<DeploymentRecord[]> =>
      env in verified
        ? [
            {
              service: 'risk',
              env,
              sha: SHA,
              promotionId: `p-${env}`,
              kind: 'promotion',
              outcome: 'succeeded',
              at: '2026-12-01T10:00:00Z',
              ...(verified[env] ? { verification: verified[env] } : {}),
            },
          ]
        : [],
  };
}

async function check(verified: Record<string, 'passed' | 'failed' | undefined>) {
  const p = { kind: 'promotion', sha: SHA, service: 'risk', from: 'perf', env: 'staging' } as Promotion;
  const env = config.environments.find((e) => e.name === 'staging')!;
  return verifiedSourceCheck(config, historyOf(verified))({ promotion: p, service, env, phase: 'request', now: new Date('2026-12-01T12:00:00Z') });
}

/** After a parallel stage, every member with a `verify` must have passed it, not only `from`. */
describe('verifiedSourceCheck after a parallel stage', () => {
  it.each([
    ['both members passed', { perf: 'passed', security: 'passed' }, 'pass', undefined],
    ['from passed, the other member failed', { perf: 'passed', security: 'failed' }, 'block', 'security'],
    ['from passed, the other member never verified', { perf: 'passed', security: undefined }, 'block', 'security'],
    ['from failed', { perf: 'failed', security: 'passed' }, 'block', 'perf'],
  ] as const)('%s', async (_what, verified, status, source) => {
    const r = await check(verified);
    expect(r?.status).toBe(status);
    if (source) expect(r).toMatchObject({ code: 'source_not_verified', details: { source } });
  });
});
