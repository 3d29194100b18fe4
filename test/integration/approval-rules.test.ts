import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import type { Promotion } from '../../src/domain/promotion';

const DATAENG = 'S0DATAENG';
const BIZ = 'S0BIZOWNERS';
const BIZ_OWNER = 'U0BIZOWNER';

/** prod: three sign-off rules (mode all, distinct); uat: the same rules with mode any. */
const CONFIG = `
timezone: Europe/London
environments:
  - name: int
    deployers: ["*"]
  - name: prod
    deployers: ["*"]
    approvals:
      rules:
        - { name: release manager,  from: [S0RELEASEMGRS], count: 1 }
        - { name: data engineering, from: [${DATAENG}],     count: 1 }
        - { name: business owner,   from: [${BIZ}],         count: 1 }
  - name: uat
    deployers: ["*"]
    approvals:
      mode: any
      rules:
        - { name: release manager,  from: [S0RELEASEMGRS], count: 2 }
        - { name: business owner,   from: [${BIZ}],         count: 1 }
  - name: preprod
    deployers: ["*"]
    approvals:
      distinct: false
      rules:
        - { name: release manager,  from: [S0RELEASEMGRS], count: 1 }
        - { name: data engineering, from: [${DATAENG}],     count: 1 }
services:
  - name: markets-preprod
    repo: acme/markets
    pipeline: [int, preprod]
    strategy: { type: workflow, workflow: deploy.yml, ref: main, inputs: { environment: "{{env}}", sha: "{{sha}}" } }
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [int, prod]
    strategy: { type: workflow, workflow: deploy.yml, ref: main, inputs: { environment: "{{env}}", sha: "{{sha}}" } }
  - name: markets-uat
    repo: acme/markets
    pipeline: [int, uat]
    strategy: { type: workflow, workflow: deploy.yml, ref: main, inputs: { environment: "{{env}}", sha: "{{sha}}" } }
`;

describe('approval rules (approvals: mode, distinct, rules) over real HTTP, Redis and the emulators', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('approval-rules', { config: CONFIG });
    h.slack.addUser({ id: BIZ_OWNER, name: 'bianca.business' });
    // rm2 is both a release manager and a data engineer
    h.slack.setUsergroup(DATAENG, [USERS.vp, USERS.rm2]);
    h.slack.setUsergroup(BIZ, [BIZ_OWNER]);
  });
  afterEach(async () => {
    await h.close();
  });

  const replyTo = (userId: string, before: number, pattern: RegExp) =>
    waitUntil(`a reply to ${userId} matching ${pattern}`, () => h.ephemeralsFor(userId).slice(before).find((t) => pattern.test(t)));
  /** Clicks Approve and waits until the click is reflected (stored approvals grew, or a reply came). */
  const approve = async (p: Promotion, userId: string): Promise<Promotion> => {
    const before = (await h.app.repo.get(p.id))!.approvals.length;
    await h.click(p, ACTIONS.approve, userId);
    return waitUntil(`${userId}'s approval of ${p.id}`, async () => {
      const cur = (await h.app.repo.get(p.id))!;
      return cur.approvals.length > before ? cur : undefined;
    });
  };
  const cardText = (p: Promotion) => JSON.stringify(h.slack.message(CHANNEL, p.messageTs!)?.blocks ?? []);
  const auditTypes = async (id: string) => (await h.app.audit.forPromotion(id)).map((e) => e.type);

  it('three rules: the release manager alone is not enough; the card shows each rule, and all three sign-offs run it once', async () => {
    const p = await h.request('markets-pipeline prod', USERS.engineer);
    expect(p.gates.find((g) => g.gate === 'approval')).toMatchObject({ status: 'pending', code: 'approvals_missing' });
    await waitUntil('the card to show the rules', () => /release manager 0\/1/.test(cardText(p)) && /data engineering 0\/1/.test(cardText(p)) && /business owner 0\/1/.test(cardText(p)));

    let cur = await approve(p, USERS.rm1);
    expect(cur.state).toBe('awaiting_approval');
    expect(cur.approvals).toEqual([expect.objectContaining({ userId: USERS.rm1, rules: ['release manager'] })]);
    await waitUntil('the card to show release manager 1/1 by rm1', () => cardText(p).includes(`release manager 1/1: <@${USERS.rm1}>`) && cardText(p).includes('Awaiting approval* (1/3 rules met)'));

    // another release manager: that rule is met, the click counts for nothing and is refused
    const rm2Before = h.ephemeralsFor(USERS.rm2).length;
    h.slack.setUsergroup(DATAENG, [USERS.vp]); // rm2 only a release manager for this case
    await h.click(p, ACTIONS.approve, USERS.rm2);
    await replyTo(USERS.rm2, rm2Before, /release manager\* is already met; still waiting for \*data engineering\* 0\/1, \*business owner\* 0\/1/);
    expect((await h.app.repo.get(p.id))!.approvals).toHaveLength(1);

    cur = await approve(p, USERS.vp);
    expect(cur.state).toBe('awaiting_approval');
    cur = await approve(p, BIZ_OWNER);
    expect(cur.approvals.map((a) => [a.userId, a.rules])).toEqual([
      [USERS.rm1, ['release manager']],
      [USERS.vp, ['data engineering']],
      [BIZ_OWNER, ['business owner']],
    ]);
    const done = await h.waitState(p.id, 'succeeded', 15_000);
    expect(done.gates.find((g) => g.gate === 'approval')).toMatchObject({
      status: 'pass',
      code: 'approved',
      details: { mode: 'all', rules: [{ name: 'release manager', have: 1, by: [USERS.rm1] }, { name: 'data engineering', have: 1, by: [USERS.vp] }, { name: 'business owner', have: 1, by: [BIZ_OWNER] }] },
    });
    expect(h.github.runs('acme/markets').filter((r) => r.name === 'deploy')).toHaveLength(1);
    const audit = await h.app.audit.forPromotion(p.id);
    expect(audit.filter((e) => e.type === 'approved').map((e) => [e.actor, e.data?.rules])).toEqual([
      [USERS.rm1, ['release manager']],
      [USERS.vp, ['data engineering']],
      [BIZ_OWNER, ['business owner']],
    ]);
    expect(audit.filter((e) => e.type === 'approval_refused').map((e) => e.actor)).toEqual([USERS.rm2]);
    // the thread names the rule each click counted for
    await waitUntil('the thread to name the rule of each click', () =>
      h.slack
        .thread(CHANNEL, p.messageTs!)
        .map((m) => m.text)
        .join('\n')
        .includes(`<@${BIZ_OWNER}> approved for *business owner* (1/1)`),
    );
  });

  it('a person in two groups with distinct counts once: for the first unmet rule, and cannot approve again for the other', async () => {
    const p = await h.request('markets-pipeline prod', USERS.engineer);
    const cur = await approve(p, USERS.rm2);
    expect(cur.approvals).toEqual([expect.objectContaining({ userId: USERS.rm2, rules: ['release manager'] })]);
    const before = h.ephemeralsFor(USERS.rm2).length;
    await h.click(p, ACTIONS.approve, USERS.rm2);
    await replyTo(USERS.rm2, before, /already approved/);
    const after = (await h.app.repo.get(p.id))!;
    expect(after.approvals).toHaveLength(1);
    const g = after.gates.find((x) => x.gate === 'approval')!;
    expect(g.details).toMatchObject({ rules: [{ name: 'release manager', have: 1 }, { name: 'data engineering', have: 0, by: [] }, { name: 'business owner', have: 0 }] });
    // the data-engineering rule is still open for someone else
    const next = await approve(p, USERS.vp);
    expect(next.approvals[1]).toMatchObject({ userId: USERS.vp, rules: ['data engineering'] });
  });

  it('distinct: false: one click by a person in two groups counts for both rules', async () => {
    const p = await h.request('markets-preprod preprod', USERS.engineer);
    const cur = await approve(p, USERS.rm2);
    expect(cur.approvals).toEqual([expect.objectContaining({ userId: USERS.rm2, rules: ['release manager', 'data engineering'] })]);
    const done = await h.waitState(p.id, 'succeeded', 15_000);
    expect(done.gates.find((g) => g.gate === 'approval')).toMatchObject({ status: 'pass', details: { rules: [{ have: 1, by: [USERS.rm2] }, { have: 1, by: [USERS.rm2] }] } });
  });

  it('the requester is excluded from every rule they belong to (separation of duties)', async () => {
    const p = await h.request('markets-pipeline prod', USERS.rm2); // rm2: release manager and data engineer
    const before = h.ephemeralsFor(USERS.rm2).length;
    await h.click(p, ACTIONS.approve, USERS.rm2);
    await replyTo(USERS.rm2, before, /separation of duties/);
    expect((await h.app.repo.get(p.id))!.approvals).toEqual([]);
    expect(await auditTypes(p.id)).toContain('approval_refused');
    // another release manager still counts for release manager; the requester's other group remains to others
    const cur = await approve(p, USERS.rm1);
    expect(cur.approvals).toEqual([expect.objectContaining({ userId: USERS.rm1, rules: ['release manager'] })]);
  });

  it('mode any: one met rule suffices (a business owner alone), while one of two release managers does not', async () => {
    const p = await h.request('markets-uat uat', USERS.engineer);
    let cur = await approve(p, USERS.rm1);
    expect(cur.state).toBe('awaiting_approval'); // release manager 1/2
    await waitUntil('the card to say one rule suffices', () => cardText(p).includes('(0/2 rules met, one suffices)') && cardText(p).includes('release manager 1/2'));
    cur = await approve(p, BIZ_OWNER);
    await h.waitState(p.id, ['approved', 'running', 'succeeded']);
    const done = await h.waitState(p.id, 'succeeded', 15_000);
    expect(done.gates.find((g) => g.gate === 'approval')).toMatchObject({ status: 'pass', details: { mode: 'any', rules: [{ name: 'release manager', have: 1, needed: 2 }, { name: 'business owner', have: 1, needed: 1 }] } });
    expect(cur.approvals.map((a) => a.userId)).toEqual([USERS.rm1, BIZ_OWNER]);
  });

  it('rejection by a member of any rule rejects; an outsider can neither approve nor reject', async () => {
    const p = await h.request('markets-pipeline prod', USERS.engineer);
    const outBefore = h.ephemeralsFor(USERS.outsider).length;
    await h.click(p, ACTIONS.approve, USERS.outsider);
    await replyTo(USERS.outsider, outBefore, /not in any approval rule of `prod`/);

    // the reject button opens the reason modal; the business owner (a rule member) submits it
    await h.click(p, ACTIONS.reject, USERS.outsider);
    const outsiderView = await waitUntil('the reject modal for the outsider', () => h.slack.views().find((v) => v.userId === USERS.outsider && v.open));
    const refusedBefore = h.ephemeralsFor(USERS.outsider).length;
    await h.slack.sendViewSubmission({ userId: USERS.outsider, viewId: outsiderView.view.id, values: { reason: { value: { type: 'plain_text_input', value: 'no' } } } });
    await replyTo(USERS.outsider, refusedBefore, /Only an approver of `prod` or the requester may reject/);
    expect((await h.app.repo.get(p.id))!.state).toBe('awaiting_approval');

    await h.click(p, ACTIONS.reject, BIZ_OWNER);
    const view = await waitUntil('the reject modal for the business owner', () => h.slack.views().find((v) => v.userId === BIZ_OWNER && v.open));
    await h.slack.sendViewSubmission({ userId: BIZ_OWNER, viewId: view.view.id, values: { reason: { value: { type: 'plain_text_input', value: 'quarantine counts are up' } } } });
    const rejected = await h.waitState(p.id, 'rejected');
    expect(rejected.rejection).toMatchObject({ by: BIZ_OWNER, reason: 'quarantine counts are up' });
    expect(h.github.runs('acme/markets').filter((r) => r.name === 'deploy')).toHaveLength(0);
  });

  it('help, plan and status show the rules and their progress', async () => {
    const reply = async (text: string, pattern: RegExp) => {
      const before = h.ephemeralsFor(USERS.engineer).length;
      await h.promote(text, USERS.engineer);
      return waitUntil(`a reply to /promote ${text}`, () => {
        const m = h.slack.ephemerals(USERS.engineer).slice(before).map((e) => `${e.text}\n${JSON.stringify(e.blocks ?? [])}`).find((t) => pattern.test(t));
        return m;
      });
    };
    expect(await reply('help', /sign-off/)).toMatch(/\*prod\*: deployers everyone; sign-off \(every rule\): \*release manager\* \(1 from <!subteam\^S0RELEASEMGRS>\); \*data engineering\* \(1 from <!subteam\^S0DATAENG>\)/);
    expect(await reply('help', /any one rule/)).toMatch(/\*uat\*: deployers everyone; sign-off \(any one rule\): \*release manager\* \(2 from <!subteam\^S0RELEASEMGRS>\) or \*business owner\*/);
    expect(await reply('plan markets-pipeline prod', /Needs every rule met/)).toMatch(/release manager 0\/1; .* data engineering 0\/1; .* business owner 0\/1/);
    const p = await h.request('markets-pipeline prod', USERS.engineer);
    await approve(p, USERS.rm1);
    await waitUntil('the gate to show release manager 1/1', async () => JSON.stringify((await h.app.repo.get(p.id))!.gates).includes('release manager 1/1'));
    expect(await reply('status markets-pipeline', /sign-off/)).toMatch(new RegExp(`${p.id}.*awaiting approval.* · sign-off release manager 1/1, data engineering 0/1, business owner 0/1`));
  });

  it('membership is read again on every click: a change between request and click is honoured both ways', async () => {
    const p = await h.request('markets-pipeline prod', USERS.engineer);
    await approve(p, USERS.rm1); // reads every rule's group (business owners: Bianca) and caches it
    // the business owner leaves the group, the on-call engineer joins it
    h.slack.setUsergroup(BIZ, [USERS.oncall]);
    const before = h.ephemeralsFor(BIZ_OWNER).length;
    await h.click(p, ACTIONS.approve, BIZ_OWNER);
    await replyTo(BIZ_OWNER, before, /not in any approval rule of `prod`/);
    expect((await h.app.repo.get(p.id))!.approvals.map((a) => a.userId)).toEqual([USERS.rm1]);
    const cur = await approve(p, USERS.oncall);
    expect(cur.approvals[1]).toMatchObject({ userId: USERS.oncall, rules: ['business owner'] });
  });
});
