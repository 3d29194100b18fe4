/**
 * The hotfix fast track over real HTTP (signed Slack requests, GitHub + ServiceNow emulators,
 * real Redis): `/promote svc prod hotfix=INC…` applies prod's `hotfix: { soak: 1h }` only while
 * that incident is open on the service's configuration item. A resolved incident, an incident
 * on another service or ServiceNow being down leave the normal soak (24h) in force, and the card
 * says the hotfix was not applied and why. Approvals still apply. Bad input is refused in the ack.
 */
import { startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';
import type { Promotion } from '../../src/domain/promotion';

const CONFIG = `
timezone: Europe/London
environments:
  - { name: dev }
  - { name: staging }
  - { name: prod, deployers: ["*"], approvers: [S0RELEASEMGRS], requiredApprovals: 1, soak: 24h, hotfix: { soak: 1h }, blockOnIncidents: [1] }
services:
  - name: risk-models
    repo: acme/markets
    pipeline: [dev, staging, prod]
    servicenow: { ci: risk-models }
    strategy: { type: workflow, workflow: deploy.yml, inputs: { environment: "{{env}}", sha: "{{sha}}" } }
`;

const H = 3_600_000;

async function reply(h: Harness, text: string, userId: string = USERS.engineer): Promise<string> {
  const before = h.ephemeralsFor(userId).length;
  await h.promote(text, userId);
  return waitUntil(`a reply to /promote ${text}`, () => h.ephemeralsFor(userId).slice(before)[0]);
}

const gateOf = (p: Promotion, name: string) => p.gates.find((g) => g.gate === name);
const cardOf = (h: Harness, p: Promotion) => JSON.stringify(h.slack.message(p.channel, p.messageTs!)?.blocks ?? []);

describe('hotfix=INC… fast track', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('hotfix', { config: CONFIG, servicenow: true });
    h.servicenow.addCi({ name: 'risk-models' });
    h.servicenow.addCi({ name: 'payments' });
    h.servicenow.addIncident({ number: 'INC0012345', cmdb_ci: 'risk-models', priority: 1, state: 2, short_description: 'VaR job failing' });
    h.servicenow.addIncident({ number: 'INC0012346', cmdb_ci: 'risk-models', priority: 2, state: 6, short_description: 'old outage' });
    h.servicenow.addIncident({ number: 'INC0012347', cmdb_ci: 'payments', priority: 1, state: 1, short_description: 'payments down' });
    // the candidate has run in staging for 2h: enough for the hotfix soak (1h), not for the normal one (24h)
    await h.app.history.record({
      service: 'risk-models',
      env: 'staging',
      sha: h.mainSha,
      promotionId: 'p-seeded-staging',
      kind: 'promotion',
      outcome: 'succeeded',
      at: new Date(Date.now() - 2 * H).toISOString(),
    });
  });
  afterAll(async () => {
    await h.close();
  });

  async function cancel(p: Promotion): Promise<void> {
    await h.promote(`cancel ${p.id}`, USERS.engineer);
    await h.waitState(p.id, 'cancelled');
  }

  it('open incident on the service: soak overridden (24h → 1h), its own incident does not block, approvals still needed', async () => {
    const p = await h.request('risk-models prod hotfix=inc0012345');
    expect(p.hotfix).toBe('INC0012345');
    expect(gateOf(p, 'hotfix')).toMatchObject({
      status: 'pass',
      code: 'hotfix_applied',
      details: { incident: 'INC0012345', priority: 1, state: 'In Progress', overrides: { soak: { normal: '24h', hotfix: '1h' } } },
    });
    expect(gateOf(p, 'soak')).toMatchObject({ status: 'pass', code: 'soak_ok', details: { soak: '1h' } });
    expect(gateOf(p, 'incidents')).toMatchObject({ status: 'pass', code: 'incidents_none' });
    expect(gateOf(p, 'incidents')!.summary).toContain('(besides INC0012345, the incident this hotfix fixes)');
    expect(gateOf(p, 'approval')).toMatchObject({ status: 'pending' });
    const card = cardOf(h, p);
    expect(card).toContain('Hotfix risk-models: staging → prod');
    expect(card).toContain('INC0012345 · overrides applied: soak 24h → 1h');
    const audit = await h.app.audit.forPromotion(p.id);
    expect(audit.find((a) => a.type === 'requested')?.data).toMatchObject({ hotfix: 'INC0012345' });
    expect(audit.find((a) => a.type === 'gates_passed')?.data).toMatchObject({
      gates: expect.arrayContaining([expect.objectContaining({ gate: 'hotfix', code: 'hotfix_applied' }), expect.objectContaining({ gate: 'soak', code: 'soak_ok' })]),
    });
    await cancel(p);
  });

  it.each([
    ['a resolved incident', 'INC0012346', 'hotfix_incident_not_open', 'the incident is Resolved, not open'],
    ['an incident on another service', 'INC0012347', 'hotfix_wrong_service', 'the incident is on `payments`, not `risk-models`'],
    ['an unknown incident', 'INC0099999', 'hotfix_incident_not_found', 'ServiceNow has no incident INC0099999'],
  ])('%s: not applied, the normal soak blocks, the card says why', async (_what, incident, code, why) => {
    const p = await h.request(`risk-models prod hotfix=${incident}`, USERS.engineer, 'blocked');
    expect(gateOf(p, 'hotfix')).toMatchObject({ status: 'warn', code });
    expect(gateOf(p, 'hotfix')!.summary).toContain(why);
    expect(gateOf(p, 'hotfix')!.summary).toContain('the normal gates apply');
    expect(gateOf(p, 'soak')).toMatchObject({ status: 'block', code: 'soak_not_reached', details: { soak: '24h' } });
    expect(cardOf(h, p)).toContain(`${incident} · overrides NOT applied (normal gates)`);
  });

  it('ServiceNow down: not applied (fail closed), the normal gates block', async () => {
    h.servicenow.setDown(true);
    try {
      const p = await h.request('risk-models prod hotfix=INC0012345', USERS.engineer, 'blocked');
      expect(gateOf(p, 'hotfix')).toMatchObject({ status: 'warn', code: 'hotfix_unavailable' });
      expect(gateOf(p, 'hotfix')!.summary).toContain('ServiceNow could not be asked');
      expect(gateOf(p, 'soak')).toMatchObject({ status: 'block', code: 'soak_not_reached' });
      expect(gateOf(p, 'incidents')).toMatchObject({ status: 'block', code: 'incidents_unavailable' });
      expect(cardOf(h, p)).toContain('overrides NOT applied');
    } finally {
      h.servicenow.setDown(false);
    }
  });

  it('without hotfix= the same promotion waits for the 24h soak (and the open P1 blocks it)', async () => {
    const p = await h.request('risk-models prod', USERS.engineer, 'blocked');
    expect(gateOf(p, 'hotfix')).toBeUndefined();
    expect(gateOf(p, 'soak')).toMatchObject({ code: 'soak_not_reached' });
    expect(gateOf(p, 'incidents')).toMatchObject({ code: 'incidents_open' });
  });

  it('bad input is refused in the ack: an environment without hotfix config, a malformed number, a repeated option', async () => {
    const before = (await h.app.repo.recent(100)).length;
    expect(await reply(h, 'risk-models staging hotfix=INC0012345')).toContain('`staging` has no hotfix overrides');
    expect(await reply(h, 'risk-models prod hotfix=12345')).toContain('is not a ServiceNow incident number');
    expect(await reply(h, 'risk-models prod hotfix=INC0012345 hotfix=INC0012346')).toContain('given twice');
    expect((await h.app.repo.recent(100)).length).toBe(before);
  });
});
