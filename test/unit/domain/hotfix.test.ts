import { decideHotfix, isIncidentOpen, type HotfixIncident, type HotfixLookup } from '../../../src/domain/hotfix';
import { hotfixEvidence, hotfixLine } from '../../../src/domain/hotfix-evidence';
import { parseConfig } from '../../../src/config/load-config';
import { parsePromoteCommand, parseRollbackCommand } from '../../../src/domain/command-parser';

const config = parseConfig(`
environments:
  - { name: staging }
  - { name: prod, soak: 24h, hotfix: { soak: 1h } }
services:
  - { name: risk, repo: acme/risk, pipeline: [staging, prod], strategy: { type: workflow, workflow: d.yml } }
`);
const prod = config.environments.find((e) => e.name === 'prod')!;
const staging = config.environments.find((e) => e.name === 'staging')!;

const incident = (o: Partial<HotfixIncident> = {}): HotfixIncident => ({
  number: 'INC0012345',
  sysId: 'a'.repeat(32),
  priority: 1,
  state: '2',
  stateLabel: 'In Progress',
  shortDescription: 'VaR failing',
  ciSysId: 'c'.repeat(32),
  ciName: 'risk-ci',
  active: true,
  url: 'https://sn.example/nav_to.do?uri=incident.do?sys_id=a',
  ...o,
});

describe('decideHotfix (pure)', () => {
  it.each<[string, { env?: typeof prod; ci?: string; lookup?: HotfixLookup }, string, string]>([
    ['open incident on the CI (by name)', { lookup: { found: incident() } }, 'hotfix_applied', '1h'],
    ['open incident on the CI (by sys_id)', { ci: 'c'.repeat(32), lookup: { found: incident() } }, 'hotfix_applied', '1h'],
    ['open incident on the business service', { lookup: { found: incident({ ciName: 'other', ciSysId: 'd'.repeat(32), businessServiceName: 'risk-ci' }) } }, 'hotfix_applied', '1h'],
    ['On Hold still counts as open', { lookup: { found: incident({ state: '3', stateLabel: 'On Hold' }) } }, 'hotfix_applied', '1h'],
    ['resolved', { lookup: { found: incident({ state: '6', stateLabel: 'Resolved' }) } }, 'hotfix_incident_not_open', '24h'],
    ['closed', { lookup: { found: incident({ state: '7', stateLabel: 'Closed', active: false }) } }, 'hotfix_incident_not_open', '24h'],
    ['inactive', { lookup: { found: incident({ active: false }) } }, 'hotfix_incident_not_open', '24h'],
    ['on another CI', { lookup: { found: incident({ ciName: 'payments', ciSysId: 'e'.repeat(32) }) } }, 'hotfix_wrong_service', '24h'],
    ['unknown', { lookup: { found: undefined } }, 'hotfix_incident_not_found', '24h'],
    ['ServiceNow unreachable', { lookup: { error: 'ECONNREFUSED' } }, 'hotfix_unavailable', '24h'],
    ['not checked', {}, 'hotfix_unavailable', '24h'],
    ['service without a CI', { ci: '', lookup: { found: incident() } }, 'hotfix_no_ci', '24h'],
    ['environment without hotfix config', { env: staging, lookup: { found: incident() } }, 'hotfix_not_configured', 'none'],
  ])('%s → %s', (_what, o, code, soak) => {
    const d = decideHotfix({ incident: 'INC0012345', env: o.env ?? prod, service: 'risk', ci: o.ci ?? 'risk-ci', ...(o.lookup ? { lookup: o.lookup } : {}) });
    expect(d.result.code).toBe(code);
    expect(d.result.status).toBe(code === 'hotfix_applied' ? 'pass' : 'warn');
    expect(d.env.soak ?? 'none').toBe(soak);
    // only soak is overridden: approvals and everything else are the environment's own
    expect({ ...d.env, soak: undefined }).toEqual({ ...(o.env ?? prod), soak: undefined });
  });

  it('says what it applied, and records it for the evidence pack', () => {
    const d = decideHotfix({ incident: 'INC0012345', env: prod, service: 'risk', ci: 'risk-ci', lookup: { found: incident() } });
    expect(String(d.result.summary)).toContain('(P1, In Progress on `risk-ci`): soak 24h → 1h');
    expect(hotfixEvidence({ hotfix: 'INC0012345', gates: [d.result] })).toEqual({
      incident: 'INC0012345',
      applied: true,
      code: 'hotfix_applied',
      overrides: { soak: { normal: '24h', hotfix: '1h' } },
    });
    expect(hotfixLine({ hotfix: 'INC0012345', gates: [d.result] })).toBe('INC0012345: soak 24h → 1h');
    const no = decideHotfix({ incident: 'INC0012345', env: prod, service: 'risk', ci: 'risk-ci', lookup: { error: 'down' } });
    expect(hotfixLine({ hotfix: 'INC0012345', gates: [no.result] })).toBe('INC0012345: not applied (hotfix_unavailable)');
  });

  it('isIncidentOpen', () => {
    expect(['1', '2', '3', '6', '7', '8'].map((state) => isIncidentOpen({ state, active: true }))).toEqual([true, true, true, false, false, false]);
  });
});

describe('hotfix= in the command parser', () => {
  it.each([
    ['risk prod hotfix=INC0012345', { kind: 'promote', options: { hotfix: 'INC0012345' } }],
    ['risk prod hotfix=inc0012345', { kind: 'promote', options: { hotfix: 'INC0012345' } }],
    ['plan risk prod hotfix=INC0012345', { kind: 'plan', options: { hotfix: 'INC0012345' } }],
    ['risk prod hotfix=INC12', { kind: 'error', message: expect.stringContaining('is not a ServiceNow incident number') }],
    ['risk prod hotfix=CHG0030001', { kind: 'error', message: expect.stringContaining('expected the form `INC0012345`') }],
  ])('%s', (text, expected) => {
    expect(parsePromoteCommand(text)).toMatchObject(expected);
  });

  it('is not an option of /rollback', () => {
    expect(parseRollbackCommand('risk prod hotfix=INC0012345')).toMatchObject({ kind: 'error', message: expect.stringContaining('unknown option `hotfix=`') });
  });
});
