import { redeployGate } from '../../../src/domain/gates/redeploy-gate';
import type { DeploymentEntry } from '../../../src/domain/rollback-target';

const A = 'a'.repeat(40);
const M = 'm'.repeat(40);
const running = (patch: Partial<DeploymentEntry> = {}): DeploymentEntry => ({ sha: A, promotionId: 'p-20261201-aaaaaa', kind: 'promotion', outcome: 'succeeded', at: '2026-12-01T09:30:12.000Z', ...patch });

describe('redeploy gate', () => {
  it('says nothing when the candidate is not what runs in the target (or nothing does)', () => {
    expect(redeployGate({ sha: 'b'.repeat(40), env: 'prod', running: running(), force: false })).toBeUndefined();
    expect(redeployGate({ sha: A, env: 'prod', force: false })).toBeUndefined();
  });

  it('blocks a redeploy of the running SHA without force=true, naming since when and the way out', () => {
    expect(redeployGate({ sha: A, env: 'prod', running: running(), force: false })).toMatchObject({
      gate: 'redeploy',
      status: 'block',
      code: 'already_running',
      summary: '`aaaaaaa` already runs in *prod* since 2026-12-01 09:30 UTC (promotion p-20261201-aaaaaa). Add `force=true` to redeploy it.',
    });
  });

  it('warns, with its own code, when forced; a branch promotion matches its approved SHA and names the merge', () => {
    expect(redeployGate({ sha: A, env: 'prod', running: running({ sha: M, approvedSha: A }), force: true })).toMatchObject({
      status: 'warn',
      code: 'redeploy_forced',
      summary: '`aaaaaaa` already runs in *prod* since 2026-12-01 09:30 UTC (promotion p-20261201-aaaaaa, merged as `mmmmmmm`); redeploying it because of `force=true`',
    });
  });
});
