import { candidateSha, gate, isGate, type GateResult } from '../../../src/domain/gates/gate-result';
import { newPromotion } from '../../../src/domain/promotion';
import { outputOf } from '../../../src/domain/execution-plan';

describe('typed gate results', () => {
  it('narrowing by gate and code gives the details of that code', () => {
    const results: GateResult[] = [
      gate('path', 'pass', 'path_ok', 'ok', { pipeline: ['dev', 'prod'] }),
      gate('candidate', 'pass', 'candidate_resolved', 'c', { sha: 'a'.repeat(40), ref: 'main', source: 'ref=' }),
    ];
    const candidate = results.find(isGate('candidate'));
    expect(candidate && candidateSha(candidate)).toBe('a'.repeat(40));
    expect(results.find(isGate('path', 'path_ok'))?.details?.pipeline).toEqual(['dev', 'prod']);
    expect(results.find(isGate('path', 'not_forward'))).toBeUndefined();
    // @ts-expect-error a code of another gate
    gate('path', 'block', 'frozen', 'x');
    // @ts-expect-error details of another code
    gate('soak', 'block', 'soak_invalid', 'x', { pipeline: [] });
  });
});

describe('newPromotion', () => {
  it('starts requested and empty, with the rollback target as its SHA', () => {
    const at = new Date('2026-03-02T10:00:00Z');
    const p = newPromotion({
      id: 'p-1',
      kind: 'rollback',
      service: 'api',
      repo: 'acme/api',
      from: 'prod',
      env: 'prod',
      ref: 'b'.repeat(40),
      sha: 'b'.repeat(40),
      requester: { id: 'U1' },
      channel: 'C1',
      at,
      approvalTimeoutMs: 60_000,
      requiredApprovals: 1,
      rollback: { currentSha: 'c'.repeat(40), currentPromotionId: 'p-0', targetPromotionId: 'p-00' },
    });
    expect(p).toMatchObject({
      state: 'requested',
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      expiresAt: '2026-03-02T10:01:00.000Z',
      approvals: [],
      gates: [],
      steps: {},
      version: 0,
    });
    expect(p.evidence.sha).toBe('b'.repeat(40));
    expect(outputOf(p, 'merge')).toBeUndefined();
    const merged = { ...p, steps: { merge: { name: 'merge', status: 'done' as const, startedAt: at.toISOString(), output: { sha: 'd'.repeat(40) } } } };
    expect(outputOf(merged, 'merge')?.sha).toBe('d'.repeat(40));
  });
});
