/**
 * Runbook 004 (dbt + Databricks) in the sandbox, from a merge: Merge to main on acme/analytics
 * (the console's own API) → dbt-analytics goes to dbt-staging by itself (the Databricks staging
 * job runs once, with the merged SHA) → the staging smoke tests pass → shipgate asks for dbt-prod
 * in the channel on behalf of the person who merged → a data owner approves → the prod job runs
 * once with the same SHA, and dbt's run_results are in the evidence.
 */
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { RELEASES_CHANNEL } from '../../src/sandbox/demo-workspace';
import { DBT_JOBS } from '../../src/sandbox/seed-databricks';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';

const ERIN = 'U0ENGINEER';
const DANA = 'U0DATAENG1';

jest.setTimeout(120_000);

describe('sandbox: runbook 004 from a merge', () => {
  let sb: Sandbox | undefined;
  const prefix = uniquePrefix('sandbox-rb004');
  afterAll(async () => {
    await sb?.close();
    await dropPrefix(prefix);
  });

  it('merge → dbt-staging by itself → smoke → dbt-prod asked → approved by a data owner → dbt-prod, each Databricks job run once', async () => {
    sb = await startSandbox({ port: 0, redisUrl: REDIS_URL, prefix, logLevel: 'silent', freezeCalendar: false, pollMs: 200, log: () => undefined });
    const s = sb;
    const post = async (path: string, body: unknown) => (await fetch(`${s.url}console/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
    const merged = await post('github/merge', { user: ERIN, repo: 'acme/analytics' });
    expect(merged).toMatchObject({ ok: true, branch: 'main' });

    const staging = await waitUntil('dbt-staging promotion', async () => (await s.app.repo.recent(50)).find((p) => p.env === 'dbt-staging' && p.service === 'dbt-analytics'), 10_000);
    expect(staging).toMatchObject({ origin: { via: 'trigger', mode: 'auto', author: { slackId: ERIN } } });
    const staged = await waitUntil('dbt-staging to end', async () => {
      const p = await s.app.repo.get(staging.id);
      return p && ['succeeded', 'failed', 'failed_verification', 'blocked'].includes(p.state) ? p : undefined;
    }, 60_000);
    expect({ state: staged.state, reason: staged.stateReason ?? '' }).toEqual({ state: 'succeeded', reason: '' });
    expect(staged.evidence.verification).toMatchObject({ workflow: 'smoke.yml', conclusion: 'success' });
    const stagingRuns = s.databricks.runs(DBT_JOBS['dbt-staging']);
    expect(stagingRuns).toHaveLength(1);
    expect(stagingRuns[0]!.parameters).toMatchObject({ target: 'dbt-staging', git_commit: merged.sha });

    const prod = await waitUntil('the dbt-prod request', async () => {
      const p = (await s.app.repo.recent(50)).find((x) => x.env === 'dbt-prod' && x.service === 'dbt-analytics' && x.origin);
      return p?.state === 'awaiting_approval' && p.messageTs ? p : undefined;
    }, 20_000);
    expect(prod.sha).toBe(merged.sha);
    const card = await waitUntil('the card shows Approve', () => {
      const m = s.slack.message(RELEASES_CHANNEL, prod.messageTs!);
      return m && JSON.stringify(m.blocks).includes(ACTIONS.approve) ? m : undefined;
    });
    expect(JSON.stringify(card.blocks)).toContain(`on behalf of <@${ERIN}>`);
    // Erin merged it: the author cannot approve (and is in data engineering)
    await post('action', { user: ERIN, channel: RELEASES_CHANNEL, messageTs: prod.messageTs, actionId: ACTIONS.approve });
    await waitUntil('Erin is refused', () => s.slack.ephemerals(ERIN).some((e) => /separation of duties|own/i.test(e.text)));
    await post('action', { user: DANA, channel: RELEASES_CHANNEL, messageTs: prod.messageTs, actionId: ACTIONS.approve });
    const shipped = await waitUntil('dbt-prod to end', async () => {
      const p = await s.app.repo.get(prod.id);
      return p && ['succeeded', 'failed', 'failed_verification'].includes(p.state) && p.exec?.finalized ? p : undefined;
    }, 60_000);
    expect({ state: shipped.state, reason: shipped.stateReason ?? '' }).toEqual({ state: 'succeeded', reason: '' });
    const prodRuns = s.databricks.runs(DBT_JOBS['dbt-prod']);
    expect(prodRuns).toHaveLength(1);
    expect(prodRuns[0]!.parameters).toMatchObject({ target: 'dbt-prod', git_commit: merged.sha });
    expect(shipped.evidence.databricks).toMatchObject({ resultState: 'SUCCESS', dbt: { read: true } });
    expect(shipped.approvals.map((a) => a.userId)).toEqual([DANA]);
  });
});
