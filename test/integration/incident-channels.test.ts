import { BASE_CONFIG, INCIDENT_CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { waitUntil } from '../helpers/wait-until';

describe('/rollback with incidents.channels given as channel IDs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('incident-ids', { config: `${BASE_CONFIG}\nincidents:\n  channels: [${INCIDENT_CHANNEL}]\n  rollbackApprovers: [S0ONCALL]\n` });
    // anyone can create a channel with an incident-like name
    h.slack.addChannel({ id: 'C0LOOKALIKE', name: 'inc-9999-lookalike' });
  });
  afterAll(async () => {
    await h.close();
  });

  async function rollbackIn(channelId: string): Promise<string> {
    const before = h.ephemeralsFor(USERS.oncall).length;
    const res = await h.slack.sendSlashCommand({ command: '/rollback', text: 'markets-pipeline', userId: USERS.oncall, channelId });
    expect(res.status).toBe(200);
    return waitUntil('a reply', () => h.ephemeralsFor(USERS.oncall).slice(before)[0]);
  }

  it('refuses a channel that only looks like an incident channel by name', async () => {
    expect(await rollbackIn('C0LOOKALIKE')).toContain(`\`/rollback\` works only in incident channels: <#${INCIDENT_CHANNEL}>`);
  });

  it('accepts the listed channel (and goes on to look for a rollback target)', async () => {
    const text = await rollbackIn(INCIDENT_CHANNEL);
    expect(text).not.toContain('works only in incident channels');
    expect((await h.app.repo.recent(10)).filter((p) => p.kind === 'rollback')).toEqual([]);
  });
});
