/**
 * Write-back to ServiceNow over real HTTP: work notes at start and finish, Review on
 * success (closeOnSuccess), create mode (one change even when the job is retried, the
 * gate waits until it is approved), and failures that never throw.
 */
import { ChangeWriteBack } from '../../src/app/change-write-back';
import { GateEvaluator } from '../../src/app/gate-evaluator';
import { registerServiceNowGates } from '../../src/app/servicenow-gates';
import { ServiceNowClient } from '../../src/adapters/servicenow/servicenow-client';
import { ServiceNowChangeManagement } from '../../src/adapters/servicenow/servicenow-change-management';
import { findService } from '../../src/domain/resolve-request';
import type { Promotion } from '../../src/domain/promotion';
import { ServiceNowEmulator } from '../../src/emulators/servicenow-emulator';
import { SHA, promotion, snConfig } from '../unit/servicenow/servicenow-fixtures';
import { mrk, stored } from '../../src/shared/mrkdwn';

const NOW = Date.UTC(2026, 2, 2, 11, 0, 0);
const THREAD = 'https://acme.slack.com/archives/C0RELEASES/p1700000000000100';

describe('ChangeWriteBack over HTTP', () => {
  let emu: ServiceNowEmulator;
  let clock: { now: number };
  let wb: ChangeWriteBack;
  let sn: ServiceNowChangeManagement;
  const config = snConfig();

  beforeEach(async () => {
    clock = { now: NOW };
    emu = new ServiceNowEmulator({ username: 'shipgate', password: 'pw', now: () => clock.now });
    await emu.start();
    emu.addCi({ name: 'markets-pipeline' });
    emu.addGroup('Markets Platform');
    const client = new ServiceNowClient({
      instanceUrl: emu.url,
      auth: { kind: 'basic', username: 'shipgate', password: 'pw' },
      maxRetries: 1,
      sleep: async () => undefined,
    });
    sn = new ServiceNowChangeManagement({ client, now: () => clock.now });
    wb = new ChangeWriteBack({
      changes: sn,
      config,
      clock: { now: () => new Date(clock.now) },
      threadLink: () => THREAD,
      commitUrl: (repo, sha) => `https://github.com/${repo}/commit/${sha}`,
      userName: (id) => ({ U0RELMGR1: 'rita.release' })[id],
    });
  });
  afterEach(() => emu.stop());

  const finished = (p: Promotion, outcome: 'succeeded' | 'failed'): Promotion => ({
    ...p,
    state: outcome,
    ...(outcome === 'failed' ? { stateReason: stored(mrk`workflow run concluded failure`) } : {}),
    evidence: {
      ...p.evidence,
      sha: SHA,
      startedAt: '2026-03-02T11:00:00.000Z',
      finishedAt: '2026-03-02T11:20:00.000Z',
      outcome,
      pullRequests: [{ number: 42, url: 'https://github.com/acme/markets/pull/42', title: 'Promote to prod' }],
      runs: [
        {
          id: 9001,
          runNumber: 12,
          name: 'deploy',
          url: 'https://github.com/acme/markets/actions/runs/9001',
          status: 'completed',
          conclusion: outcome === 'succeeded' ? 'success' : 'failure',
          headSha: SHA,
          jobs: [{ id: 1, name: 'deploy', conclusion: 'success', url: 'https://github.com/acme/markets/actions/runs/9001/job/1' }],
        },
      ],
      matches: [
        { name: 'databricks_run_id', value: '912345', source: 'deploy' },
        { name: 'databricks_run_id', value: '912346', source: 'smoke' },
      ],
    },
  });

  it('writes the start and evidence work notes and moves the change to Review on success', async () => {
    emu.addChange({ number: 'CHG0030001', state: '-2', cmdb_ci: 'markets-pipeline', start_date: '2026-03-02 10:00:00', end_date: '2026-03-02 12:00:00' });
    const p = promotion({ cr: 'CHG0030001', state: 'running', reason: 'quarterly model' });
    const link = `<${emu.url}/nav_to.do?uri=change_request.do?sys_id=${emu.change('CHG0030001')!.sys_id}|CHG0030001>`;

    expect(await wb.onStart(p)).toEqual({ status: 'written', change: 'CHG0030001', message: `:memo: Wrote the start work note to ${link}` });
    expect(emu.workNotes('CHG0030001')).toEqual([
      [
        'shipgate promotion p-20260302-abc123 started: markets-pipeline preprod -> prod',
        `Commit: ${SHA} https://github.com/acme/markets/commit/${SHA} (acme/markets)`,
        'Requested by: erin.engineer (Slack U0ENGINEER)',
        'Approved in Slack by: rita.release (Slack U0RELMGR1) at 2026-03-02T09:30:00.000Z',
        'Reason: quarterly model',
        `Slack thread: ${THREAD}`,
      ].join('\n'),
    ]);

    const done = await wb.onFinish(finished(p, 'succeeded'));
    expect(done).toEqual({
      status: 'written',
      change: 'CHG0030001',
      message: `:memo: Wrote the evidence work note to ${link} and moved it to *Review* (close code: successful)`,
    });
    const note = emu.workNotes('CHG0030001')[1]!;
    expect(note.split('\n')).toEqual([
      'shipgate promotion p-20260302-abc123 SUCCEEDED: markets-pipeline preprod -> prod',
      `Commit: ${SHA} https://github.com/acme/markets/commit/${SHA} (acme/markets)`,
      'Started: 2026-03-02T11:00:00.000Z',
      'Finished: 2026-03-02T11:20:00.000Z',
      'Pull requests:',
      '- #42 Promote to prod: https://github.com/acme/markets/pull/42',
      'Workflow runs:',
      '- deploy #12: success https://github.com/acme/markets/actions/runs/9001',
      '  - job deploy: success https://github.com/acme/markets/actions/runs/9001/job/1',
      'Databricks run IDs: 912345 (deploy), 912346 (smoke)',
      'Approved in Slack by: rita.release (Slack U0RELMGR1)',
      `Slack thread: ${THREAD}`,
    ]);
    expect(emu.change('CHG0030001')).toMatchObject({ state: '0', close_code: 'successful' });
  });

  it('a failed promotion gets the evidence note with the reason and stays out of Review', async () => {
    emu.addChange({ number: 'CHG0030001', state: '-1' });
    const done = await wb.onFinish(finished(promotion({ cr: 'CHG0030001' }), 'failed'));
    expect(done.status).toBe('written');
    expect(emu.workNotes('CHG0030001')[0]).toMatch(
      /^shipgate promotion p-20260302-abc123 FAILED: markets-pipeline preprod -> prod\nReason: workflow run concluded failure\n/,
    );
    expect(emu.change('CHG0030001')!.state).toBe('-1');
  });

  it('without a change there is nothing to write', async () => {
    expect(await wb.onStart(promotion({ env: 'uat', from: 'int' }))).toEqual({ status: 'skipped' });
  });

  it('failures never throw: they come back as a message for the thread', async () => {
    const chg = emu.addChange({ number: 'CHG0030001', state: '-1' });
    const link = `<${emu.url}/nav_to.do?uri=change_request.do?sys_id=${chg.sys_id}|CHG0030001>`;
    emu.denyAcl('change_request', ['write']);
    expect(await wb.onStart(promotion({ cr: 'CHG0030001' }))).toEqual({
      status: 'failed',
      change: 'CHG0030001',
      message: `:warning: Could not write the start work note to ${link}: ServiceNow refused to let shipgate update table change_request (HTTP 403 Operation Failed: ACL Exception Update Failed due to security constraints): give the ServiceNow integration user a role whose ACL allows update on change_request`,
    });
    emu.allowAcl('change_request');
    emu.setDown(true);
    const down = await wb.onFinish(finished(promotion({ cr: 'CHG0030001' }), 'succeeded'));
    expect(down.status).toBe('failed');
    expect(down.message).toMatch(/^:warning: Could not write the evidence work note to `CHG0030001`: ServiceNow could not be reached/);
    emu.setDown(false);
    expect(await wb.onStart(promotion({ cr: 'CHG0039999' }))).toEqual({
      status: 'failed',
      change: 'CHG0039999',
      message: ':warning: Could not write the start work note: change `CHG0039999` was not found in ServiceNow',
    });
  });

  it('a failed move to Review is reported and asks for a manual move', async () => {
    const chg = emu.addChange({ number: 'CHG0030001', state: '-1' });
    emu.failNext({
      status: 403,
      method: 'PATCH',
      match: (r) => (r.body as { state?: string } | undefined)?.state === '0',
      body: { error: { message: 'Operation Failed', detail: 'Data Policy Exception: Close notes is mandatory' }, status: 'failure' },
    });
    const out = await wb.onFinish(finished(promotion({ cr: 'CHG0030001' }), 'succeeded'));
    const link = `<${emu.url}/nav_to.do?uri=change_request.do?sys_id=${chg.sys_id}|CHG0030001>`;
    expect(out).toEqual({
      status: 'failed',
      change: 'CHG0030001',
      message: `:memo: Wrote the evidence work note to ${link}, but could not move it to Review: ServiceNow refused to update table change_request (HTTP 403 Operation Failed: Data Policy Exception: Close notes is mandatory). Please move ${link} to Review by hand.`,
    });
    expect(emu.workNotes('CHG0030001')).toHaveLength(1);
    expect(emu.change('CHG0030001')!.state).toBe('-1');
  });

  describe('create mode', () => {
    const service = findService(config, 'markets-pipeline');
    const p = promotion({ env: 'preprod', from: 'uat', state: 'requested' });

    it('opens one Normal change from the template, even when the job is retried, and the gate waits for approval', async () => {
      const first = await wb.createChangeFor(p, service, undefined, { plan: '- abc1234 feat: new risk model' });
      expect(first.status).toBe('created');
      const number = first.change!.number;
      const row = emu.change(number)!;
      expect(row).toMatchObject({
        type: 'normal',
        state: '-5',
        short_description: `Promote markets-pipeline ${SHA} to preprod`,
        backout_plan: 'Re-deploy the previous release with /rollback',
        correlation_id: p.id,
        risk: '4',
        start_date: '2026-03-02 11:00:00',
        end_date: '2026-03-02 19:00:00',
        cmdb_ci: emu.records('cmdb_ci')[0]!.sys_id,
        assignment_group: emu.records('sys_user_group')[0]!.sys_id,
      });
      expect(row.description).toContain('What ships:\n- abc1234 feat: new risk model');
      expect(row.description).toContain(`Slack thread: ${THREAD}`);
      expect(first.message).toBe(
        `:memo: Opened Normal change <${emu.url}/nav_to.do?uri=change_request.do?sys_id=${row.sys_id}|${number}> (planned window 2026-03-02 11:00:00 – 2026-03-02 19:00:00 UTC). It must be approved in ServiceNow (and scheduled) before this promotion can run; shipgate re-checks it.`,
      );

      const retried = await wb.createChangeFor(p, service);
      expect(retried).toMatchObject({ status: 'existing', change: { number } });
      expect(emu.records('change_request')).toHaveLength(1);

      const evaluator = registerServiceNowGates(new GateEvaluator({ config, clock: { now: () => new Date(clock.now) } }), { changes: sn });
      const gateOf = async (): Promise<string | undefined> => (await evaluator.evaluate(p, 'request')).find((r) => r.gate === 'changeRecord')?.code;
      expect(await gateOf()).toBe('cr_awaiting_approval');
      emu.setChange(number, { approval: 'approved', state: '-2' });
      expect(await gateOf()).toBe('cr_ok');

      // evidence goes to the change shipgate opened
      expect((await wb.onStart({ ...p, state: 'running' })).status).toBe('written');
      expect(emu.workNotes(number)).toHaveLength(1);
    });

    it('reports a template with an unknown placeholder and creates nothing', async () => {
      const out = await wb.createChangeFor(p, service, { shortDescription: 'Promote {{servce}}' });
      expect(out).toEqual({ status: 'failed', message: expect.stringContaining('changeTemplate uses unknown placeholder(s) {{servce}}') });
      expect(emu.records('change_request')).toHaveLength(0);
    });

    it('reports ServiceNow being down without throwing', async () => {
      emu.setDown(true);
      const out = await wb.createChangeFor(p, service);
      expect(out.status).toBe('failed');
      expect(out.message).toMatch(/^:warning: Could not open a change in ServiceNow: ServiceNow could not be reached/);
    });
  });
});
