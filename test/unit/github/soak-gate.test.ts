import { soakGate, type SoakGateInput } from '../../../src/domain/gates/soak-gate';
import { checksGateCheck, soakGateCheck } from '../../../src/app/github-gates';
import type { GateContext } from '../../../src/app/gate-evaluator';
import type { DeploymentRecord } from '../../../src/app/ports/deployment-history';
import type { DeploymentLookup, SuccessfulDeployment } from '../../../src/app/ports/deployment-lookup';
import type { CommitChecks } from '../../../src/app/ports/commit-checks';
import { parseConfig } from '../../../src/config/load-config';
import { promotion, SHA } from '../servicenow/servicenow-fixtures';

const H = 3_600_000;
const M = 60_000;
const DEPLOYED = new Date('2026-03-02T08:00:00Z');

function input(nowOffsetMs: number, patch: Partial<SoakGateInput> = {}): SoakGateInput {
  return {
    sha: SHA,
    from: 'preprod',
    to: 'prod',
    soak: '24h',
    soakMs: 24 * H,
    deployed: { at: DEPLOYED, source: 'shipgate', reference: 'p-20260302-aaa111' },
    now: new Date(DEPLOYED.getTime() + nowOffsetMs),
    timeZone: 'Europe/London',
    ...patch,
  };
}

describe('soak gate (pure)', () => {
  it.each<[string, number, 'pass' | 'block', string]>([
    ['one minute before the soak is reached', 24 * H - M, 'block', 'soak_not_reached'],
    ['exactly the soak', 24 * H, 'pass', 'soak_ok'],
    ['one minute after', 24 * H + M, 'pass', 'soak_ok'],
    ['just deployed', 0, 'block', 'soak_not_reached'],
    ['a clock behind the deployment', -5 * M, 'block', 'soak_not_reached'],
  ])('%s', (_label, offset, status, code) => {
    const r = soakGate(input(offset));
    expect(r.status).toBe(status);
    expect(r.code).toBe(code);
  });

  it('says how long is left and when the soak is reached (local and ISO UTC)', () => {
    const r = soakGate(input(3 * H + 20 * M));
    expect(r.summary).toBe(
      '`3f2a9c1` has run for 3h 20m in `preprod` of the required 24h: 20h 40m left; soak reached at Tue 3 Mar 2026 08:00 GMT (2026-03-03T08:00:00Z)',
    );
    expect(r.details).toMatchObject({
      deployedAt: '2026-03-02T08:00:00.000Z',
      readyAt: '2026-03-03T08:00:00.000Z',
      remainingMs: 20 * H + 40 * M,
      source: 'shipgate',
    });
  });

  it('one minute before: "1m left" and the reached instant', () => {
    const r = soakGate(input(24 * H - M));
    expect(r.summary).toContain(': 1m left; soak reached at Tue 3 Mar 2026 08:00 GMT (2026-03-03T08:00:00Z)');
  });

  it('rounds what is left up to the minute (never "0m left")', () => {
    expect(soakGate(input(24 * H - 30_000)).summary).toContain(': 30s left;');
    expect(soakGate(input(24 * H - 90_000)).summary).toContain(': 2m left;');
  });

  it('shows the reached instant in the configured zone (BST in summer)', () => {
    const r = soakGate(
      input(H, { deployed: { at: new Date('2026-07-01T08:00:00Z'), source: 'github', reference: '#77' }, now: new Date('2026-07-01T09:00:00Z') }),
    );
    expect(r.summary).toContain('soak reached at Thu 2 Jul 2026 09:00 BST (2026-07-02T08:00:00Z)');
  });

  it('never deployed there → soak_never_deployed', () => {
    const r = soakGate(input(0, { deployed: undefined }));
    expect(r).toMatchObject({ status: 'block', code: 'soak_never_deployed' });
    expect(r.summary).toBe(
      "`3f2a9c1` has never run successfully in `preprod` (no successful deployment in shipgate's history or GitHub Deployments); it must run there for 24h before it can go to `prod`",
    );
  });

  it('passing names the source', () => {
    const r = soakGate(input(26 * H, { deployed: { at: DEPLOYED, source: 'github', reference: '#77', url: 'https://gh.example/run/9' } }));
    expect(r.summary).toBe(
      '`3f2a9c1` has run in `preprod` for 1d 2h (soak 24h), since Mon 2 Mar 2026 08:00 GMT (2026-03-02T08:00:00Z) (GitHub deployment <https://gh.example/run/9|#77>)',
    );
  });
});

// ------------------------------------------------------------------ the GateChecks

const CONFIG = parseConfig(`
timezone: Europe/London
environments:
  - name: int
  - name: preprod
  - name: prod
    soak: 24h
services:
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [int, preprod, prod]
    requiredChecks: [unit-tests, ci-test]
    strategy: { type: workflow, workflow: deploy.yml }
  - name: no-checks
    repo: acme/other
    pipeline: [int, prod]
    strategy: { type: workflow, workflow: deploy.yml }
`);

function ctx(
  patch: Parameters<typeof promotion>[0] = {},
  now = new Date('2026-03-03T09:00:00Z'),
  envName = 'prod',
  serviceName = 'markets-pipeline',
): GateContext {
  return {
    promotion: promotion({ ...patch }),
    service: CONFIG.services.find((s) => s.name === serviceName)!,
    env: CONFIG.environments.find((e) => e.name === envName)!,
    phase: 'request',
    now,
  };
}

function rec(patch: Partial<DeploymentRecord>): DeploymentRecord {
  return {
    service: 'markets-pipeline',
    env: 'preprod',
    sha: SHA,
    promotionId: 'p-20260302-aaa111',
    kind: 'promotion',
    outcome: 'succeeded',
    at: '2026-03-02T08:00:00.000Z',
    ...patch,
  };
}

function lookup(result: SuccessfulDeployment | undefined | Error): DeploymentLookup & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    lastSuccessful: async (...args) => {
      calls.push(args);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

describe('soakGateCheck', () => {
  it('no result for environments without soak', async () => {
    expect(await soakGateCheck({ list: async () => [] }, lookup(undefined))(ctx({ env: 'preprod', from: 'int' }, undefined, 'preprod'))).toBeUndefined();
  });

  it('rollbacks skip soak', async () => {
    const r = await soakGateCheck({ list: async () => [] }, lookup(undefined))(ctx({ kind: 'rollback' }));
    expect(r).toMatchObject({ status: 'pass', code: 'soak_not_for_rollback' });
  });

  it('pending until the candidate is resolved', async () => {
    const r = await soakGateCheck({ list: async () => [] }, lookup(undefined))(ctx({ sha: undefined }));
    expect(r).toMatchObject({ status: 'pending', code: 'soak_no_candidate' });
  });

  it("uses the most recent successful deployment of that exact SHA in shipgate's history of the source env", async () => {
    const gh = lookup(undefined);
    const history = {
      list: jest.fn(async () => [
        rec({ sha: 'f'.repeat(40), at: '2026-03-03T08:30:00.000Z', promotionId: 'p-other' }),
        rec({ outcome: 'failed', at: '2026-03-03T08:00:00.000Z', promotionId: 'p-failed' }),
        rec({ at: '2026-03-02T10:00:00.000Z', promotionId: 'p-recent' }),
        rec({ at: '2026-03-01T08:00:00.000Z', promotionId: 'p-old' }),
      ]),
    };
    const r = await soakGateCheck(history, gh, { timeZone: 'Europe/London' })(ctx());
    expect(history.list).toHaveBeenCalledWith('markets-pipeline', 'preprod', 200);
    // from 10:00 on the 2nd, at 09:00 on the 3rd: 23 h, not 49 h
    expect(r).toMatchObject({
      status: 'block',
      code: 'soak_not_reached',
      details: { source: 'shipgate', reference: 'p-recent', readyAt: '2026-03-03T10:00:00.000Z' },
    });
    expect(gh.calls).toHaveLength(0);
  });

  it('falls back to GitHub Deployments when the history has nothing for the SHA', async () => {
    const gh = lookup({ id: 77, sha: SHA, environment: 'preprod', at: '2026-03-02T08:59:00Z', url: 'https://gh.example/run/1' });
    const r = await soakGateCheck({ list: async () => [rec({ sha: 'e'.repeat(40) })] }, gh, { timeZone: 'Europe/London' })(ctx());
    expect(gh.calls).toEqual([['acme/markets', 'preprod', SHA]]);
    expect(r).toMatchObject({ status: 'pass', code: 'soak_ok', details: { source: 'github', reference: '#77' } });
  });

  it('falls back to GitHub when the history cannot be read, and with no history at all', async () => {
    const at = '2026-03-03T08:00:00Z';
    const broken = { list: async () => Promise.reject(new Error('redis down')) };
    expect(await soakGateCheck(broken, lookup({ id: 1, sha: SHA, environment: 'preprod', at }))(ctx())).toMatchObject({ code: 'soak_not_reached' });
    expect(await soakGateCheck(undefined, lookup({ id: 1, sha: SHA, environment: 'preprod', at }))(ctx())).toMatchObject({ code: 'soak_not_reached' });
  });

  it('never deployed anywhere → soak_never_deployed', async () => {
    expect(await soakGateCheck({ list: async () => [] }, lookup(undefined))(ctx())).toMatchObject({ status: 'block', code: 'soak_never_deployed' });
  });

  it('fails closed when GitHub cannot be asked either', async () => {
    const r = await soakGateCheck({ list: async () => Promise.reject(new Error('redis down')) }, lookup(new Error('GitHub answered 502')))(ctx());
    expect(r).toMatchObject({ status: 'block', code: 'soak_unavailable' });
    expect(r?.summary).toBe('Soak of `3f2a9c1` in `preprod` could not be checked (shipgate history: redis down; GitHub Deployments: GitHub answered 502)');
  });
});

describe('checksGateCheck', () => {
  const observed = {
    checkRuns: [{ id: 1, name: 'unit-tests', status: 'completed', conclusion: 'success', url: 'u1' }],
    statuses: [{ id: 2, context: 'ci-test', state: 'success' }],
  };
  const checks = (result: typeof observed | Error): CommitChecks & { calls: unknown[][] } => {
    const calls: unknown[][] = [];
    return {
      calls,
      observe: async (...args) => {
        calls.push(args);
        if (result instanceof Error) throw result;
        return result;
      },
    };
  };

  it('reads the candidate SHA of the promotion', async () => {
    const c = checks(observed);
    const r = await checksGateCheck(c, { commitUrl: (repo, sha) => `https://gh.example/${repo}/commit/${sha}` })(ctx());
    expect(c.calls).toEqual([['acme/markets', SHA]]);
    expect(r).toMatchObject({ status: 'pass', code: 'checks_ok' });
    expect(r?.summary).toContain(`<https://gh.example/acme/markets/commit/${SHA}|\`3f2a9c1\`>`);
  });

  it('no requiredChecks → pass without calling GitHub', async () => {
    const c = checks(observed);
    const r = await checksGateCheck(c)(ctx({ service: 'no-checks', repo: 'acme/other', from: 'int' }, undefined, 'prod', 'no-checks'));
    expect(r).toMatchObject({ status: 'pass', code: 'no_required_checks' });
    expect(c.calls).toHaveLength(0);
  });

  it('pending without a candidate SHA', async () => {
    expect(await checksGateCheck(checks(observed))(ctx({ sha: undefined }))).toMatchObject({ status: 'pending', code: 'checks_no_candidate' });
  });

  it('fails closed when GitHub cannot be read', async () => {
    const r = await checksGateCheck(checks(new Error('GitHub refused the credentials (401)')))(ctx());
    expect(r).toMatchObject({ status: 'block', code: 'checks_unavailable' });
    expect(r?.summary).toBe('Required checks on `3f2a9c1` could not be read from GitHub: GitHub refused the credentials (401)');
  });
});
