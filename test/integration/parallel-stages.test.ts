/**
 * Parallel pipeline stages over real HTTP (signed Slack requests, GitHub + ServiceNow
 * emulators, real Redis): `pipeline: [dev, [perf, security], staging, prod]`. Promoting into a
 * member follows dev; staging is blocked until the candidate succeeded in both perf and
 * security (naming the member that lacks it, and what it runs instead), then allowed;
 * `/promote svc perf` promotes one member only; status shows both members.
 */
import { startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import type { Promotion } from '../../src/domain/promotion';

export const STAGES_CONFIG = `
timezone: Europe/London
environments:
  - { name: dev }
  - { name: perf }
  - { name: security }
  - { name: staging }
  - { name: prod, deployers: ["*"], approvers: [S0RELEASEMGRS], requiredApprovals: 1, soak: 24h, hotfix: { soak: 1h }, blockOnIncidents: [1] }
services:
  - name: risk-models
    repo: acme/markets
    pipeline: [dev, [perf, security], staging, prod]
    servicenow: { ci: risk-models }
    strategy:
      type: workflow
      workflow: deploy.yml
      ref: main
      inputs: { environment: "{{env}}", sha: "{{sha}}" }
`;

const short = (sha: string) => sha.slice(0, 7);

async function reply(h: Harness, text: string, userId: string = USERS.engineer): Promise<string> {
  const before = h.slack.ephemerals(userId).length;
  await h.promote(text, userId);
  const e = await waitUntil(`a reply to /promote ${text}`, () => h.slack.ephemerals(userId).slice(before)[0]);
  return `${e.text}\n${JSON.stringify(e.blocks ?? [])}`;
}

async function deploy(h: Harness, text: string): Promise<Promotion> {
  const p = await h.request(text);
  await h.click(p, ACTIONS.approve, USERS.engineer);
  return h.waitState(p.id, 'succeeded');
}

const pathOf = (p: Promotion) => p.gates.find((g) => g.gate === 'path');

describe('parallel pipeline stages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('parallel-stages', { config: STAGES_CONFIG });
  });
  afterAll(async () => {
    await h.close();
  });

  it('staging waits for both perf and security; /promote svc perf promotes one member; status shows both', async () => {
    const sha = h.mainSha;
    // one member: only perf is deployed (from dev), security is untouched
    const perf = await deploy(h, 'risk-models perf');
    expect([perf.from, perf.env, perf.sha]).toEqual(['dev', 'perf', sha]);
    expect(pathOf(perf)).toMatchObject({ status: 'pass', code: 'path_ok' });
    expect(h.github.dispatches.map((d) => (d.inputs as Record<string, string>).environment)).toEqual(['perf']);

    // staging: blocked, security lacks the candidate
    const early = await h.request('risk-models staging', USERS.engineer, 'blocked');
    expect(early.from).toBe('perf');
    expect(pathOf(early)).toMatchObject({ status: 'block', code: 'stage_incomplete', details: { stage: ['perf', 'security'], missing: ['security'], candidate: sha } });
    expect(pathOf(early)!.summary).toBe(`\`staging\` needs \`${short(sha)}\` to have succeeded in every member of [perf | security] first: \`security\` has no successful deployment`);
    const card = h.slack.message(early.channel, early.messageTs!)!;
    expect(JSON.stringify(card.blocks)).toContain('Promote risk-models: [perf | security] → staging');
    expect((await h.app.audit.forPromotion(early.id)).find((a) => a.type === 'gates_blocked')?.data).toMatchObject({
      gates: expect.arrayContaining([expect.objectContaining({ gate: 'path', code: 'stage_incomplete' })]),
    });

    // the plan says the same before anything is requested
    const plan = await reply(h, 'plan risk-models staging');
    expect(plan).toContain('every member of [perf | security] first: `security` has no successful deployment');

    // sideways inside the stage is refused
    const sideways = await h.request('risk-models security from=perf', USERS.engineer, 'blocked');
    expect(pathOf(sideways)).toMatchObject({ code: 'same_stage' });
    // jumping over the parallel stage is refused
    const jump = await h.request('risk-models staging from=dev', USERS.engineer, 'blocked');
    expect(pathOf(jump)).toMatchObject({ code: 'skips_environment', details: { skipped: ['perf', 'security'] } });

    // status: both members, perf with the candidate, security with nothing yet
    const before = await reply(h, 'status risk-models');
    expect(before).toContain('dev → [perf | security] → staging → prod');
    expect(before).toMatch(new RegExp(`• \\*perf\\* \\(parallel stage \\[perf \\| security\\]\\): \`${short(sha)}\``));
    expect(before).toContain('• *security* (parallel stage [perf | security]): _nothing deployed by shipgate yet_');

    const security = await deploy(h, 'risk-models security');
    expect([security.from, security.env, security.sha]).toEqual(['dev', 'security', sha]);

    // now staging is allowed, with the SHA both members run
    const staging = await h.request('risk-models staging');
    expect(staging.sha).toBe(sha);
    expect(pathOf(staging)).toMatchObject({ status: 'pass', code: 'path_ok', details: { missing: [], stage: ['perf', 'security'] } });
    const candidate = staging.gates.find((g) => g.gate === 'candidate');
    expect(candidate?.summary).toContain('running in every member of [perf | security]');
    await h.click(staging, ACTIONS.approve, USERS.engineer);
    await h.waitState(staging.id, 'succeeded');
    expect(h.github.dispatches.map((d) => (d.inputs as Record<string, string>).environment)).toEqual(['perf', 'security', 'staging']);

    const after = await reply(h, 'status risk-models');
    expect(after).toMatch(new RegExp(`• \\*security\\* \\(parallel stage \\[perf \\| security\\]\\): \`${short(sha)}\``));
    expect(after).toMatch(new RegExp(`• \\*staging\\*: \`${short(sha)}\``));
  });

  it('members running different SHAs: staging is blocked naming both SHAs', async () => {
    const newer = h.github.addCommit('acme/markets', 'main', { message: 'feat: faster VaR' });
    await deploy(h, `risk-models perf ref=${newer}`);
    const p = await h.request('risk-models staging', USERS.engineer, 'blocked');
    expect(p.sha).toBe(newer);
    expect(pathOf(p)).toMatchObject({ code: 'stage_incomplete', details: { missing: ['security'] } });
    expect(pathOf(p)!.summary).toContain(`needs \`${short(newer)}\``);
    expect(pathOf(p)!.summary).toContain(`\`security\` runs \`${short(h.mainSha)}\``);
  });

  it('bad input: unknown member, and the first stage', async () => {
    expect(await reply(h, 'risk-models perfx')).toContain('Pipeline: `dev` → [`perf` | `security`] → `staging` → `prod`. Did you mean `perf`?');
    expect(await reply(h, 'risk-models dev')).toContain('then promote to `[perf | security]`');
  });
});
