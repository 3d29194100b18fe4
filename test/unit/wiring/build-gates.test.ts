import { buildGates } from '../../../src/wiring/build-gates';
import { FreezeCalendar } from '../../../src/domain/freeze-calendar';
import type { ChangeManagement } from '../../../src/app/ports/change-management';
import type { ChangeRecord } from '../../../src/domain/servicenow/change-record';
import type { DeploymentHistory } from '../../../src/app/ports/deployment-history';
import type { ObservedChecks } from '../../../src/domain/gates/checks-gate';
import { promotion, SHA, snConfig } from '../servicenow/servicenow-fixtures';

/** The one gate wiring `serve` and `shipgate plan` share (src/wiring/build-gates.ts). */
const NOW = new Date('2026-03-02T11:00:00Z');
const config = snConfig();

const emergencyChange: ChangeRecord = {
  number: 'CHG0030001',
  sysId: 'abc',
  state: '-1',
  stateLabel: 'Implement',
  type: 'emergency',
  approval: 'approved',
  plannedStart: new Date('2026-03-02T10:00:00Z'),
  plannedEnd: new Date('2026-03-02T12:00:00Z'),
  ciName: 'markets-pipeline',
  ciSysId: 'ci1',
  shortDescription: 'x',
  onHold: false,
  url: 'https://acme.service-now.com/nav_to.do?uri=change_request.do?sys_id=abc',
};

const changes: ChangeManagement = {
  instanceUrl: 'https://acme.service-now.com',
  findChange: async (n) => (n === emergencyChange.number ? emergencyChange : undefined),
  findChangeByCorrelation: async () => undefined,
  activeIncidents: async () => [],
  addWorkNote: async () => undefined,
  hasWorkNote: async () => false,
  createChange: async () => {
    throw new Error('not used');
  },
  moveToReview: async () => undefined,
  blackoutSpans: async () => [],
};

const green: ObservedChecks = { checkRuns: [{ id: 1, name: 'unit-tests', status: 'completed', conclusion: 'success' }], statuses: [{ id: 2, context: 'ci-test', state: 'success' }] };

function gatesFor(o: { commitUrl?: (repo: string, sha: string) => string; history?: DeploymentHistory } = {}) {
  return buildGates({
    config,
    clock: { now: () => NOW },
    calendars: { current: async () => new FreezeCalendar(config, {}) },
    changes,
    github: { commitChecks: { observe: async () => green }, deployments: { lastSuccessful: async () => undefined } },
    ...o,
  });
}

const approvedOverride = { requestedBy: 'U0ONCALL', at: NOW.toISOString(), justification: 'outage', windows: [], approvedBy: { userId: 'U0EMERGENCY', at: NOW.toISOString() } };

describe('buildGates (the gates of serve and shipgate plan)', () => {
  it('accepts an Emergency change only with an approved emergency override', async () => {
    const withOverride = await gatesFor().evaluate(promotion({ cr: 'CHG0030001', override: approvedOverride }), 'request');
    const without = await gatesFor().evaluate(promotion({ cr: 'CHG0030001' }), 'request');
    expect(withOverride.find((g) => g.gate === 'changeRecord')).toMatchObject({ status: 'pass', code: 'cr_ok' });
    expect(without.find((g) => g.gate === 'changeRecord')).toMatchObject({ status: 'block' });
    expect(JSON.stringify(without.find((g) => g.gate === 'changeRecord'))).toContain('Emergency change');
  });

  it('links the commit in the checks summary when a commit URL is given, and not otherwise', async () => {
    const commitUrl = (repo: string, sha: string) => `https://github.example/${repo}/commit/${sha}`;
    const linked = (await gatesFor({ commitUrl }).evaluate(promotion(), 'request')).find((g) => g.gate === 'checks')!;
    const plain = (await gatesFor().evaluate(promotion(), 'request')).find((g) => g.gate === 'checks')!;
    expect(linked).toMatchObject({ status: 'pass', code: 'checks_ok' });
    expect(String(linked.summary)).toContain(`<https://github.example/acme/markets/commit/${SHA}|`);
    expect(plain).toMatchObject({ status: 'pass', code: 'checks_ok' });
    expect(String(plain.summary)).not.toContain('https://');
  });

  it('runs the redeploy gate only with shipgate\'s deployment history (plan without Redis has none)', async () => {
    const history: DeploymentHistory = {
      record: async () => undefined,
      list: async (service, env) =>
        service === 'markets-pipeline' && env === 'prod' ? [{ service, env, sha: SHA, promotionId: 'p-20260301-prod01', kind: 'promotion', outcome: 'succeeded', at: '2026-03-01T10:00:00Z' }] : [],
    };
    const withHistory = await gatesFor({ history }).evaluate(promotion(), 'request');
    const without = await gatesFor().evaluate(promotion(), 'request');
    expect(withHistory.map((g) => g.gate)).toEqual(['path', 'approval', 'freeze', 'changeRecord', 'incidents', 'checks', 'redeploy']);
    expect(withHistory.find((g) => g.gate === 'redeploy')).toMatchObject({ status: 'block' });
    expect(without.map((g) => g.gate)).toEqual(['path', 'approval', 'freeze', 'changeRecord', 'incidents', 'checks']);
  });
});
