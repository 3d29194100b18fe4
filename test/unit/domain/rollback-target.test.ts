import { chooseRollbackTarget, type DeploymentEntry } from '../../../src/domain/rollback-target';

const d = (sha: string, id: string, extra: Partial<DeploymentEntry> = {}): DeploymentEntry => ({ sha: sha.padEnd(40, '0'), promotionId: id, kind: 'promotion', outcome: 'succeeded', at: '2026-11-01T00:00:00.000Z', ...extra });

describe('rollback target', () => {
  // newest first: A ok, B ok, C failed, D ok, rollback to B (removing D)
  const history = [d('bbbbbbb', 'r-1', { kind: 'rollback', rollbackOf: 'p-d' }), d('ddddddd', 'p-d'), d('ccccccc', 'p-c', { outcome: 'failed' }), d('bbbbbbb', 'p-b'), d('aaaaaaa', 'p-a')];

  it('skips failed deployments, the current SHA and what was rolled back', () => {
    const r = chooseRollbackTarget(history, 'prod');
    expect(r.current.promotionId).toBe('r-1');
    expect(r.target.promotionId).toBe('p-a');
  });

  it('takes the previous successful deployment in the simple case', () => {
    expect(chooseRollbackTarget([d('ddddddd', 'p-d'), d('ccccccc', 'p-c', { outcome: 'failed' }), d('bbbbbbb', 'p-b')], 'prod').target.promotionId).toBe('p-b');
  });

  it.each([
    ['ddddddd', 'p-d'],
    ['p-a', 'p-a'],
    ['aaaaaaa', 'p-a'],
  ])('to=%s → %s', (to, id) => {
    expect(chooseRollbackTarget(history, 'prod', to).target.promotionId).toBe(id);
  });

  it.each([
    ['eeeeeee', 'is not an earlier successful deployment'],
    ['ccccccc', 'is not an earlier successful deployment'], // failed: not known-good
    ['bbbbbbb', 'already runs'],
    ['abc', 'is not an earlier successful deployment'],
  ])('refuses to=%s', (to, msg) => {
    expect(() => chooseRollbackTarget(history, 'prod', to)).toThrow(msg);
  });

  it('needs a deployment on record and something earlier', () => {
    expect(() => chooseRollbackTarget([], 'prod')).toThrow('no successful deployment');
    expect(() => chooseRollbackTarget([d('aaaaaaa', 'p-a')], 'prod')).toThrow('No earlier known-good deployment');
  });
});
