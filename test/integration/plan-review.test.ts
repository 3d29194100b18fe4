import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import type { Promotion } from '../../src/domain/promotion';
import { waitUntil } from '../helpers/wait-until';

const CONFIG = `
timezone: Europe/London
environments:
  - name: int
    deployers: ["*"]
  - name: prod
    deployers: [S0RELEASEMGRS, ${USERS.engineer}]
    approvers: [S0RELEASEMGRS]
    requiredApprovals: 2
    plan:
      workflow: plan
      inputs: { env: "{{env}}", sha: "{{sha}}", promotion: "{{promotion}}" }
      artifact: plan
services:
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [int, prod]
    strategy:
      type: workflow
      workflow: deploy.yml
      ref: main
      inputs: { environment: "{{env}}", sha: "{{sha}}", promotion: "{{promotion}}", plan_artifact: "{{planArtifactId}}", plan_run: "{{planRunId}}" }
`;

/** What the plan workflow's next runs upload as plan.md (undefined: an artifact without plan.md). */
let planText: ((runId: number) => string) | undefined;
let uploads = true;

const TERRAFORM = (runId: number) => `Terraform will perform the following actions (run ${runId}):

  # google_bigquery_dataset.surveillance will be created
  + resource "google_bigquery_dataset" "surveillance" {}

Plan: 3 to add, 1 to change, 0 to destroy.
`;

function cardText(h: Harness, p: Promotion): string {
  return JSON.stringify(h.slack.message(CHANNEL, p.messageTs!)?.blocks ?? []);
}

function threadText(h: Harness, p: Promotion): string {
  return h.slack
    .thread(CHANNEL, p.messageTs!)
    .slice(1)
    .map((m) => m.text)
    .join('\n');
}

function deployDispatches(h: Harness) {
  return h.github.dispatches.filter((d) => d.workflow === 'deploy.yml');
}

async function planned(h: Harness, id: string, status: 'ready' | 'failed', attempt = 1): Promise<Promotion> {
  return waitUntil(`plan #${attempt} of ${id} to be ${status}`, async () => {
    const p = await h.app.repo.get(id);
    return p?.planReview?.attempt === attempt && p.planReview.status === status ? p : undefined;
  });
}

/** Clicks Approve as the card shows it now (its button carries the digest of the plan on the card). */
async function approveAsShown(h: Harness, p: Promotion, userId: string, digest: string): Promise<void> {
  await waitUntil(`the card of ${p.id} to offer Approve for ${digest.slice(0, 19)}`, () => cardText(h, p).includes(`"value":"${p.id}@${digest}"`));
  const res = await h.slack.sendBlockAction({ userId, channelId: CHANNEL, messageTs: p.messageTs!, actionId: ACTIONS.approve });
  expect(res.status).toBe(200);
}

describe('plan review before approval (plan:)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('plan-review', { config: CONFIG, webhookSecret: 'plan-webhook-secret' });
    h.github.addWorkflow('acme/markets', {
      file: 'plan.yml',
      name: 'plan',
      runName: 'plan {{inputs.promotion}}',
      durations: { queuedMs: 40, inProgressMs: 120 },
      artifacts: {
        plan: (run): Record<string, string> | undefined => {
          if (!uploads) return undefined;
          return planText ? { 'plan.md': planText(run.id), 'tfplan.bin': `binary plan of run ${run.id}` } : { 'tfplan.bin': 'no markdown here' };
        },
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    planText = TERRAFORM;
    uploads = true;
    h.github.setWorkflowOutcome('acme/markets', 'plan.yml', 'success');
    // a new candidate each time: head of main
    h.github.addCommit('acme/markets', 'main', { message: `feat: change ${Date.now()}` });
  });

  it('shows the plan in the thread and its summary on the card, binds approvals to it, and deploys the reviewed artifact', async () => {
    const p0 = await h.request('markets-pipeline prod', USERS.engineer);
    // while the plan runs: no Approve button, the card says so with the run link, a click does not count
    await waitUntil('card to say plan running', () => cardText(h, p0).includes('plan running'));
    const running = await h.app.repo.get(p0.id);
    expect(running?.planReview?.status).not.toBe('ready');
    expect(cardText(h, p0)).not.toContain(ACTIONS.approve);
    await h.slack.sendBlockAction({ userId: USERS.rm1, channelId: CHANNEL, messageTs: p0.messageTs!, actionId: ACTIONS.approve, value: p0.id });

    const p = await planned(h, p0.id, 'ready');
    const plan = p.planReview!;
    expect(plan.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(plan.summary).toBe('Plan: 3 to add, 1 to change, 0 to destroy');
    // the plan run was dispatched once, for the candidate, with the templated inputs
    const planDispatches = h.github.dispatches.filter((d) => d.workflow === 'plan.yml' && d.inputs.promotion === p.id);
    expect(planDispatches).toHaveLength(1);
    expect(planDispatches[0]!.inputs).toEqual({ env: 'prod', sha: p.sha, promotion: p.id });
    expect(planDispatches[0]!.runId).toBe(plan.runId);
    // the click made while it ran was refused and not counted
    await waitUntil('refusal while planning', () => h.ephemeralsFor(USERS.rm1).find((t) => t.includes('approvals count only once it is shown')));
    expect(p.approvals).toEqual([]);

    // thread: plan.md in a code block with the run link; card: summary line + run link
    const thread = await waitUntil('plan in the thread', () => (threadText(h, p).includes('google_bigquery_dataset') ? threadText(h, p) : undefined));
    expect(thread).toContain('```\nTerraform will perform');
    expect(thread).toContain(plan.runUrl);
    expect(thread).toContain('*Plan: 3 to add, 1 to change, 0 to destroy*');
    await waitUntil('summary on the card', () => cardText(h, p).includes('Plan: 3 to add, 1 to change, 0 to destroy'));
    expect(cardText(h, p)).toContain(plan.runUrl!);
    expect(cardText(h, p)).toContain(ACTIONS.replan);

    await approveAsShown(h, p, USERS.rm1, plan.digest!);
    await approveAsShown(h, p, USERS.rm2, plan.digest!);
    const done = await h.waitState(p.id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    expect(done.approvals.map((a) => [a.userId, a.planDigest])).toEqual([
      [USERS.rm1, plan.digest],
      [USERS.rm2, plan.digest],
    ]);
    // what was reviewed is what is applied: the deploy gets the plan's artifact id and run id
    const deploys = deployDispatches(h).filter((d) => d.inputs.promotion === p.id);
    expect(deploys).toHaveLength(1);
    expect(deploys[0]!.inputs).toEqual({
      environment: 'prod',
      sha: p.sha,
      promotion: p.id,
      plan_artifact: String(plan.artifactId),
      plan_run: String(plan.runId),
    });
    // audit: the plan with its artifact id and digest, approvals with the digest they saw
    const audit = await h.app.audit.forPromotion(p.id);
    const ready = audit.find((e) => e.type === 'plan_ready');
    expect(ready?.data).toMatchObject({ runId: plan.runId, artifactId: plan.artifactId, digest: plan.digest, summary: plan.summary });
    expect(audit.filter((e) => e.type === 'approved').map((e) => e.data?.planDigest)).toEqual([plan.digest, plan.digest]);
    // the zip downloaded is the one GitHub lists: the digest is GitHub's own
    const listed = (await (
      await fetch(`${h.github.url}/repos/acme/markets/actions/runs/${plan.runId}/artifacts`, { headers: { authorization: 'token ghp_testtoken' } })
    ).json()) as {
      artifacts: Array<{ id: number; digest: string }>;
    };
    expect(listed.artifacts.find((a) => a.id === plan.artifactId)?.digest).toBe(plan.digest);
    // the evidence pack (prod is the pipeline's last environment) carries the reviewed plan
    const jsonFile = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${p.id}.json`);
    const json = JSON.parse(jsonFile.text) as { plan: Record<string, unknown>; approvals: Array<{ planDigest?: string }> };
    expect(json.plan).toMatchObject({ runId: plan.runId, artifactId: plan.artifactId, digest: plan.digest, summary: plan.summary });
    expect(json.approvals.map((a) => a.planDigest)).toEqual([plan.digest, plan.digest]);
    const mdFile = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${p.id}.md`);
    expect(mdFile.text).toContain(
      `| Reviewed plan | Plan: 3 to add, 1 to change, 0 to destroy; [plan.yml run ${plan.runId}](${plan.runUrl}); artifact \`plan\` (id ${plan.artifactId}) digest \`${plan.digest}\` |`,
    );
  });

  it('re-plan voids earlier approvals, and a click on a card that showed the old plan does not count', async () => {
    const p0 = await h.request('markets-pipeline prod', USERS.engineer);
    const first = (await planned(h, p0.id, 'ready')).planReview!;
    await approveAsShown(h, p0, USERS.rm1, first.digest!);
    await waitUntil('first approval', async () => ((await h.app.repo.get(p0.id))?.approvals.length === 1 ? true : undefined));

    // Re-plan from the card (the requester): a new run, approvals void, the card and thread say so
    await h.click(p0, ACTIONS.replan, USERS.engineer);
    const p = await planned(h, p0.id, 'ready', 2);
    const second = p.planReview!;
    expect(second.runId).not.toBe(first.runId);
    expect(second.digest).not.toBe(first.digest);
    expect(p.approvals).toEqual([]);
    expect(second.voided?.map((a) => a.userId)).toEqual([USERS.rm1]);
    await waitUntil('card to say re-planned', () => cardText(h, p).includes('re-planned (1 earlier approval voided)'));
    expect(threadText(h, p)).toContain(`1 earlier approval (<@${USERS.rm1}>) is void`);
    expect((await h.app.audit.forPromotion(p.id)).find((e) => e.type === 'replanned')?.data).toMatchObject({ attempt: 2, previousDigest: first.digest });

    // a click from a card still showing the first plan: refused, not counted
    await h.slack.sendBlockAction({
      userId: USERS.rm2,
      channelId: CHANNEL,
      messageTs: p.messageTs!,
      actionId: ACTIONS.approve,
      value: `${p.id}@${first.digest}`,
    });
    await waitUntil('stale card refusal', () => h.ephemeralsFor(USERS.rm2).find((t) => t.includes('re-planned after this card was shown')));
    expect((await h.app.repo.get(p.id))?.approvals).toEqual([]);

    // /promote replan needs the plan shown first; approvals for the new plan count
    await approveAsShown(h, p, USERS.rm1, second.digest!);
    await approveAsShown(h, p, USERS.rm2, second.digest!);
    const done = await h.waitState(p.id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    const deploys = deployDispatches(h).filter((d) => d.inputs.promotion === p.id);
    expect(deploys).toHaveLength(1);
    expect(deploys[0]!.inputs).toMatchObject({ plan_artifact: String(second.artifactId), plan_run: String(second.runId) });
  });

  it('a 502 after GitHub applied the plan dispatch, and a 502 on the artifact download: one plan run, the plan still shown', async () => {
    const dispatchFault = h.github.inject({ method: 'POST', path: /plan\.yml\/dispatches$/, mode: 'after', status: 502 });
    const zipFault = h.github.inject({ method: 'GET', path: /\/actions\/artifacts\/\d+\/zip$/, mode: 'before', status: 502 });
    const p0 = await h.request('markets-pipeline prod', USERS.engineer);
    const p = await planned(h, p0.id, 'ready');
    expect(dispatchFault.hits).toBe(1);
    expect(zipFault.hits).toBe(1);
    expect(h.github.dispatches.filter((d) => d.workflow === 'plan.yml' && d.inputs.promotion === p.id)).toHaveLength(1);
    expect(p.planReview?.summary).toBe('Plan: 3 to add, 1 to change, 0 to destroy');
    await h.click(p, ACTIONS.cancel, USERS.engineer);
    await h.waitState(p.id, 'cancelled');
  });

  it('/promote replan <id> re-plans too; an outsider may not', async () => {
    const p0 = await h.request('markets-pipeline prod', USERS.engineer);
    await planned(h, p0.id, 'ready');
    await h.promote(`replan ${p0.id}`, USERS.outsider);
    await waitUntil('outsider refused', () => h.ephemeralsFor(USERS.outsider).find((t) => t.includes('may re-plan')));
    await h.promote(`replan ${p0.id}`, USERS.rm2);
    const p = await planned(h, p0.id, 'ready', 2);
    expect(p.planReview?.requestedBy).toBe(USERS.rm2);
    await h.click(p, ACTIONS.cancel, USERS.engineer);
    await h.waitState(p.id, 'cancelled');
  });

  it.each([
    ['the plan run fails', () => h.github.setWorkflowOutcome('acme/markets', 'plan.yml', 'failure'), 'it concluded failure'],
    ['the run uploads no artifact', () => (uploads = false), 'it uploaded no artifact "plan"'],
    ['the artifact has no plan.md', () => (planText = undefined), 'its artifact "plan" has no plan.md'],
  ])('blocks with the run link when %s (fail closed)', async (_name, arrange, reason) => {
    arrange();
    const p0 = await h.request('markets-pipeline prod', USERS.engineer);
    const p = await planned(h, p0.id, 'failed');
    const blocked = await h.waitState(p.id, 'blocked');
    expect(blocked.planReview?.failure).toBe(reason);
    expect(blocked.stateReason).toContain(`<${p.planReview!.runUrl}|plan run #1>`);
    await waitUntil('blocked card with the run link', () => cardText(h, p).includes('Blocked') && cardText(h, p).includes(p.planReview!.runUrl!));
    const thread = await waitUntil('blocked in the thread', () => (threadText(h, p).includes('Blocked') ? threadText(h, p) : undefined));
    expect(thread).toContain(p.planReview!.runUrl);
    expect(thread).toContain(reason.replace(/"/g, '"'));
    expect(cardText(h, p)).not.toContain(ACTIONS.approve);
    expect(deployDispatches(h).filter((d) => d.inputs.promotion === p.id)).toHaveLength(0);
    expect((await h.app.audit.forPromotion(p.id)).some((e) => e.type === 'plan_failed')).toBe(true);
  });

  it('shows hostile plan.md text as text, never as markup', async () => {
    planText = () => 'Hello <!channel> & <http://x|y> <@U0RELMGR1>\n```\n*bold* <!here>\nPlan: 0 to add, 0 to change, 1 to destroy.\n';
    const p0 = await h.request('markets-pipeline prod', USERS.engineer);
    const p = await planned(h, p0.id, 'ready');
    const reply = await waitUntil('plan reply', () => h.slack.thread(CHANNEL, p.messageTs!).find((m) => m.text.includes('Hello')));
    expect(reply.text).toContain('Hello &lt;!channel&gt; &amp; &lt;http://x|y&gt; &lt;@U0RELMGR1&gt;');
    expect(reply.text).not.toMatch(/<!channel>|<!here>|<http:\/\/x\|y>|<@U0RELMGR1>/);
    // the plan's own ``` cannot close the code block early
    expect(reply.text.match(/```/g)).toHaveLength(2);
    expect(p.planReview?.summary).toBe('Plan: 0 to add, 0 to change, 1 to destroy');
    await h.click(p, ACTIONS.cancel, USERS.engineer);
    await h.waitState(p.id, 'cancelled');
  });
});

describe('plan review for a promotion queued for the next freeze window', () => {
  let h: Harness;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  beforeAll(async () => {
    const frozen = `${CONFIG}freezes:\n  - { name: release freeze, environments: [prod], dates: [{ from: "${day(-1)}", to: "${day(1)}" }] }\n`;
    h = await startHarness('plan-queued', { config: frozen });
    h.github.addWorkflow('acme/markets', {
      file: 'plan.yml',
      name: 'plan',
      runName: 'plan {{inputs.promotion}}',
      durations: { queuedMs: 40, inProgressMs: 120 },
      artifacts: { plan: (run) => ({ 'plan.md': TERRAFORM(run.id) }) },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('makes the plan once the blocked request is queued, and binds approvals to it', async () => {
    const p0 = await h.request('markets-pipeline prod', USERS.engineer, 'blocked');
    expect(p0.planReview).toBeUndefined();
    await h.click(p0, 'promotion_queue', USERS.engineer);
    const p = await planned(h, p0.id, 'ready');
    expect(p.state).toBe('awaiting_approval');
    await approveAsShown(h, p, USERS.rm1, p.planReview!.digest!);
    await approveAsShown(h, p, USERS.rm2, p.planReview!.digest!);
    const approved = await h.waitState(p.id, 'approved');
    expect(approved.approvals.every((a) => a.planDigest === p.planReview!.digest)).toBe(true);
    await h.click(approved, ACTIONS.cancel, USERS.engineer);
    await h.waitState(p.id, 'cancelled');
  });
});

describe('plan review woken by the workflow_run webhook (no polling)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('plan-webhook', { config: CONFIG, webhookSecret: 'plan-webhook-only', pollMs: 60_000 });
    h.github.addWorkflow('acme/markets', {
      file: 'plan.yml',
      name: 'plan',
      runName: 'plan {{inputs.promotion}}',
      durations: { queuedMs: 40, inProgressMs: 120 },
      artifacts: { plan: (run) => ({ 'plan.md': TERRAFORM(run.id) }) },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows the plan as soon as the run completes, without a poll', async () => {
    const p0 = await h.request('markets-pipeline prod', USERS.engineer);
    const started = Date.now();
    const p = await planned(h, p0.id, 'ready');
    expect(Date.now() - started).toBeLessThan(10_000); // a poll would come after a minute
    expect(p.planReview?.summary).toBe('Plan: 3 to add, 1 to change, 0 to destroy');
    await h.click(p, ACTIONS.cancel, USERS.engineer);
    await h.waitState(p.id, 'cancelled');
  });
});
