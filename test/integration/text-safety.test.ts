import { BASE_CONFIG, CHANNEL, INCIDENT_CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { TestClock } from '../helpers/test-clock';
import { waitUntil } from '../helpers/wait-until';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import { OVERRIDE_CALLBACK } from '../../src/adapters/slack/blocks/override-modal';
import { REJECT_CALLBACK } from '../../src/adapters/slack/blocks/reject-modal';
import { mention } from '../../src/shared/mrkdwn';

/** What people type, as in the issue: it would ping the channel and plant a link if it reached Slack raw. */
const HOSTILE = '<!channel> & <http://x|y>';
/** The same text as Slack must receive it in mrkdwn: shown literally, pings nobody. */
const ESCAPED = '&lt;!channel&gt; &amp; &lt;http://x|y&gt;';

/**
 * Every request body that reached the Slack emulator: Web API calls (chat.postMessage,
 * chat.update, chat.postEphemeral, views.open, files.*) and response_url posts. File contents
 * (the uploaded evidence pack) are files, not messages, and are left out.
 */
function slackTraffic(h: Harness): Array<{ path: string; body: string }> {
  return h.slack.calls
    .filter((c) => c.path.startsWith('/api/') || c.path.startsWith('/response/'))
    .map((c) => ({ path: c.path, body: JSON.stringify(c.body) }));
}

/** Nothing that reached Slack carries the hostile text raw; returns how many bodies carry it escaped. */
function expectNoRawMarkup(h: Harness): number {
  const traffic = slackTraffic(h);
  expect(traffic.filter((t) => t.body.includes('<!channel>') || t.body.includes('<http://x|y>'))).toEqual([]);
  // and never escaped twice
  expect(traffic.filter((t) => t.body.includes('&amp;lt;') || t.body.includes('&amp;amp;'))).toEqual([]);
  return traffic.filter((t) => t.body.includes(ESCAPED)).length;
}

const cardOf = (h: Harness, ts: string) => JSON.stringify(h.slack.message(CHANNEL, ts)?.blocks ?? []);
const threadOf = (h: Harness, ts: string) => h.slack.thread(CHANNEL, ts).map((m) => m.text);

async function reply(h: Harness, text: string, userId: string = USERS.engineer, command = '/promote', channelId = CHANNEL): Promise<string> {
  const before = h.slack.ephemerals(userId).length;
  await h.slack.sendSlashCommand({ command, text, userId, channelId });
  const e = await waitUntil(`reply to ${command} ${text}`, () => h.slack.ephemerals(userId).slice(before)[0]);
  return `${e.text}\n${JSON.stringify(e.blocks)}`;
}

describe('user text never becomes Slack markup', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('reason=, the rejection reason, history, status, parse-error echoes and the evidence pack reach Slack escaped', async () => {
    h = await startHarness('escape-reason', { config: `${BASE_CONFIG}\nincidents:\n  channels: ["^inc-"]\n` });
    const p = await h.request(`markets-pipeline prod reason="${HOSTILE}"`, USERS.rm1);
    expect(p.reason).toBe(HOSTILE);
    // the approval card (chat.postMessage / chat.update)
    expect(cardOf(h, p.messageTs!)).toContain(`*Reason*\\n${ESCAPED}`);

    // the rejection reason: on the card and in the thread
    await h.click(p, ACTIONS.reject, USERS.rm2);
    const opened = await h.slack.waitFor<{ action: string; view: { id: string; callback_id: string } }>(
      'view',
      (v) => v.action === 'open' && v.view.callback_id === REJECT_CALLBACK,
    );
    await h.slack.sendViewSubmission({
      userId: USERS.rm2,
      viewId: opened.view.id,
      values: { reason: { value: { type: 'plain_text_input', value: HOSTILE } } },
    });
    const rejected = await h.waitState(p.id, 'rejected');
    expect(rejected.rejection?.reason).toBe(HOSTILE);
    const post = await waitUntil('the rejection in the thread', () => threadOf(h, p.messageTs!).find((t) => t.includes('Rejected by')));
    expect(post).toBe(`:no_entry: Rejected by <@${USERS.rm2}>: ${ESCAPED}`);
    await waitUntil('the card shows the rejection', () => cardOf(h, p.messageTs!).includes(`Rejected* by <@${USERS.rm2}>: ${ESCAPED}`));

    // history and status (response_url ephemerals)
    expect(await reply(h, 'history markets-pipeline')).toContain(ESCAPED);
    expect(await reply(h, 'status markets-pipeline')).toContain('*markets-pipeline*');

    // command echoes in parse errors
    expect(await reply(h, `markets-pipeline prod ${HOSTILE}`)).toContain(`unexpected \`${ESCAPED}\``);
    expect(await reply(h, `"${HOSTILE}" prod`)).toContain(`Unknown service \`${ESCAPED}\``);
    expect(await reply(h, `history "${HOSTILE}"`)).toContain(`Unknown service \`${ESCAPED}\``);
    expect(await reply(h, `"${HOSTILE}"`, USERS.oncall, '/rollback', INCIDENT_CHANNEL)).toContain(`Unknown service \`${ESCAPED}\``);

    // the evidence pack: the Slack-side comment of the upload
    await reply(h, `evidence ${p.id}`, USERS.rm1);
    await waitUntil('the evidence pack upload', () => h.slack.calls.some((c) => c.path === '/api/files.completeUploadExternal'));

    // Slack sends what people type with &, <, > as entities: read as the text it stands for, escaped once on the way out
    const q = await h.request('markets-pipeline prod reason="&lt;!channel&gt; &amp; &lt;http://x|y&gt;"', USERS.rm1);
    expect(q.reason).toBe(HOSTILE);
    expect(cardOf(h, q.messageTs!)).toContain(`*Reason*\\n${ESCAPED}`);

    expect(expectNoRawMarkup(h)).toBeGreaterThanOrEqual(8);
  });

  it('the override form, freeze names, plan, status and freeze reach Slack escaped', async () => {
    const config = `${BASE_CONFIG}
freezes:
  - name: "${HOSTILE}"
    environments: [prod]
    dates: ["2026-12-15"]
emergency:
  approvers: [S0VPS]
announce: { channel: ${CHANNEL} }
`;
    h = await startHarness('escape-override', { config, clock: new TestClock('2026-12-15T10:00:00Z') });
    const p = await h.request('markets-pipeline prod', USERS.rm1, 'blocked');
    // the Blocked line and the gate line name the freeze, escaped
    const card = cardOf(h, p.messageTs!);
    expect(card).toContain(`*Blocked* by a gate: Frozen by *${ESCAPED}*`);
    expect(card).toContain(`:no_entry: *freeze*: Frozen by *${ESCAPED}*`);

    // the override modal (views.open) shows the freeze
    await h.click(p, ACTIONS.override, USERS.rm1);
    const opened = await h.slack.waitFor<{ action: string; view: { id: string; callback_id: string; blocks: unknown[] } }>(
      'view',
      (v) => v.action === 'open' && v.view.callback_id === OVERRIDE_CALLBACK,
    );
    expect(JSON.stringify(opened.view.blocks)).toContain(ESCAPED);

    // justification, rollback plan and on-call engineer: in the thread, escaped; the on-call engineer a real mention
    await h.slack.sendViewSubmission({
      userId: USERS.rm1,
      viewId: opened.view.id,
      values: {
        justification: { value: { type: 'plain_text_input', value: `payments down ${HOSTILE}` } },
        rollback_plan: { value: { type: 'plain_text_input', value: `redeploy ${HOSTILE}` } },
        on_call: { value: { type: 'users_select', selected_user: USERS.oncall } },
      },
    });
    await h.waitState(p.id, 'awaiting_approval');
    const post = await waitUntil('the override request in the thread', () => threadOf(h, p.messageTs!).find((t) => t.includes('Emergency override')));
    expect(post).toContain(`for *${ESCAPED}*.`);
    expect(post).toContain(`• Justification: payments down ${ESCAPED}`);
    expect(post).toContain(`• Rollback plan: redeploy ${ESCAPED}`);
    expect(post).toContain(`• On-call engineer: <@${USERS.oncall}>`);

    // plan (its gates, and the echo of what was typed), status and freeze (response_url ephemerals)
    expect(await reply(h, 'plan markets-pipeline prod')).toContain(`Frozen by *${ESCAPED}*`);
    expect(await reply(h, `plan markets-pipeline prod from="${HOSTILE}"`)).toContain(ESCAPED);
    expect(await reply(h, 'status markets-pipeline')).toContain(`frozen by *${ESCAPED}*`);
    expect(await reply(h, 'freeze prod')).toContain(ESCAPED);

    expect(expectNoRawMarkup(h)).toBeGreaterThanOrEqual(6);
  });

  it('freeze announcements name the freeze escaped', async () => {
    const config = `${BASE_CONFIG}
freezes:
  - name: "${HOSTILE}"
    environments: [prod]
    dates: ["2026-12-15"]
announce: { channel: ${CHANNEL} }
`;
    h = await startHarness('escape-announce', { config, clock: new TestClock('2026-12-14T12:00:00Z') });
    const posted = await waitUntil('the announcement', () => h.slack.messages(CHANNEL).find((m) => m.text.includes('Change freeze')));
    expect(posted.text).toContain(`Change freeze *${ESCAPED}* starts in 12 h`);
    expectNoRawMarkup(h);
  });

  it('a tampered on-call engineer is refused at the door and never becomes markup', async () => {
    const config = `${BASE_CONFIG}
freezes:
  - name: regulatory filing
    environments: [prod]
    dates: ["2026-12-15"]
emergency:
  approvers: [S0VPS]
`;
    h = await startHarness('escape-oncall', { config, clock: new TestClock('2026-12-15T10:00:00Z') });
    const p = await h.request('markets-pipeline prod', USERS.rm1, 'blocked');
    await h.click(p, ACTIONS.override, USERS.rm1);
    const opened = await h.slack.waitFor<{ action: string; view: { id: string } }>('view', (v) => v.action === 'open');
    const res = await h.slack.sendViewSubmission({
      userId: USERS.rm1,
      viewId: opened.view.id,
      values: {
        justification: { value: { type: 'plain_text_input', value: 'payments are down for everyone' } },
        rollback_plan: { value: { type: 'plain_text_input', value: 'redeploy the previous build' } },
        on_call: { value: { type: 'users_select', selected_user: HOSTILE } },
      },
    });
    // a user picker can only hold a user id: anything else is a forged payload, refused before a listener sees it
    expect(res.status).toBe(400);
    expect((await h.app.repo.get(p.id))?.override).toBeUndefined();
    expect(threadOf(h, p.messageTs!).some((t) => t.includes('Emergency override'))).toBe(false);
    expectNoRawMarkup(h);
    // and were it ever shown, a non-id is text, not a mention
    expect(mention(HOSTILE).text).toBe(ESCAPED);
  });
});

describe('links shipgate builds stay links', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("the Blocked line's change-record link is a real <url|CHG…> link", async () => {
    const config = BASE_CONFIG.replace('    requiredApprovals: 1\n', '    requiredApprovals: 1\n    changeRecord: required\n').replace(
      '    repo: acme/markets\n',
      '    repo: acme/markets\n    servicenow: { ci: markets-pipeline }\n',
    );
    h = await startHarness('escape-cr-link', { config, clock: new TestClock('2026-03-02T11:00:00Z'), servicenow: true });
    h.servicenow.addCi({ name: 'markets-pipeline' });
    h.servicenow.addCi({ name: 'payments' });
    h.servicenow.addChange({
      number: 'CHG0030004',
      state: '-2',
      type: 'normal',
      approval: 'approved',
      start_date: '2026-03-02 09:00:00',
      end_date: '2026-03-02 17:00:00',
      cmdb_ci: 'payments',
    });
    const p = await h.request('markets-pipeline prod cr=CHG0030004', USERS.rm1, 'blocked');
    const state = (h.slack.message(CHANNEL, p.messageTs!)?.blocks ?? []).find((b) => b.block_id === 'state') as { text: { text: string } };
    expect(state.text.text).toMatch(new RegExp(`^:no_entry: \\*Blocked\\* by a gate: Change <${h.servicenow.url}/[^|<>]+\\|CHG0030004> `));
    expect(state.text.text).not.toContain('&lt;');
  });
});
