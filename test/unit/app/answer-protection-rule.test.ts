import { AnswerProtectionRule, type ProtectionDecision, type ProtectionRuleEvent } from '../../../src/app/answer-protection-rule';
import { silentLogger } from '../../../src/app/logger';
import type { AuditEntry } from '../../../src/app/ports/audit-log';
import type { Promotion } from '../../../src/domain/promotion';
import { SHA, promotion, snConfig } from '../servicenow/servicenow-fixtures';

const EVENT: ProtectionRuleEvent = { repo: 'acme/markets', environment: 'prod', sha: SHA, callbackUrl: 'https://api.github.test/repos/acme/markets/actions/runs/7/deployment_protection_rule' };

/** GitHub's callback: answers 204 the first time, 422 after (a second answer is refused); `loseNextAnswer` makes the next taken answer throw 502. */
function github() {
  const taken: Array<{ state: string; comment: string }> = [];
  const sent: string[] = [];
  let lose = false;
  return {
    taken,
    sent,
    loseNextAnswer: () => {
      lose = true;
    },
    callback: {
      answer: async (_url: string, _env: string, state: 'approved' | 'rejected', comment: string) => {
        sent.push(state);
        if (taken.length) throw Object.assign(new Error('No pending custom deployment protection rule'), { status: 422 });
        taken.push({ state, comment });
        if (lose) {
          lose = false;
          throw Object.assign(new Error('Bad Gateway'), { status: 502 });
        }
      },
    },
  };
}

function setup(p: Promotion) {
  const store = new Map([[p.id, p]]);
  const audit: AuditEntry[] = [];
  const gh = github();
  const nudged: string[] = [];
  const rule = new AnswerProtectionRule({
    config: snConfig(),
    repo: {
      recent: async () => [...store.values()],
      get: async (id) => store.get(id),
      update: async (id, fn, o) => {
        const next = fn(store.get(id)!);
        if (next) {
          store.set(id, next);
          audit.push(...((Array.isArray(o?.audit) ? o?.audit : []) as AuditEntry[]));
        }
        return { promotion: store.get(id)!, changed: Boolean(next) };
      },
    },
    queue: { nudgeChat: async (id) => void nudged.push(id) },
    callback: gh.callback,
    clock: { now: () => new Date('2026-03-02T10:00:00Z') },
    logger: silentLogger,
  });
  return { store, audit, gh, rule, nudged };
}

describe('AnswerProtectionRule: one decision per request, kept across attempts', () => {
  it('remembers the decision before answering, and a retry after a lost answer gives the same one even when the promotion has ended', async () => {
    const s = setup(promotion({ state: 'running' }));
    const remembered: ProtectionDecision[] = [];
    s.gh.loseNextAnswer();
    await expect(s.rule.handle(EVENT, { remember: async (d) => void remembered.push(d) })).rejects.toMatchObject({ status: 502 });
    expect(remembered).toEqual([{ state: 'approved', promotionId: 'p-20260302-abc123' }]);
    expect(s.audit).toEqual([]);

    // the deploy ran on the approval GitHub took, and the promotion ended before the retry
    s.store.set('p-20260302-abc123', { ...s.store.get('p-20260302-abc123')!, state: 'succeeded' });
    const r = await s.rule.handle(EVENT, { retried: true, decided: remembered[0]! });
    expect(r.state).toBe('approved');
    expect(s.gh.taken.map((t) => t.state)).toEqual(['approved']);
    expect(s.audit.map((a) => a.type)).toEqual(['protection_rule_approved']);
    expect(s.store.get('p-20260302-abc123')!.outbox?.filter((i) => i.key === `protection:prod:${SHA}`)).toHaveLength(1);
    expect(s.nudged).toEqual(['p-20260302-abc123']);

    // a further attempt (a job resumed after a crash) records nothing twice
    await s.rule.handle(EVENT, { decided: remembered[0]! });
    expect(s.audit).toHaveLength(1);
  });

  it('a remembered approval whose answer never reached GitHub is not given for a promotion that ended: rejected instead', async () => {
    const s = setup(promotion({ state: 'cancelled' }));
    const r = await s.rule.handle(EVENT, { retried: true, decided: { state: 'approved', promotionId: 'p-20260302-abc123' } });
    expect(r.state).toBe('rejected');
    expect(s.gh.taken.map((t) => t.state)).toEqual(['rejected']);
    expect(s.audit).toEqual([]);
  });

  it('a remembered rejection stays a rejection even when a matching promotion is executing by the retry', async () => {
    const s = setup(promotion({ state: 'running' }));
    const r = await s.rule.handle(EVENT, { retried: true, decided: { state: 'rejected' } });
    expect(r.state).toBe('rejected');
    expect(s.gh.sent).toEqual(['rejected']);
    expect(s.audit).toEqual([]);
  });

  it('a first attempt refused with 422 is an error (nothing says an earlier answer was ours)', async () => {
    const s = setup(promotion({ state: 'running' }));
    s.gh.taken.push({ state: 'rejected', comment: 'someone else' });
    await expect(s.rule.handle(EVENT)).rejects.toMatchObject({ status: 422 });
    expect(s.audit).toEqual([]);
  });
});
