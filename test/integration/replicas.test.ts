import { isTerminal, type Promotion } from '../../src/domain/promotion';
import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { ShipgateProcess } from '../helpers/shipgate-process';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(240_000);

const APPROVED_AT_ONCE = 20;
const RACE_SERVICES = 10;
const RACES = 50;

const name = (i: number) => `svc-${String(i).padStart(2, '0')}`;

/** One repo and workflow, many services: every (service, prod) pair is its own lock and its own promotion. */
const CONFIG = `
timezone: Europe/London
environments:
  - name: int
    deployers: ["*"]
  - name: prod
    deployers: [S0RELEASEMGRS, ${USERS.engineer}]
    approvers: [S0RELEASEMGRS]
    requiredApprovals: 1
services:
${Array.from({ length: APPROVED_AT_ONCE + RACE_SERVICES }, (_, i) => `  - name: ${name(i + 1)}
    repo: acme/markets
    pipeline: [int, prod]
    strategy:
      type: workflow
      workflow: deploy.yml
      ref: main
      inputs: { environment: "{{env}}", sha: "{{sha}}", promotion: "{{promotion}}" }
`).join('')}`;

/** Ended, terminal work and Deployment mirror complete, nothing owed to Slack. */
async function settled(h: Harness, id: string): Promise<Promotion> {
  return waitUntil(
    `promotion ${id} to finish all its work`,
    async () => {
      const p = await h.app.repo.get(id);
      const owed = (p?.outbox ?? []).some((i) => i.state !== 'sent');
      return p && (p.state === 'succeeded' || p.state === 'failed') && p.exec?.finalized && p.exec.mirrored && !owed ? p : undefined;
    },
    90_000,
    100,
  );
}

/** Thread posts of a promotion that carry the same metadata key (or text) twice. */
function duplicatePosts(h: Harness, p: Promotion): string[] {
  const thread = h.slack.thread(CHANNEL, p.messageTs!).slice(1);
  const keys = thread.map((m) => (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? `text:${m.text}`);
  return keys.filter((k, i) => keys.indexOf(k) !== i);
}

async function livePromotions(h: Harness, service: string, env: string): Promise<Promotion[]> {
  return (await h.app.repo.recent(1000, service)).filter((p) => p.env === env && !isTerminal(p.state));
}

describe('two web and two worker replicas (real processes) on one Redis prefix', () => {
  let h: Harness;
  let webs: ShipgateProcess[] = [];
  let workers: ShipgateProcess[] = [];
  const botUrl = (i: number) => `${webs[i % webs.length]!.url}/slack/events`;

  beforeAll(async () => {
    // the harness's own bot serves only the web role and is never sent anything: the replicas do all the work
    h = await startHarness('replicas', { role: 'web', config: CONFIG });
    [webs, workers] = await Promise.all([
      Promise.all([ShipgateProcess.start(h, 'web'), ShipgateProcess.start(h, 'web')]),
      Promise.all([ShipgateProcess.start(h, 'worker'), ShipgateProcess.start(h, 'worker')]),
    ]);
  });

  afterAll(async () => {
    await Promise.all([...webs, ...workers].map((p) => p.kill('SIGKILL')));
    await h?.close();
  });

  it(`${APPROVED_AT_ONCE} promotions approved at once through alternating web replicas: ${APPROVED_AT_ONCE} executions, one dispatch each, no duplicates`, async () => {
    const services = Array.from({ length: APPROVED_AT_ONCE }, (_, i) => name(i + 1));
    // requested through the web replicas alternately
    const acks = await Promise.all(
      services.map((s, i) => h.slack.sendSlashCommand({ command: '/promote', text: `${s} prod`, userId: USERS.engineer, channelId: CHANNEL, url: botUrl(i) })),
    );
    expect(acks.map((a) => a.status)).toEqual(services.map(() => 200));
    const requested = await waitUntil(
      `${APPROVED_AT_ONCE} promotions awaiting approval with their message and Approve button`,
      async () => {
        const all = (await h.app.repo.recent(1000)).filter((p) => services.includes(p.service));
        const ready = all.filter(
          (p) => p.state === 'awaiting_approval' && p.messageTs && JSON.stringify(h.slack.message(p.channel, p.messageTs)?.blocks ?? []).includes('"action_id":"promotion_approve"'),
        );
        return ready.length === APPROVED_AT_ONCE ? ready : undefined;
      },
      60_000,
      100,
    );
    expect(new Set(requested.map((p) => p.service))).toEqual(new Set(services));

    // every Approve clicked at the same moment, alternating replicas and approvers
    const clicks = await Promise.all(
      requested.map((p, i) =>
        h.slack.sendBlockAction({ userId: i % 2 ? USERS.rm2 : USERS.rm1, channelId: p.channel, messageTs: p.messageTs!, actionId: 'promotion_approve', url: botUrl(i) }),
      ),
    );
    expect(clicks.map((c) => c.status)).toEqual(requested.map(() => 200));

    const done = await Promise.all(requested.map((p) => settled(h, p.id)));
    expect(done.map((p) => p.state)).toEqual(requested.map(() => 'succeeded'));

    // exactly one dispatch per promotion (matched by the promotion input), nothing else dispatched
    const dispatched = h.github.dispatches.map((d) => String(d.inputs.promotion));
    expect(dispatched).toHaveLength(APPROVED_AT_ONCE);
    expect([...dispatched].sort()).toEqual(requested.map((p) => p.id).sort());
    // one GitHub Deployment per promotion (its payload names it), one status each
    const deployments = h.github.deployments('acme/markets') as Array<{ payload: { shipgate?: string }; statuses: unknown[] }>;
    const statusPosts = h.github.calls.filter((c) => c.method === 'POST' && /\/deployments\/\d+\/statuses$/.test(c.path)).length;
    const byPromotion = requested.map((p) => deployments.filter((d) => d.payload.shipgate === p.id).length);
    expect(byPromotion).toEqual(requested.map(() => 1));
    expect(deployments).toHaveLength(APPROVED_AT_ONCE);
    expect(statusPosts).toBe(APPROVED_AT_ONCE);
    for (const p of done) {
      expect({ id: p.id, duplicates: duplicatePosts(h, p), deploymentsInEvidence: p.evidence.deployments.length }).toEqual({ id: p.id, duplicates: [], deploymentsInEvidence: 1 });
      const audit = (await h.app.audit.forPromotion(p.id)).map((e) => e.type);
      expect({ id: p.id, started: audit.filter((t) => t === 'started').length, succeeded: audit.filter((t) => t === 'succeeded').length }).toEqual({ id: p.id, started: 1, succeeded: 1 });
    }
  });

  it(`${RACES} races of two /promote for one service and env, one through each web replica: never two live promotions`, async () => {
    const outcomes = { oneLive: 0, twoLive: 0, refusedLocked: 0, otherAnswer: 0 };
    const failures: Array<{ race: number; live: string[]; answers: string[] }> = [];
    const racers = [USERS.engineer, USERS.rm1] as const;
    for (let race = 0; race < RACES; race++) {
      const service = name(APPROVED_AT_ONCE + 1 + (race % RACE_SERVICES));
      const seen = racers.map((u) => h.slack.ephemerals(u).length);
      const acks = await Promise.all(
        racers.map((userId, i) => h.slack.sendSlashCommand({ command: '/promote', text: `${service} prod`, userId, channelId: CHANNEL, url: botUrl(race + i) })),
      );
      expect(acks.map((a) => a.status)).toEqual([200, 200]);
      // each requester gets one answer (through response_url, after the ack)
      const answers = await waitUntil(
        `race ${race}: both requesters to get an answer`,
        () => {
          const got = racers.map((u, i) => h.slack.ephemerals(u).slice(seen[i]).map((e) => e.text));
          return got.every((g) => g.length > 0) ? got.map((g) => g[0]!) : undefined;
        },
        20_000,
      );
      const live = await livePromotions(h, service, 'prod');
      const won = answers.filter((a) => a.includes('Requested `'));
      const refused = answers.filter((a) => a.includes('is locked by promotion `') && live.some((p) => a.includes(`\`${p.id}\``)));
      if (live.length === 1) outcomes.oneLive++;
      else outcomes.twoLive++;
      outcomes.refusedLocked += refused.length;
      outcomes.otherAnswer += answers.length - won.length - refused.length;
      if (live.length !== 1 || won.length !== 1 || refused.length !== 1) failures.push({ race, live: live.map((p) => p.id), answers });

      // what the race left live is cancelled (by an approver, through a replica) before its pair races again
      for (const p of live) {
        await h.waitState(p.id, 'awaiting_approval', 20_000);
        const seenCancel = h.slack.ephemerals(USERS.rm2).length;
        await h.slack.sendSlashCommand({ command: '/promote', text: `cancel ${p.id}`, userId: USERS.rm2, channelId: CHANNEL, url: botUrl(race) });
        await waitUntil(`race ${race}: the cancel of ${p.id} to be answered`, () => h.slack.ephemerals(USERS.rm2).slice(seenCancel).find((e) => e.text.includes(`Cancelled \`${p.id}\``)), 20_000);
        await h.waitState(p.id, 'cancelled');
      }
      expect(await livePromotions(h, service, 'prod')).toEqual([]);
    }
    process.stdout.write(`replica races: ${RACES} races, outcomes ${JSON.stringify(outcomes)}\n`);
    expect(failures).toEqual([]);
    expect(outcomes).toEqual({ oneLive: RACES, twoLive: 0, refusedLocked: RACES, otherAnswer: 0 });
    // every promotion the races created: one per race, and nothing was ever dispatched for them
    const raced = (await h.app.repo.recent(1000)).filter((p) => Number(p.service.slice(4)) > APPROVED_AT_ONCE);
    expect(raced).toHaveLength(RACES);
    expect(raced.every((p) => p.state === 'cancelled')).toBe(true);
    expect(h.github.dispatches.filter((d) => raced.some((p) => p.id === d.inputs.promotion))).toEqual([]);
  });
});
