/**
 * Seeds the ServiceNow emulator for the demo: the services' configuration items, approved
 * change records whose window is open now (what `cr=` names in the demo), one waiting for
 * approval, the closed changes of the seeded past promotions, the incident behind
 * `#inc-2231-markets-latency`, and the "Change Blackout" schedule the freeze calendar reads.
 */
import type { ServiceNowEmulator } from '../emulators/servicenow-emulator';
import { HOUR } from './seed-github';

const DAY = 24 * HOUR;

export interface ServiceNowSeed {
  /** Change numbers by purpose, for the startup output and tests. */
  changes: { markets: string; marketsHotfix: string; databricks: string; awaitingApproval: string };
  incident: string;
  /** The open incident on risk-models that `hotfix=` names in the demo. */
  hotfixIncident: string;
}

/** The approved demo changes whose window is open "now" (what the demo's `cr=` names). */
export const OPEN_DEMO_CHANGES = ['CHG0030001', 'CHG0030002', 'CHG0030003', 'CHG0030005'];

function openWindow(now: number): { start_date: number; end_date: number } {
  return { start_date: now - 2 * HOUR, end_date: now + 14 * DAY };
}

/**
 * Keeps the open demo changes open at `now`: the sandbox calls it when its clock moves, so a
 * promotion at the jumped-to moment is blocked by the freeze alone, not by a closed change window.
 */
export function openDemoChangeWindows(sn: ServiceNowEmulator, now: number): void {
  for (const number of OPEN_DEMO_CHANGES) sn.setChange(number, openWindow(now));
}

function startOfUtcDay(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export function seedServiceNow(sn: ServiceNowEmulator, now = Date.now()): ServiceNowSeed {
  for (const name of ['markets-pipeline', 'databricks-jobs', 'risk-models']) sn.addCi({ name });
  sn.addGroup('Markets Platform');
  sn.addGroup('Data Platform');

  // the changes of the seeded past promotions (closed after implementation)
  const past: Array<[string, string, string, number]> = [
    ['CHG0030009', 'databricks-jobs', 'Databricks: positions reconciliation go-live', 8],
    ['CHG0030017', 'markets-pipeline', 'markets-pipeline: intraday VaR model v2', 5],
    ['CHG0030024', 'markets-pipeline', 'markets-pipeline: weekly release', 2],
  ];
  for (const [number, ci, text, daysAgo] of past) {
    sn.addChange({
      number,
      cmdb_ci: ci,
      short_description: text,
      state: '3',
      approval: 'approved',
      close_code: 'successful',
      start_date: now - daysAgo * DAY - 2 * HOUR,
      end_date: now - daysAgo * DAY + 6 * HOUR,
    });
  }

  // open windows for the demo
  const open = openWindow(now);
  sn.addChange({
    number: 'CHG0030001',
    cmdb_ci: 'markets-pipeline',
    short_description: 'markets-pipeline: weekly release (EOD prices from Kafka)',
    state: '-2',
    approval: 'approved',
    assignment_group: 'Markets Platform',
    ...open,
  });
  sn.addChange({
    number: 'CHG0030002',
    cmdb_ci: 'markets-pipeline',
    short_description: 'markets-pipeline: standing release window',
    state: '-1',
    approval: 'approved',
    assignment_group: 'Markets Platform',
    ...open,
  });
  sn.addChange({
    number: 'CHG0030003',
    cmdb_ci: 'databricks-jobs',
    short_description: 'Databricks jobs: cluster-start retry fix',
    state: '-2',
    approval: 'approved',
    assignment_group: 'Data Platform',
    ...open,
  });
  sn.addChange({
    number: 'CHG0030004',
    cmdb_ci: 'markets-pipeline',
    short_description: 'markets-pipeline: FX engine migration (CAB next week)',
    state: '-4',
    approval: 'requested',
    assignment_group: 'Markets Platform',
    start_date: now + 6 * DAY,
    end_date: now + 7 * DAY,
  });

  // risk-models: the change for its prod release, the incident a hotfix names, and a resolved one (hotfix not applied)
  sn.addChange({
    number: 'CHG0030005',
    cmdb_ci: 'risk-models',
    short_description: 'risk-models: VaR engine fix (emergency release)',
    state: '-2',
    approval: 'approved',
    assignment_group: 'Markets Platform',
    ...open,
  });
  sn.addIncident({ number: 'INC0012345', cmdb_ci: 'risk-models', priority: '2', state: '2', short_description: 'risk-models: VaR limit breaches after the curve change' });
  sn.addIncident({ number: 'INC0012301', cmdb_ci: 'risk-models', priority: '3', state: '6', short_description: 'risk-models: slow backtest (resolved)' });
  sn.addIncident({
    number: 'INC0012231',
    cmdb_ci: 'markets-pipeline',
    priority: '3',
    state: '2',
    short_description: 'markets-pipeline: EOD latency up since the last prod deploy',
  });
  sn.addIncident({
    number: 'INC0012198',
    cmdb_ci: 'databricks-jobs',
    priority: '2',
    state: '6',
    active: false,
    short_description: 'databricks-jobs: nightly reconciliation late (resolved)',
  });

  const day = startOfUtcDay(now);
  sn.addBlackoutSchedule('Change Blackout', [
    { name: 'Data-centre network maintenance', start: day + 12 * DAY + 22 * HOUR, end: day + 13 * DAY + 6 * HOUR },
    { name: 'Core banking platform upgrade', start: day + 40 * DAY, end: day + 42 * DAY },
  ]);

  return { changes: { markets: 'CHG0030001', marketsHotfix: 'CHG0030002', databricks: 'CHG0030003', awaitingApproval: 'CHG0030004' }, incident: 'INC0012231', hotfixIncident: 'INC0012345' };
}
