import { buildOverride, overridable } from '../../../src/domain/emergency-override';
import { approvalGate } from '../../../src/domain/gates/approval-gate';
import { gate } from '../../../src/domain/gates/gate-result';

const frozen = gate('freeze', 'block', 'frozen', 'Frozen by *x*', {
  env: 'prod',
  at: '2026-12-15T10:00:00.000Z',
  windows: [{ rule: 'x', start: '2026-12-15T00:00:00.000Z', end: '2026-12-16T00:00:00.000Z' }],
  nextOpen: '2026-12-16T00:00:00.000Z',
});
const pathOk = gate('path', 'pass', 'path_ok', 'ok');
const config = { emergency: { approvers: ['S0VPS'], requireRollbackPlan: true, requireOnCall: true } };
const at = new Date('2026-12-15T10:00:00Z');

describe('emergency override', () => {
  it.each([
    [[frozen, pathOk], true],
    [[frozen, gate('path', 'block', 'skips_environment', 'skip')], false],
    [[gate('freeze', 'block', 'freeze_source_unavailable', 'unreadable')], false],
    [[pathOk], false],
  ])('overridable(%#) = %s', (gates, ok) => {
    expect(overridable(gates)).toBe(ok);
  });

  it('builds the record with the windows overridden', () => {
    const o = buildOverride(config, [frozen, pathOk], { userId: 'U1', at, justification: 'payments are down', rollbackPlan: 'redeploy', onCall: 'U2' });
    expect(o).toEqual({
      requestedBy: 'U1',
      at: at.toISOString(),
      justification: 'payments are down',
      rollbackPlan: 'redeploy',
      onCall: 'U2',
      windows: [{ rule: 'x', start: '2026-12-15T00:00:00.000Z', end: '2026-12-16T00:00:00.000Z' }],
    });
  });

  it.each([
    [{ justification: 'short' }, 'a justification (at least 10 characters), a rollback plan, the on-call engineer'],
    [{ justification: 'long enough reason', onCall: 'U2' }, 'needs a rollback plan'],
    [{ justification: 'long enough reason', rollbackPlan: 'x' }, 'needs the on-call engineer'],
  ])('refuses %j', (form, message) => {
    expect(() => buildOverride(config, [frozen], { userId: 'U1', at, ...form })).toThrow(message);
  });

  it('is refused when not configured or not blocked by a freeze alone', () => {
    expect(() => buildOverride({}, [frozen], { userId: 'U1', at, justification: 'long enough reason' })).toThrow('not configured');
    expect(() => buildOverride(config, [pathOk], { userId: 'U1', at, justification: 'x'.repeat(20), rollbackPlan: 'r', onCall: 'U2' })).toThrow('blocked by a change freeze alone');
  });

  it('needs the emergency approval besides the normal ones', () => {
    const env = { name: 'prod', approvers: ['S0RM'], requiredApprovals: 1, deployers: ['*'] };
    const override = { requestedBy: 'U1', at: at.toISOString(), justification: 'j', windows: [] };
    expect(approvalGate(env, [{ userId: 'U2' }], { approvers: ['S0VPS'], override }).code).toBe('emergency_approval_missing');
    expect(approvalGate(env, [], { approvers: ['S0VPS'], override: { ...override, approvedBy: { userId: 'UVP', at: at.toISOString() } } }).code).toBe('approvals_missing');
    expect(approvalGate(env, [{ userId: 'U2' }], { approvers: ['S0VPS'], override: { ...override, approvedBy: { userId: 'UVP', at: at.toISOString() } } }).status).toBe('pass');
  });
});
