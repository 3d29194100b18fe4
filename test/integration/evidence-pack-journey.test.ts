import MarkdownIt from 'markdown-it';
import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { PLATFORM_CONFIG, seedPlatform } from '../helpers/platform';
import { ACTIONS } from '../../src/adapters/slack/blocks/promotion-message';
import type { Promotion } from '../../src/domain/promotion';

interface Table {
  head: string[];
  rows: string[][];
}

/** The tables a GFM renderer (as GitHub's) finds in a Markdown document, cells as rendered HTML. */
function tables(md: string): Table[] {
  const mdi = new MarkdownIt();
  const tokens = mdi.parse(md, {});
  const out: Table[] = [];
  let cur: Table | undefined;
  let row: string[] | undefined;
  let inHead = false;
  for (const t of tokens) {
    if (t.type === 'table_open') cur = { head: [], rows: [] };
    else if (t.type === 'thead_open') inHead = true;
    else if (t.type === 'thead_close') inHead = false;
    else if (t.type === 'tr_open') row = [];
    else if (t.type === 'tr_close' && cur && row) {
      if (inHead) cur.head = row;
      else cur.rows.push(row);
    } else if (t.type === 'inline' && row) row.push(mdi.renderInline(t.content));
    else if (t.type === 'table_close' && cur) {
      out.push(cur);
      cur = undefined;
    }
  }
  return out;
}

async function deploy(h: Harness, text: string, requester: string, approver: string): Promise<Promotion> {
  const p = await h.request(text, requester);
  await h.click(p, ACTIONS.approve, approver);
  return h.waitState(p.id, 'succeeded', 15_000);
}

describe('the evidence pack at the last environment', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('is Markdown (no Slack markup, names not IDs, tables GitHub renders) and covers the whole dev → test → prod journey; the JSON carries the same', async () => {
    h = await startHarness('evidence-journey', { config: PLATFORM_CONFIG });
    const { devHead, featurePr } = await seedPlatform(h, { featurePr: true });
    const ciDev = h.github.runs('acme/platform').find((r) => r.name === 'ci-dev' && r.head_sha === devHead)!;
    const toTest = await deploy(h, 'databricks-jobs test', USERS.engineer, USERS.engineer);
    const toProd = await deploy(h, 'databricks-jobs prod', USERS.rm1, USERS.rm2);
    const prodHead = h.github.branchHead('acme/platform', 'prod')!;
    expect(toProd.evidence.mergeSha).toBe(prodHead);

    const mdFile = await h.slack.waitFor<{ file: { name: string }; text: string; threadTs?: string }>('file', (f) => f.file.name === `evidence-${toProd.id}.md`);
    expect(mdFile.threadTs).toBe(toProd.messageTs);
    const md = mdFile.text;

    // no Slack markup: links are [text](url), users are names, bold is **bold**
    expect(md).not.toMatch(/<@[UW][A-Z0-9]+>/);
    expect(md).not.toMatch(/<https?:\/\/[^>]*\|/);
    expect(md).not.toMatch(/<!subteam/);
    expect(md).not.toMatch(/(?<![*\\])\*[A-Za-z][^*\n]*[^*\s\\]\*(?!\*)/);
    for (const id of Object.values(USERS)) expect(md).not.toContain(id);
    expect(md).toContain('| Requested by | rita.release at');
    expect(md).toContain('| Approved by | ravi.release at');
    expect(md).toContain('| approval | pass | `approved` | Approved by ravi.release (1/1) |');
    expect(md).toContain('| freeze | pass | `not_frozen` | **prod** is not in a change freeze |');
    expect(md).toContain(`| Slack thread | [open the thread](https://slack.com/archives/${CHANNEL}/p`);
    expect(new MarkdownIt().render(md)).not.toContain('<em>');

    // the tables render (GFM) with their columns
    const t = tables(md);
    const journey = t.find((x) => x.head[0] === 'Stage')!;
    expect(journey.head).toEqual(['Stage', 'How', 'Commit deployed', 'Pull requests', 'Runs', 'Databricks runs', 'Approved by', 'Result']);
    expect(journey.rows.map((r) => r[0])).toEqual(['dev', 'test', 'prod']);
    const [dev, test, prod] = journey.rows as [string[], string[], string[]];
    const link = (text: string, url: string) => `<a href="${url}">${text}</a>`;
    const commit = (sha: string) => link(`<code>${sha.slice(0, 7)}</code>`, `${h.github.url}/acme/platform/commit/${sha}`);
    // dev: merged by a person (runbook phase 1): the feature PR and the ci-dev run, from GitHub
    expect(dev[1]).toBe('not promoted by shipgate (from GitHub)');
    expect(dev[2]).toBe(commit(devHead));
    expect(dev[3]).toBe(link(`#${featurePr!.number}`, featurePr!.url));
    expect(dev[4]).toBe(`${link('ci-dev #1', String(ciDev.html_url))} success`);
    expect(dev[5]).toBe('<code>30001</code>');
    // test: shipgate's promotion dev → test
    const testRun = toTest.evidence.runs[0]!;
    expect(test[1]).toContain(`${toTest.id}</a> dev → test`);
    expect(test[2]).toBe(`${commit(toTest.evidence.mergeSha!)} (merge of ${commit(devHead)})`);
    expect(test[3]).toBe(link(`#${toTest.evidence.pullRequests[0]!.number}`, toTest.evidence.pullRequests[0]!.url));
    expect(test[4]).toBe(`${link('ci-test #1', testRun.url)} success`);
    expect(test[5]).toBe('<code>41001</code>, <code>41002</code>');
    expect(test[6]).toBe('erin.engineer');
    expect(test[7]).toBe('SUCCEEDED');
    // prod: this promotion
    expect(prod[2]).toBe(`${commit(prodHead)} (merge of ${commit(toTest.evidence.mergeSha!)})`);
    expect(prod[4]).toBe(`${link('cd-prod #1', toProd.evidence.runs[0]!.url)} success`);
    expect(prod[5]).toBe('<code>52002</code>, <code>52003</code>');
    expect(prod[6]).toBe('ravi.release');
    expect(md).toContain(`**Commit now in prod:** [\`${prodHead.slice(0, 7)}\`](${h.github.url}/acme/platform/commit/${prodHead}) (\`${prodHead}\`)`);
    // each earlier stage's gate results
    const testGates = t.find((x) => x.head[0] === 'Gate' && md.indexOf(`### test: gates of ${toTest.id}`) >= 0)!;
    expect(testGates.head).toEqual(['Gate', 'Result', 'Code', 'Detail']);
    expect(md).toContain(`### test: gates of ${toTest.id}\n\n| Gate | Result | Code | Detail |\n|---|---|---|---|\n| path | pass | \`path_ok\` | dev → test follows dev → test → prod |`);

    // the JSON pack carries the same
    const jsonFile = await h.slack.waitFor<{ file: { name: string }; text: string }>('file', (f) => f.file.name === `evidence-${toProd.id}.json`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON document checked field by field
    const json = JSON.parse(jsonFile.text) as Record<string, any>;
    expect(json.deployed).toEqual({ environment: 'prod', sha: prodHead });
    expect(json.requestedBy).toMatchObject({ user: USERS.rm1, name: 'rita.release' });
    expect(json.approvals).toEqual([{ user: USERS.rm2, name: 'ravi.release', at: toProd.approvals[0]!.at }]);
    expect(json.users).toMatchObject({ [USERS.rm1]: 'rita.release', [USERS.rm2]: 'ravi.release', [USERS.engineer]: 'erin.engineer' });
    expect(json.journey.map((s: { environment: string; source: string }) => `${s.environment}:${s.source}`)).toEqual(['dev:github', 'test:shipgate', 'prod:shipgate']);
    const [jDev, jTest, jProd] = json.journey;
    expect(jDev).toMatchObject({ deployedSha: devHead, pullRequests: [{ number: featurePr!.number, url: featurePr!.url }], runs: [{ name: 'ci-dev', runNumber: 1 }], databricksRuns: [{ value: '30001' }] });
    expect(jTest).toMatchObject({
      promotionId: toTest.id,
      sha: devHead,
      deployedSha: toTest.evidence.mergeSha,
      mergeSha: toTest.evidence.mergeSha,
      outcome: 'succeeded',
      pullRequests: [{ number: toTest.evidence.pullRequests[0]!.number }],
      runs: [{ name: 'ci-test', runNumber: 1, url: testRun.url }],
      databricksRuns: [{ value: '41001' }, { value: '41002' }],
      approvals: [{ user: USERS.engineer, name: 'erin.engineer' }],
    });
    expect(jTest.gates.map((g: { gate: string; status: string }) => `${g.gate}:${g.status}`)).toEqual(expect.arrayContaining(['path:pass', 'approval:pass', 'freeze:pass']));
    expect(jProd).toMatchObject({ promotionId: toProd.id, deployedSha: prodHead, databricksRuns: [{ value: '52002' }, { value: '52003' }], approvals: [{ user: USERS.rm2 }] });
  });
});
