import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { RELEASES_CHANNEL } from '../../src/sandbox/demo-workspace';
import { DBT_CHANGE, DBT_JOBS } from '../../src/sandbox/seed-databricks';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(90_000);

describe('sandbox: the runbook-004 service (dbt-analytics, strategy databricks)', () => {
  let sb: Sandbox;
  const prefix = uniquePrefix('dbx-sandbox');
  afterAll(async () => {
    await sb?.close();
    await dropPrefix(prefix);
  });

  it('promotes dbt-analytics to prod through the emulated Databricks job (resolved by name) with dbt evidence', async () => {
    sb = await startSandbox({ port: 0, redisUrl: REDIS_URL, prefix, logLevel: 'silent', freezeCalendar: false, pollMs: 250 });
    expect(sb.databricks.job(DBT_JOBS['dbt-prod'])?.name).toBe('dbt-analytics prod build');
    const before = new Set((await sb.app.repo.recent(100)).map((p) => p.id));
    await sb.slack.sendSlashCommand({ command: '/promote', text: `dbt-analytics dbt-prod cr=${DBT_CHANGE} reason="VaR model"`, userId: 'U0RELMGR1', channelId: RELEASES_CHANNEL });
    const p = await waitUntil('the dbt-analytics promotion to be evaluated', async () => (await sb.app.repo.recent(20)).find((x) => !before.has(x.id) && x.service === 'dbt-analytics' && x.state !== 'requested' && x.messageTs));
    // every gate passes but the approval (the seeded staging deploy passed its smoke tests; change CHG0030040 for the dbt-analytics CI)
    expect({ state: p.state, notPassing: p.gates.filter((g) => g.status !== 'pass').map((g) => g.gate) }).toEqual({ state: 'awaiting_approval', notPassing: ['approval'] });
    expect(p.sha).toBe(sb.seed.databricks.head);
    await waitUntil('the approve button', () => JSON.stringify(sb.slack.message(RELEASES_CHANNEL, p.messageTs!)?.blocks ?? []).includes(ACTIONS.approve));
    await sb.slack.sendBlockAction({ userId: 'U0DATAENG1', channelId: RELEASES_CHANNEL, messageTs: p.messageTs!, actionId: ACTIONS.approve });
    const done = await waitUntil('the promotion to end', async () => {
      const x = await sb.app.repo.get(p.id);
      return x && (x.state === 'succeeded' || x.state === 'failed') && x.exec?.finalized ? x : undefined;
    }, 60_000);
    expect(done.stateReason ?? '').toBe('');
    expect(done.state).toBe('succeeded');
    const runs = sb.databricks.runs(DBT_JOBS['dbt-prod']);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.parameters).toMatchObject({ cmd: 'build', target: 'dbt-prod', git_commit: p.sha, select: 'tag:deploy', defer: 'true' });
    expect(done.evidence.databricks).toMatchObject({ jobName: 'dbt-analytics prod build', resultState: 'SUCCESS', dbt: { read: true, models: { passed: 5, skipped: 1 }, tests: { passed: 4, warned: 1 } } });
  });
});
