import { derivedPromotionId, nextStageOf, triggerFires, type TriggerEvent } from '../../../src/domain/lifecycle';
import { nextStep, type ExecContext } from '../../../src/domain/execution-plan';
import { emptyEvidence } from '../../../src/domain/evidence';
import { approvalGateFor } from '../../../src/domain/gates/approval-policy';
import { triggeredPathGate } from '../../../src/domain/gates/triggered-path-gate';
import { parsePromoteCommand } from '../../../src/domain/command-parser';
import type { Promotion, PromotionState, StepRecord } from '../../../src/domain/promotion';
import type { EnvironmentConfig } from '../../../src/config/config-schema';

const SHA = 'a'.repeat(40);
const push = (o: Partial<TriggerEvent> = {}): TriggerEvent => ({ name: 'push', delivery: 'd1', repo: 'acme/svc', sha: SHA, ref: 'refs/heads/main', ...o });
const run = (o: Partial<TriggerEvent> = {}): TriggerEvent => ({ name: 'workflow_run', delivery: 'd2', repo: 'acme/svc', sha: SHA, action: 'completed', conclusion: 'success', workflowPath: '.github/workflows/build.yml', ...o });

describe('triggers', () => {
  it.each<[string, { push: string } | { workflowRun: string }, TriggerEvent, boolean]>([
    ['push to the branch', { push: 'main' }, push(), true],
    ['push to another branch', { push: 'main' }, push({ ref: 'refs/heads/feature' }), false],
    ['push of a tag named like the branch', { push: 'main' }, push({ ref: 'refs/tags/main' }), false],
    ['branch deleted', { push: 'main' }, push({ deleted: true, sha: '0'.repeat(40) }), false],
    ['push with a short sha', { push: 'main' }, push({ sha: 'abc1234' }), false],
    ['workflow_run to a push trigger', { push: 'main' }, run(), false],
    ['completed successful run of the workflow', { workflowRun: 'build.yml' }, run(), true],
    ['failed run', { workflowRun: 'build.yml' }, run({ conclusion: 'failure' }), false],
    ['run still in progress', { workflowRun: 'build.yml' }, run({ action: 'in_progress', conclusion: null }), false],
    ['run of another workflow', { workflowRun: 'build.yml' }, run({ workflowPath: '.github/workflows/deploy.yml' }), false],
    ['run of a workflow whose name ends the same', { workflowRun: 'build.yml' }, run({ workflowPath: '.github/workflows/prebuild.yml' }), false],
    ['push to a workflowRun trigger', { workflowRun: 'build.yml' }, push(), false],
  ])('%s', (_what, trigger, e, fires) => {
    expect(triggerFires(trigger, e)).toBe(fires);
  });

  it.each<[Array<string | string[]>, string, string[]]>([
    [['dev', 'staging', 'prod'], 'dev', ['staging']],
    [['dev', 'staging', 'prod'], 'staging', ['prod']],
    [['dev', 'staging', 'prod'], 'prod', []],
    [['dev', 'prod'], 'qa', []],
    // a parallel stage: both members open together; each member is followed by the stage after it
    [['dev', ['perf', 'security'], 'staging', 'prod'], 'dev', ['perf', 'security']],
    [['dev', ['perf', 'security'], 'staging', 'prod'], 'perf', ['staging']],
    [['dev', ['perf', 'security'], 'staging', 'prod'], 'security', ['staging']],
  ])('next stage of %j after %s is %j', (pipeline, env, next) => {
    expect(nextStageOf(pipeline, env)).toEqual(next);
  });

  it('derives one id per source and key, usable wherever a promotion id is', () => {
    const a = derivedPromotionId('promotion', '2026-12-01T10:00:00.000Z', 'next:p-20261201-abcdef:prod');
    expect(a).toBe(derivedPromotionId('promotion', '2026-12-01T23:59:00.000Z', 'next:p-20261201-abcdef:prod'));
    expect(a).not.toBe(derivedPromotionId('promotion', '2026-12-01T10:00:00.000Z', 'next:p-20261201-abcdeg:prod'));
    expect(a).toMatch(/^p-20261201-[a-z2-9]{10}$/);
    expect(derivedPromotionId('rollback', '2026-12-01T10:00:00.000Z', 'verify:x')).toMatch(/^r-20261201-/);
    expect(parsePromoteCommand(`cancel ${a}`)).toMatchObject({ kind: 'cancel', id: a });
  });
});

function promotion(state: PromotionState, steps: Record<string, Partial<StepRecord>> = {}, o: Partial<Promotion> = {}): Promotion {
  const at = '2026-12-01T10:00:00.000Z';
  const full = Object.fromEntries(Object.entries(steps).map(([name, s]) => [name, { name, status: 'done', startedAt: at, ...s } as StepRecord]));
  return {
    id: 'p-20261201-abcdef',
    kind: 'promotion',
    service: 'svc',
    repo: 'acme/svc',
    from: 'main',
    env: 'staging',
    requester: { id: 'U1' },
    channel: 'C1',
    state,
    createdAt: at,
    updatedAt: at,
    requiredApprovals: 0,
    approvals: [],
    gates: [],
    steps: full,
    evidence: { ...emptyEvidence(), startedAt: at, runs: [{ id: 7, name: 'deploy', url: 'u', status: 'completed', conclusion: 'success', headSha: SHA }] },
    exec: {},
    version: 1,
    ...o,
  };
}

const deployed = { start_note: {}, dispatch: { output: { runId: 7, workflow: 'deploy.yml', ref: 'main', inputs: {} } }, follow_run: {}, collect: {} };
const ctx = (o: Partial<ExecContext> = {}): ExecContext => ({ strategy: 'workflow', deployWorkflow: false, lastEnvironment: false, verify: true, ...o });

describe('the execution plan with verify and the next stage', () => {
  it.each<[string, Promotion, ExecContext, string | undefined]>([
    ['deployed, verify configured: dispatch the verify workflow', promotion('running', deployed), ctx(), 'verify_dispatch'],
    ['no verify: finish', promotion('running', deployed), ctx({ verify: false }), 'finish'],
    ['verify dispatched without a run id: find its run', promotion('running', { ...deployed, verify_dispatch: { output: { workflow: 'smoke.yml', ref: 'main', inputs: {} } } }), ctx(), 'verify_run'],
    ['verify run known: follow it', promotion('running', { ...deployed, verify_dispatch: { output: { runId: 9, workflow: 'smoke.yml', ref: 'main', inputs: {} } } }), ctx(), 'verify_follow'],
    ['verify followed: finish', promotion('running', { ...deployed, verify_dispatch: { output: { runId: 9 } }, verify_follow: { output: { status: 'completed', conclusion: 'failure' } } }), ctx(), 'finish'],
    ['verify could not be dispatched (recorded as followed): finish', promotion('running', { ...deployed, verify_dispatch: { status: 'failed' }, verify_follow: { output: { status: 'not_run', conclusion: null } } }), ctx(), 'finish'],
    ['the deploy run failed: no verification', promotion('running', deployed, { evidence: { ...emptyEvidence(), runs: [{ id: 7, name: 'deploy', url: 'u', status: 'completed', conclusion: 'failure', headSha: SHA }] } }), ctx(), 'finish'],
    ['a rollback is not verified', promotion('running', deployed, { kind: 'rollback' }), ctx(), 'finish'],
    ['failed_verification: the notes first', promotion('failed_verification', {}), ctx(), 'finish_note'],
    ['failed_verification after the summary: the failure step', promotion('failed_verification', { finish_note: {}, summary: {} }), ctx({ nextStage: 'prod' }), 'verify_failure'],
    ['failed_verification done: no next stage', promotion('failed_verification', { finish_note: {}, summary: {}, verify_failure: {} }), ctx({ nextStage: 'prod' }), 'finalize'],
    ['succeeded with an auto/request next stage: open it', promotion('succeeded', { finish_note: {}, summary: {} }), ctx({ nextStage: 'prod' }), 'next_stage'],
    ['succeeded, next stage opened: finalize', promotion('succeeded', { finish_note: {}, summary: {}, next_stage: {} }), ctx({ nextStage: 'prod' }), 'finalize'],
    ['succeeded, manual next stage: finalize', promotion('succeeded', { finish_note: {}, summary: {} }), ctx(), 'finalize'],
    ['failed: never the next stage', promotion('failed', { finish_note: {}, summary: {} }), ctx({ nextStage: 'prod' }), 'finalize'],
  ])('%s', (_what, p, c, step) => {
    expect(nextStep(p, c)).toBe(step);
  });
});

describe('approval of promotions shipgate opens itself', () => {
  const env = (o: Partial<EnvironmentConfig> = {}): EnvironmentConfig => ({ name: 'staging', deployers: ['*'], allowSelfApproval: false, changeRecord: 'none', blockOnIncidents: [], promote: 'auto', ...o });
  const config = { incidents: { channels: [], rollbackApprovers: [] } };
  it.each<[string, EnvironmentConfig, Partial<Promotion>, string, string]>([
    ['auto, no approval required: shipgate confirms', env(), { origin: { via: 'trigger', mode: 'auto' } }, 'pass', 'confirmed'],
    ['auto with approvers: people approve', env({ approvers: ['S0RM'], requiredApprovals: 1 }), { origin: { via: 'stage', mode: 'auto' } }, 'pending', 'approvals_missing'],
    ['request, no approval required: a deployer confirms', env(), { origin: { via: 'stage', mode: 'request' } }, 'pending', 'confirmation_needed'],
    ['typed /promote: a deployer confirms', env(), {}, 'pending', 'confirmation_needed'],
    ['onFailure: rollback: shipgate starts it', env(), { kind: 'rollback', origin: { via: 'verify', mode: 'auto' } }, 'pass', 'confirmed'],
    ['Roll back button: as /rollback', env(), { kind: 'rollback', origin: { via: 'verify', mode: 'request' } }, 'pending', 'approvals_missing'],
  ])('%s', (_what, e, o, status, code) => {
    const p = { kind: 'promotion' as const, approvals: [], ...o };
    expect(approvalGateFor(config, e, p)).toMatchObject({ gate: 'approval', status, code });
  });
});

describe('path of a triggered promotion', () => {
  const service = { name: 'svc', pipeline: ['staging', 'prod'] };
  it('passes into the first stage only', () => {
    expect(triggeredPathGate(service, { env: 'staging', from: 'main', origin: { via: 'trigger', mode: 'auto', event: { name: 'push', delivery: 'd' } } })).toMatchObject({ status: 'pass', code: 'triggered' });
    expect(triggeredPathGate(service, { env: 'prod', from: 'main', origin: { via: 'trigger', mode: 'auto' } })).toMatchObject({ status: 'block', code: 'not_forward' });
  });
});
