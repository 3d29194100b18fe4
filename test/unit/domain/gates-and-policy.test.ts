import { pathGate } from '../../../src/domain/gates/path-gate';
import { approvalGate } from '../../../src/domain/gates/approval-gate';
import { mayApprove, mayRequest, requiredApprovals } from '../../../src/domain/policy';
import { resolveTarget } from '../../../src/domain/resolve-request';
import { parseConfig } from '../../../src/config/load-config';
import { ShipgateError } from '../../../src/shared/shipgate-error';

const svc = { name: 'jobs', pipeline: ['dev', 'test', 'prod'] };

describe('path gate', () => {
  it.each([
    ['dev', 'test', 'pass', 'path_ok'],
    ['test', 'prod', 'pass', 'path_ok'],
    ['dev', 'prod', 'block', 'skips_environment'],
    ['prod', 'test', 'block', 'not_forward'],
    ['test', 'test', 'block', 'not_forward'],
    ['dev', 'dev', 'block', 'no_source'],
    ['dev', 'stage', 'block', 'unknown_target'],
    ['qa', 'test', 'block', 'unknown_source'],
  ])('%s → %s: %s (%s)', (from, to, status, code) => {
    const r = pathGate(svc, from, to);
    expect([r.status, r.code]).toEqual([status, code]);
  });

  it('names what was skipped and what to do', () => {
    expect(pathGate(svc, 'dev', 'prod').summary).toBe('dev → prod skips `test` (pipeline dev → test → prod); promote to `test` first');
  });
});

const prod = { name: 'prod', deployers: ['S0RM'], approvers: ['S0RM'], requiredApprovals: 2, allowSelfApproval: false };
const groups = { S0RM: ['U_RM1', 'U_RM2', 'U_RM3'] };

describe('approval policy', () => {
  it.each([
    ['an approver', 'U_RM2', 'U_RM1', [], true, undefined],
    ['a non-approver', 'U_ENG', 'U_RM1', [], false, 'not_authorized'],
    ['the requester', 'U_RM1', 'U_RM1', [], false, 'separation_of_duties'],
    ['a second click', 'U_RM2', 'U_RM1', ['U_RM2'], false, 'already_approved'],
  ])('%s', (_n, userId, requesterId, already, ok, code) => {
    const d = mayApprove(prod, { userId, requesterId, alreadyApproved: already, groups });
    expect(d.ok).toBe(ok);
    if (!d.ok) expect(d.code).toBe(code);
  });

  it('lets the requester approve with allowSelfApproval', () => {
    expect(mayApprove({ ...prod, allowSelfApproval: true }, { userId: 'U_RM1', requesterId: 'U_RM1', alreadyApproved: [], groups }).ok).toBe(true);
  });

  it('treats a direct user id and "*" as principals', () => {
    expect(mayRequest({ name: 'x', deployers: ['U_ENG'] }, 'U_ENG', {}).ok).toBe(true);
    expect(mayRequest({ name: 'x', deployers: ['*'] }, 'U_ANY', {}).ok).toBe(true);
    expect(mayRequest(prod, 'U_ENG', groups).ok).toBe(false);
  });

  it.each([
    [{ approvers: ['S0RM'] }, 1],
    [{ approvers: ['S0RM'], requiredApprovals: 2 }, 2],
    [{}, 0],
    [{ approvers: [] }, 0],
  ])('requiredApprovals(%j) = %i', (env, n) => {
    expect(requiredApprovals(env)).toBe(n);
  });

  it('without required approvals any deployer (the requester too) confirms', () => {
    const dev = { name: 'dev', deployers: ['*'], allowSelfApproval: false };
    expect(mayApprove(dev, { userId: 'U1', requesterId: 'U1', alreadyApproved: [], groups: {} }).ok).toBe(true);
  });
});

describe('approval gate', () => {
  it.each([
    [[], 'pending', 'approvals_missing'],
    [[{ userId: 'U_RM2' }], 'pending', 'approvals_missing'],
    [[{ userId: 'U_RM2' }, { userId: 'U_RM3' }], 'pass', 'approved'],
  ])('%j → %s', (approvals, status, code) => {
    const r = approvalGate(prod, approvals);
    expect([r.status, r.code]).toEqual([status, code]);
  });
});

describe('resolving a request against the config', () => {
  const config = parseConfig(`
environments: [{ name: dev }, { name: test }, { name: prod, deployers: [S0RM], approvers: [S0RM] }]
services:
  - { name: databricks-jobs, repo: acme/platform, pipeline: [dev, test, prod], strategy: { type: workflow, workflow: d.yml } }
  - { name: markets-pipeline, repo: acme/markets, pipeline: [test, prod], strategy: { type: workflow, workflow: d.yml } }
`);

  it('defaults from to the previous environment', () => {
    const r = resolveTarget(config, 'databricks-jobs', 'prod', {});
    expect([r.from.name, r.env.name]).toEqual(['test', 'prod']);
  });

  it.each([
    ['databricks-job', 'prod', {}, 'Unknown service `databricks-job`. Did you mean `databricks-jobs`?'],
    ['nope', 'prod', {}, 'Services: `databricks-jobs`, `markets-pipeline`'],
    ['markets-pipeline', 'dev', {}, '`dev` is not an environment of markets-pipeline. Pipeline: `test` → `prod`'],
    ['databricks-jobs', 'prd', {}, 'Did you mean `prod`?'],
    ['databricks-jobs', 'dev', {}, 'is the first environment'],
    ['databricks-jobs', 'prod', { from: 'qa' }, '`qa` is not an environment of databricks-jobs (from=)'],
  ])('%s %s %j → %s', (service, env, options, message) => {
    let err: unknown;
    try {
      resolveTarget(config, service, env, options);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShipgateError);
    expect((err as Error).message).toContain(message);
  });
});
