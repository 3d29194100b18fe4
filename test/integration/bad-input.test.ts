import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { waitUntil } from '../helpers/wait-until';

describe('bad input gets a clear error and loses nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('badinput');
  });
  afterAll(async () => {
    await h.close();
  });

  async function replyTo(text: string, userId: string = USERS.engineer): Promise<string> {
    const before = h.ephemeralsFor(userId).length;
    const res = await h.promote(text, userId);
    expect(res.status).toBe(200);
    return waitUntil(`reply to "/promote ${text}"`, () => h.ephemeralsFor(userId).slice(before)[0]);
  }

  it.each([
    ['markets-pipe int', 'Unknown service `markets-pipe`. Did you mean `markets-pipeline`?'],
    ['nosuch prod', 'Services: `markets-pipeline`, `databricks-jobs`'],
    ['markets-pipeline test', '`test` is not an environment of markets-pipeline. Pipeline: `int` → `prod`'],
    ['markets-pipeline prod cr=1234', 'expected the form `CHG0030001`'],
    ['markets-pipeline prod colour=blue', 'unknown option `colour=`'],
    ['markets-pipeline', 'missing environment'],
    ['markets-pipeline int', 'is the first environment'],
  ])('/promote %s', async (text, expected) => {
    expect(await replyTo(text)).toContain(expected);
  });

  it('/promote help lists services and environments', async () => {
    const before = h.slack.ephemerals(USERS.engineer).length;
    await h.promote('help');
    const e = await waitUntil('help', () => h.slack.ephemerals(USERS.engineer).slice(before)[0]);
    const text = JSON.stringify(e.blocks);
    expect(text).toContain('markets-pipeline');
    expect(text).toContain('databricks-jobs');
    expect(text).toContain('dev → test → prod');
  });

  it('refuses a requester who is not a deployer of the environment', async () => {
    expect(await replyTo('markets-pipeline prod', USERS.outsider)).toContain('You may not deploy to `prod`');
    const recent = await h.app.repo.recent(50);
    expect(recent.filter((p) => p.requester.id === USERS.outsider)).toHaveLength(0);
  });

  it('blocks a promotion that skips an environment, naming it', async () => {
    const p = await h.request('databricks-jobs prod from=dev', USERS.engineer, 'blocked');
    expect(p.gates.find((g) => g.gate === 'path')?.code).toBe('skips_environment');
    await waitUntil('message shows the block', () => JSON.stringify(h.slack.message(CHANNEL, p.messageTs!)?.blocks).includes('skips `test`'));
    expect(JSON.stringify(h.slack.message(CHANNEL, p.messageTs!)?.blocks)).not.toContain(ACTIONS.approve);
  });

  it('refuses a forged Slack signature with 401', async () => {
    const before = (await h.app.repo.recent(100)).length;
    const res = await h.slack.sendSlashCommand({ command: '/promote', text: 'markets-pipeline prod', userId: USERS.rm1, channelId: CHANNEL }, { signingSecret: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect((await h.app.repo.recent(100)).length).toBe(before);
  });

  it('refuses a request older than 5 minutes with 401', async () => {
    const res = await h.slack.sendSlashCommand(
      { command: '/promote', text: 'markets-pipeline prod', userId: USERS.rm1, channelId: CHANNEL },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(res.status).toBe(401);
  });

  it('refuses a tampered button value (unknown id, or another promotion\'s id)', async () => {
    const p = await h.request('markets-pipeline prod', USERS.rm1);
    await h.slack.sendBlockAction({ userId: USERS.rm2, channelId: CHANNEL, messageTs: p.messageTs!, actionId: ACTIONS.approve, value: 'p-20990101-zzzzzz' });
    await waitUntil('unknown id refused', () => h.ephemeralsFor(USERS.rm2).find((t) => t.includes('No promotion `p-20990101-zzzzzz`')));

    h.github.addRepo('acme/platform', { defaultBranch: 'main' });
    const q = await h.request('databricks-jobs test', USERS.engineer);
    // q's id on p's message
    await h.slack.sendBlockAction({ userId: USERS.rm2, channelId: CHANNEL, messageTs: p.messageTs!, actionId: ACTIONS.approve, value: q.id });
    await waitUntil('foreign id refused', () => h.ephemeralsFor(USERS.rm2).find((t) => t.includes(`does not belong to promotion \`${q.id}\``)));
    expect((await h.app.repo.get(q.id))?.state).toBe('awaiting_approval');
    expect((await h.app.repo.get(p.id))?.state).toBe('awaiting_approval');
  });

  it('refuses to start on a port in use, saying so, and leaves nothing running', async () => {
    const { startShipgate } = await import('../../src/main');
    const { silentLogger } = await import('../../src/app/logger');
    await expect(startShipgate({ config: h.config, env: { ...h.env, PORT: h.app.port }, role: 'all', logger: silentLogger, host: '127.0.0.1' })).rejects.toThrow(
      `port ${h.app.port} is already in use`,
    );
  });

  it('/promote plan replies with every gate and what would ship, and requests nothing', async () => {
    const before = (await h.app.repo.recent(100)).length;
    const start = h.slack.ephemerals(USERS.rm1).length;
    await h.promote('plan markets-pipeline prod', USERS.rm1);
    const e = await waitUntil('plan reply', () => h.slack.ephemerals(USERS.rm1).slice(start)[0]);
    const text = JSON.stringify(e.blocks);
    expect(text).toContain('path');
    expect(text).toContain('approval');
    expect(text).toContain(h.mainSha.slice(0, 7));
    expect(text).toContain('No gate blocks');
    expect(text).toContain('What would ship');
    expect(text).toContain('no successful deployment of markets-pipeline in prod yet');
    expect(text).toContain('Dry run: nothing was requested');
    expect((await h.app.repo.recent(100)).length).toBe(before);
  });

  it('answers health and readiness', async () => {
    expect((await fetch(`${h.app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});
