import { incidentsGate, incidentsNoCi, incidentsUnavailable, MAX_LISTED_INCIDENTS } from '../../../src/domain/servicenow/incidents-gate';
import type { Incident } from '../../../src/domain/servicenow/change-record';

const inc = (number: string, priority: number, patch: Partial<Incident> = {}): Incident => ({
  number,
  sysId: number.toLowerCase(),
  priority,
  state: '2',
  stateLabel: 'In Progress',
  shortDescription: `${number} description`,
  url: `https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=${number.toLowerCase()}`,
  ...patch,
});

const ctx = { priorities: [1, 2], ci: 'markets-pipeline', service: 'markets-pipeline' };

describe('incidentsGate', () => {
  it.each<[string, Incident[], string, string, string]>([
    ['no incidents', [], 'pass', 'incidents_none', 'No open P1/P2 incident on `markets-pipeline`'],
    ['only lower priorities', [inc('INC0010003', 3)], 'pass', 'incidents_none', 'No open P1/P2 incident on `markets-pipeline`'],
    [
      'one P1',
      [inc('INC0010001', 1, { shortDescription: 'Trading feed down' })],
      'block',
      'incidents_open',
      'Blocked by an open P1/P2 incident on `markets-pipeline`: <https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=inc0010001|INC0010001> P1 (In Progress): Trading feed down',
    ],
    [
      'P2 and P1, listed by priority',
      [inc('INC0010002', 2, { stateLabel: 'New' }), inc('INC0010001', 1)],
      'block',
      'incidents_open',
      'Blocked by 2 open P1/P2 incidents on `markets-pipeline`: <https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=inc0010001|INC0010001> P1 (In Progress): INC0010001 description; <https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=inc0010002|INC0010002> P2 (New): INC0010002 description',
    ],
  ])('%s', (_n, incidents, status, code, summary) => {
    const r = incidentsGate(incidents, ctx);
    expect(r.gate).toBe('incidents');
    expect({ status: r.status, code: r.code, summary: r.summary }).toEqual({ status, code, summary });
  });

  it('caps the listed incidents but keeps all in details', () => {
    const many = Array.from({ length: MAX_LISTED_INCIDENTS + 2 }, (_, i) => inc(`INC00100${String(i).padStart(2, '0')}`, 1));
    const r = incidentsGate(many, ctx);
    expect(r.summary).toMatch(/; and 2 more$/);
    expect((r.details as { incidents: unknown[] }).incidents).toHaveLength(MAX_LISTED_INCIDENTS + 2);
  });

  it('incidents_unavailable and incidents_no_ci block (fail closed)', () => {
    expect(incidentsUnavailable(ctx, 'ServiceNow could not be reached (x): connection refused')).toMatchObject({
      status: 'block',
      code: 'incidents_unavailable',
      summary: 'Open P1/P2 incidents could not be checked: ServiceNow could not be reached (x): connection refused',
    });
    expect(incidentsNoCi({ priorities: [1], service: 'svc' })).toMatchObject({
      status: 'block',
      code: 'incidents_no_ci',
      summary:
        'Open P1 incidents could not be checked: service svc has no `servicenow.ci` in shipgate.yml (the configuration item its incidents are logged against)',
    });
  });
});
