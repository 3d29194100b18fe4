import { approvalRulesOf, ruleProgress, rulesForClick, type ApprovalRules, type CountedApproval } from '../../../src/domain/approval-rules';
import { approvalGate } from '../../../src/domain/gates/approval-gate';
import { checklistProblems, attestationOf } from '../../../src/domain/checklist';
import { requiredApprovals } from '../../../src/domain/policy';

const THREE: ApprovalRules = {
  mode: 'all',
  distinct: true,
  rules: [
    { name: 'release manager', from: ['S0RM'], count: 1 },
    { name: 'data engineering', from: ['S0DE'], count: 1 },
    { name: 'business owner', from: ['S0BO', 'U0BOSS'], count: 1 },
  ],
};
const GROUPS = { S0RM: ['U0RITA', 'U0RAVI', 'U0BOTH'], S0DE: ['U0DANA', 'U0BOTH'], S0BO: ['U0BIANCA'] };
const a = (userId: string, ...rules: string[]): CountedApproval => ({ userId, rules });

describe('rulesForClick: which rules a click counts for', () => {
  const click = (r: ApprovalRules, userId: string, approvals: CountedApproval[], o: { requesterId?: string; allowSelfApproval?: boolean; groups?: Record<string, string[]> } = {}) =>
    rulesForClick(r, { envName: 'prod', userId, requesterId: o.requesterId ?? 'U0ERIN', allowSelfApproval: o.allowSelfApproval ?? false, approvals, groups: o.groups ?? GROUPS });

  it.each<[string, ApprovalRules, string, CountedApproval[], { requesterId?: string; allowSelfApproval?: boolean; groups?: Record<string, string[]> }, ReturnType<typeof click>['ok'], string[] | string]>([
    ['a release manager counts for release manager', THREE, 'U0RITA', [], {}, true, ['release manager']],
    ['a direct user ID in from counts', THREE, 'U0BOSS', [], {}, true, ['business owner']],
    ['a person in two groups with distinct counts for the first unmet rule only', THREE, 'U0BOTH', [], {}, true, ['release manager']],
    ['…and for the next one when the first is met', THREE, 'U0BOTH', [a('U0RITA', 'release manager')], {}, true, ['data engineering']],
    ['without distinct a person in two groups counts for both', { ...THREE, distinct: false }, 'U0BOTH', [], {}, true, ['release manager', 'data engineering']],
    ['without distinct only unmet rules are recorded', { ...THREE, distinct: false }, 'U0BOTH', [a('U0RITA', 'release manager')], {}, true, ['data engineering']],
    ['an outsider is not authorized', THREE, 'U0OUT', [], {}, false, 'not_authorized'],
    ['the requester never counts (separation of duties, per rule)', THREE, 'U0DANA', [], { requesterId: 'U0DANA' }, false, 'separation_of_duties'],
    ['the requester counts with allowSelfApproval', THREE, 'U0DANA', [], { requesterId: 'U0DANA', allowSelfApproval: true }, true, ['data engineering']],
    ['a second click by the same person is refused', THREE, 'U0RITA', [a('U0RITA', 'release manager')], {}, false, 'already_approved'],
    ['a click for a rule already met is refused', THREE, 'U0RAVI', [a('U0RITA', 'release manager')], {}, false, 'rules_already_met'],
    ['membership is what the groups say now (removed member)', THREE, 'U0RAVI', [], { groups: { ...GROUPS, S0RM: ['U0RITA'] } }, false, 'not_authorized'],
    ['membership is what the groups say now (added member)', THREE, 'U0NEW', [], { groups: { ...GROUPS, S0DE: ['U0NEW'] } }, true, ['data engineering']],
    ['"*" in from admits everyone', { mode: 'all', distinct: true, rules: [{ name: 'anyone', from: ['*'], count: 1 }] }, 'U0OUT', [], {}, true, ['anyone']],
  ])('%s', (_name, rules, userId, approvals, o, ok, expected) => {
    const d = click(rules, userId, approvals, o);
    expect(d.ok).toBe(ok);
    if (d.ok) expect(d.rules).toEqual(expected);
    else expect(d.code).toBe(expected);
  });
});

describe('ruleProgress: when the rules are met', () => {
  it.each<[string, ApprovalRules, CountedApproval[], boolean, number[]]>([
    ['none yet', THREE, [], false, [0, 0, 0]],
    ['the release manager alone is not enough', THREE, [a('U0RITA', 'release manager')], false, [1, 0, 0]],
    ['two of three', THREE, [a('U0RITA', 'release manager'), a('U0DANA', 'data engineering')], false, [1, 1, 0]],
    ['all three', THREE, [a('U0RITA', 'release manager'), a('U0DANA', 'data engineering'), a('U0BIANCA', 'business owner')], true, [1, 1, 1]],
    ['mode any: one met rule suffices', { ...THREE, mode: 'any' }, [a('U0DANA', 'data engineering')], true, [0, 1, 0]],
    ['mode any: nothing yet', { ...THREE, mode: 'any' }, [], false, [0, 0, 0]],
    ['count 2 needs two people', { mode: 'all', distinct: true, rules: [{ name: 'rm', from: ['S0RM'], count: 2 }] }, [a('U0RITA', 'rm')], false, [1]],
    ['count 2 met', { mode: 'all', distinct: true, rules: [{ name: 'rm', from: ['S0RM'], count: 2 }] }, [a('U0RITA', 'rm'), a('U0RAVI', 'rm')], true, [2]],
    ['a non-distinct click counts for two rules', { ...THREE, distinct: false }, [a('U0BOTH', 'release manager', 'data engineering')], false, [1, 1, 0]],
    ['approvals stored before rules count for the first rule', THREE, [{ userId: 'U0RITA' }], false, [1, 0, 0]],
    ['no rules are never met', { mode: 'all', distinct: true, rules: [] }, [], false, []],
  ])('%s', (_name, rules, approvals, met, have) => {
    const p = ruleProgress(rules, approvals);
    expect(p.met).toBe(met);
    expect(p.rules.map((r) => r.have)).toEqual(have);
  });

  it('names who satisfied each rule', () => {
    const p = ruleProgress(THREE, [a('U0RITA', 'release manager'), a('U0BIANCA', 'business owner')]);
    expect(p.rules.map((r) => [r.name, r.by])).toEqual([
      ['release manager', ['U0RITA']],
      ['data engineering', []],
      ['business owner', ['U0BIANCA']],
    ]);
  });
});

describe('the old approvers / requiredApprovals form is one rule', () => {
  it.each<[string, { approvers?: string[]; requiredApprovals?: number }, ApprovalRules['rules']]>([
    ['approvers with the default count', { approvers: ['S0RM'] }, [{ name: 'approvers', from: ['S0RM'], count: 1 }]],
    ['approvers with requiredApprovals 2', { approvers: ['S0RM'], requiredApprovals: 2 }, [{ name: 'approvers', from: ['S0RM'], count: 2 }]],
    ['no approvers: no rule (a deployer confirms)', {}, []],
  ])('%s', (_name, env, rules) => {
    expect(approvalRulesOf(env).rules).toEqual(rules);
  });

  it.each<[string, 'all' | 'any', number[], number]>([
    ['all: the sum of the counts', 'all', [1, 2, 1], 4],
    ['any: the smallest count', 'any', [2, 1, 3], 1],
  ])('requiredApprovals with rules, %s', (_name, mode, counts, expected) => {
    expect(requiredApprovals({ approvals: { mode, distinct: true, rules: counts.map((count, i) => ({ name: `r${i}`, from: ['S0RM'], count })) } })).toBe(expected);
  });
});

describe('approvalGate with rules returns typed per-rule details', () => {
  const env = { name: 'prod', deployers: ['*'], approvals: { mode: 'all' as const, distinct: true, rules: THREE.rules.map((r) => ({ ...r, from: [...r.from] })) } };
  it.each<[string, CountedApproval[], string, string]>([
    ['pending with progress', [a('U0RITA', 'release manager')], 'pending', 'approvals_missing'],
    ['approved when every rule is met', [a('U0RITA', 'release manager'), a('U0DANA', 'data engineering'), a('U0BIANCA', 'business owner')], 'pass', 'approved'],
  ])('%s', (_name, approvals, status, code) => {
    const g = approvalGate(env, approvals);
    expect(g).toMatchObject({ gate: 'approval', status, code });
    expect(g.details).toMatchObject({ mode: 'all', rules: [{ name: 'release manager', needed: 1, have: 1, by: ['U0RITA'] }, { name: 'data engineering' }, { name: 'business owner' }] });
    expect(g.summary).toContain('release manager 1/1');
  });

  it('escapes rule names in the summary', () => {
    const g = approvalGate({ ...env, approvals: { ...env.approvals, rules: [{ name: '<!here> *ops*', from: ['S0RM'], count: 1 }] } }, []);
    expect(g.summary).not.toContain('<!here>');
    expect(g.summary).toContain('&lt;!here&gt;');
  });
});

describe('checklistProblems', () => {
  const items = [
    { id: 'dq', text: 'Data quality validated' },
    { id: 'rollback', text: 'Rollback plan documented', input: 'text' as const },
  ];
  it.each<[string, string[], Record<string, string>, Array<[string, string]>]>([
    ['nothing ticked', [], {}, [['dq', 'unticked'], ['rollback', 'unticked'], ['rollback', 'empty_text']]],
    ['ticked, text missing', ['dq', 'rollback'], {}, [['rollback', 'empty_text']]],
    ['ticked, text blank', ['dq', 'rollback'], { rollback: '   ' }, [['rollback', 'empty_text']]],
    ['text but not ticked', ['rollback'], { rollback: 'redeploy v1' }, [['dq', 'unticked']]],
    ['complete', ['dq', 'rollback'], { rollback: 'redeploy v1' }, []],
    ['a tick for an unknown id does not count', ['other', 'rollback'], { rollback: 'x' }, [['dq', 'unticked']]],
  ])('%s', (_name, ticked, texts, expected) => {
    expect(checklistProblems(items, { ticked: new Set(ticked), texts }).map((p) => [p.id, p.kind])).toEqual(expected);
  });

  it('the attestation keeps who, when, each item and the text typed', () => {
    const at = new Date('2026-12-01T10:00:00Z');
    expect(attestationOf(items, { ticked: new Set(['dq', 'rollback']), texts: { rollback: ' redeploy v1 ' } }, 'U0RITA', at)).toEqual({
      userId: 'U0RITA',
      at: '2026-12-01T10:00:00.000Z',
      items: [
        { id: 'dq', text: 'Data quality validated' },
        { id: 'rollback', text: 'Rollback plan documented', value: 'redeploy v1' },
      ],
    });
  });
});
