/**
 * The sandbox's cycles and metrics gates: examples/sandbox/shipgate.yml asks prod for 2
 * successful surveillance-pipeline runs on the candidate in the source environment, and the
 * seed ran them (with a failed one in between for markets-pipeline). A prod request of either
 * demo service shows "2 of 2 cycles" with the runs that counted, and the error rate the
 * sandbox's Prometheus emulator answers ("error rate 0.004 ≤ 0.01").
 */
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox';
import type { Promotion } from '../../src/domain/promotion';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis-prefix';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(60_000);

describe('sandbox: cycles gate fed by seeded runs, metrics from the Prometheus emulator', () => {
  let sb: Sandbox;
  const prefix = uniquePrefix('sandbox-cycles');

  beforeAll(async () => {
    sb = await startSandbox({ port: 0, redisUrl: REDIS_URL, prefix, logLevel: 'silent', freezeCalendar: false, pollMs: 250 });
  });

  afterAll(async () => {
    await sb?.close();
    await dropPrefix(prefix);
  });

  async function request(text: string): Promise<Promotion> {
    const before = new Set((await sb.app.repo.recent(100)).map((p) => p.id));
    const res = await sb.slack.sendSlashCommand({ command: '/promote', text, userId: 'U0RELMGR1', channelId: 'C0RELEASES' });
    expect(res.status).toBe(200);
    return waitUntil(`a promotion from /promote ${text} with its gates`, async () => {
      const p = (await sb.app.repo.recent(20)).find((x) => !before.has(x.id));
      return p && p.state !== 'requested' ? p : undefined;
    });
  }

  it('markets-pipeline prod: 2 of 2 cycles on the candidate in int (the failed run does not count)', async () => {
    const p = await request('markets-pipeline prod cr=CHG0030001 reason="weekly release"');
    const g = p.gates.find((x) => x.gate === 'cycles');
    expect(g).toMatchObject({ status: 'pass', code: 'cycles_ok', details: { have: 2, count: 2, workflow: 'surveillance-pipeline.yml', from: 'int' } });
    expect(g!.summary).toMatch(/^2 of 2 cycles: `surveillance-pipeline\.yml` succeeded on `[0-9a-f]{7}` in `int`/);
    const runs = sb.github.runs('acme/markets').filter((r) => r.name === 'surveillance-pipeline' && r.head_sha === p.sha);
    expect(runs.map((r) => r.conclusion).sort()).toEqual(['failure', 'success', 'success']);
    expect(p.gates.find((x) => x.gate === 'metrics')).toMatchObject({ status: 'pass', code: 'metrics_ok', summary: 'Metrics within bounds: error rate 0.004 ≤ 0.01' });
  });

  it('databricks-jobs prod: 2 of 2 cycles on the head of test', async () => {
    const p = await request('databricks-jobs prod cr=CHG0030001 reason="FX exposure go-live"');
    expect(p.gates.find((x) => x.gate === 'cycles')).toMatchObject({ status: 'pass', code: 'cycles_ok', details: { have: 2, from: 'test' } });
  });
});
