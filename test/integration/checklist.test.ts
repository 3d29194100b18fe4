import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { CHECKLIST_CALLBACK } from '../../src/adapters/slack/blocks/checklist-modal';
import type { SlackViewRecord } from '../../src/emulators/slack/shapes';

const CONFIG = `
timezone: Europe/London
environments:
  - name: int
    deployers: ["*"]
  - name: prod
    deployers: [S0RELEASEMGRS, ${USERS.engineer}]
    approvers: [S0RELEASEMGRS]
    checklist:
      - { id: dq,         text: "Data quality validated by the business stakeholder" }
      - { id: quarantine, text: "No increase in quarantined rows" }
      - { id: rollback,   text: "Rollback plan documented", input: text }
services:
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [int, prod]
    strategy: { type: workflow, workflow: deploy.yml, ref: main, inputs: { environment: "{{env}}", sha: "{{sha}}" } }
`;

const ALL_TICKED = { check_dq: ['dq'], check_quarantine: ['quarantine'], check_rollback: ['rollback'] };

describe('the checklist form (/promote opens it before the request exists)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('checklist', { config: CONFIG });
  });
  afterEach(async () => {
    await h.close();
  });

  const openForm = async (userId: string, text = 'markets-pipeline prod'): Promise<SlackViewRecord> => {
    const known = new Set(h.slack.views().map((v) => v.view.id));
    const res = await h.promote(text, userId);
    expect(res.status).toBe(200);
    return waitUntil('the checklist form', () => h.slack.views().find((v) => !known.has(v.view.id) && v.userId === userId && v.view.callback_id === CHECKLIST_CALLBACK && v.open));
  };
  const errorsOf = (body: unknown) => (body as { response_action?: string; errors?: Record<string, string> }).errors;

  it('refuses unticked items and an empty text (naming them), then creates the request with the attestation on the card, in the audit record and in the evidence pack', async () => {
    const form = await openForm(USERS.engineer);
    // every item unticked, a text input for the input: text item, nothing requested yet
    const blocks = form.view.blocks as Array<{ type: string; block_id?: string; element?: { type: string; initial_options?: unknown } }>;
    expect(blocks.filter((b) => b.type === 'input').map((b) => [b.block_id, b.element?.type])).toEqual([
      ['check_dq', 'checkboxes'],
      ['check_quarantine', 'checkboxes'],
      ['check_rollback', 'checkboxes'],
      ['text_rollback', 'plain_text_input'],
    ]);
    expect(blocks.some((b) => b.element?.initial_options)).toBe(false);
    expect(await h.app.repo.recent(10)).toEqual([]);

    const none = await h.slack.sendViewSubmission({ userId: USERS.engineer, viewId: form.view.id, inputs: {} });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ response_action: 'errors' });
    expect(errorsOf(none.body)).toEqual({
      check_dq: 'Tick “Data quality validated by the business stakeholder” to confirm it.',
      check_quarantine: 'Tick “No increase in quarantined rows” to confirm it.',
      check_rollback: 'Tick “Rollback plan documented” to confirm it.',
      text_rollback: '“Rollback plan documented” needs a text.',
    });

    const partly = await h.slack.sendViewSubmission({ userId: USERS.engineer, viewId: form.view.id, inputs: { check_dq: ['dq'], check_rollback: ['rollback'], text_rollback: '   ' } });
    expect(errorsOf(partly.body)).toEqual({ check_quarantine: 'Tick “No increase in quarantined rows” to confirm it.', text_rollback: '“Rollback plan documented” needs a text.' });
    expect(h.slack.views().find((v) => v.view.id === form.view.id)?.open).toBe(true);
    expect(await h.app.repo.recent(10)).toEqual([]);

    const plan = 'redeploy v1.4 with <!channel> *now*';
    const ok = await h.slack.sendViewSubmission({ userId: USERS.engineer, viewId: form.view.id, inputs: { ...ALL_TICKED, text_rollback: plan } });
    expect(ok.status).toBe(200);
    expect(errorsOf(ok.body)).toBeUndefined();
    expect(h.slack.views().find((v) => v.view.id === form.view.id)?.open).toBe(false);
    const created = await waitUntil('the promotion', async () => (await h.app.repo.recent(10))[0]);
    const p = await h.waitState(created.id, 'awaiting_approval');
    expect(p.attestation).toEqual({
      userId: USERS.engineer,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      items: [
        { id: 'dq', text: 'Data quality validated by the business stakeholder' },
        { id: 'quarantine', text: 'No increase in quarantined rows' },
        { id: 'rollback', text: 'Rollback plan documented', value: plan },
      ],
    });
    await waitUntil('the requester to be told', () => h.ephemeralsFor(USERS.engineer).find((t) => t.includes(`Requested \`${p.id}\``) && t.includes('checklist attested')));
    const requested = (await h.app.audit.forPromotion(p.id)).find((e) => e.type === 'requested');
    expect(requested?.data?.attestation).toEqual(p.attestation);
    const attested = (await h.app.audit.forPromotion(p.id)).find((e) => e.type === 'checklist_attested');
    expect(attested).toMatchObject({ actor: USERS.engineer, data: { items: p.attestation!.items } });

    // on the card: who attested, each item, the text escaped (no @channel)
    const card = await waitUntil('the card to show the checklist', () => {
      const m = h.slack.message(CHANNEL, p.messageTs!);
      const text = JSON.stringify(m?.blocks ?? []);
      return text.includes('Checklist* attested by') ? text : undefined;
    });
    expect(card).toContain(`attested by <@${USERS.engineer}>`);
    expect(card).toContain('No increase in quarantined rows');
    expect(card).toContain('&lt;!channel&gt;');
    expect(card).not.toContain('<!channel>');

    await h.click(p, ACTIONS.approve, USERS.rm1);
    const done = await h.waitState(p.id, 'succeeded', 15_000);
    expect(done.attestation).toEqual(p.attestation);
    const json = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${p.id}.json`);
    const pack = JSON.parse(json.text) as { checklist: unknown; audit: Array<{ type: string; actor?: string }> };
    expect(pack.checklist).toMatchObject({ user: USERS.engineer, items: p.attestation!.items });
    expect(pack.audit).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'checklist_attested', actor: USERS.engineer })]));
    const md = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${p.id}.md`);
    expect(md.text).toMatch(/\| Checklist \| attested by erin\.engineer at .*Data quality validated by the business stakeholder; No increase in quarantined rows; Rollback plan documented \(“redeploy v1\.4 with \\<!channel\\> \\\*now\\\*”\) \|/);
  });

  it('a person who may not request gets the refusal and no form; a held lock refuses before the form opens', async () => {
    const res = await h.promote('markets-pipeline prod', USERS.outsider);
    expect(res.status).toBe(200);
    await waitUntil('the refusal', () => h.ephemeralsFor(USERS.outsider).find((t) => /may not deploy to `prod`/.test(t)));
    expect(h.slack.views().filter((v) => v.userId === USERS.outsider)).toEqual([]);

    const form = await openForm(USERS.rm1);
    await h.slack.sendViewSubmission({ userId: USERS.rm1, viewId: form.view.id, inputs: { ...ALL_TICKED, text_rollback: 'previous build' } });
    const first = await waitUntil('the first promotion', async () => (await h.app.repo.recent(10))[0]);
    await h.waitState(first.id, 'awaiting_approval');
    const before = h.slack.views().length;
    await h.promote('markets-pipeline prod', USERS.rm2);
    await waitUntil('the lock refusal', () => h.ephemeralsFor(USERS.rm2).find((t) => t.includes(first.id)));
    expect(h.slack.views()).toHaveLength(before);
  });

  it('a tampered or unreadable private_metadata is refused on submit and creates nothing; the form carries the parsed command', async () => {
    const form = await openForm(USERS.engineer, 'markets-pipeline prod reason="weekly release"');
    expect(JSON.parse(form.view.private_metadata)).toEqual({ v: 1, service: 'markets-pipeline', env: 'prod', channelId: CHANNEL, options: { reason: 'weekly release' } });
    for (const forged of ['not json', JSON.stringify({ v: 1, service: 'markets-pipeline', env: 'prod', channelId: CHANNEL, options: { reason: 'x' }, admin: true }), JSON.stringify({ v: 2 })]) {
      form.view.private_metadata = forged;
      const res = await h.slack.sendViewSubmission({ userId: USERS.engineer, viewId: form.view.id, inputs: { ...ALL_TICKED, text_rollback: 'previous build' } });
      expect(res.body).toMatchObject({ response_action: 'errors', errors: { check_dq: expect.stringMatching(/not valid/) } });
    }
    expect(await h.app.repo.recent(10)).toEqual([]);
  });

  it('the submitter is the one who attests and is authorized again: a form submitted by someone who may not request creates nothing', async () => {
    const form = await openForm(USERS.engineer);
    const res = await h.slack.sendViewSubmission({ userId: USERS.outsider, viewId: form.view.id, inputs: { ...ALL_TICKED, text_rollback: 'previous build' } });
    expect(res.status).toBe(200);
    await waitUntil('the refusal to the submitter', () => h.ephemeralsFor(USERS.outsider).find((t) => /may not deploy to `prod`/.test(t)));
    expect(await h.app.repo.recent(10)).toEqual([]);
  });
});
