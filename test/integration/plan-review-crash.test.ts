import type { FaultRule } from '../../src/emulators/fault-plan';
import type { Promotion } from '../../src/domain/promotion';
import { CHANNEL, startHarness, USERS, type Harness } from '../helpers/harness';
import { ShipgateProcess } from '../helpers/shipgate-process';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(90_000);

const CONFIG = `
timezone: Europe/London
environments:
  - name: int
    deployers: ["*"]
  - name: prod
    deployers: [S0RELEASEMGRS, ${USERS.engineer}]
    approvers: [S0RELEASEMGRS]
    plan: { workflow: plan.yml, inputs: { promotion: "{{promotion}}", sha: "{{sha}}" } }
services:
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [int, prod]
    strategy: { type: workflow, workflow: deploy.yml, ref: main, inputs: { promotion: "{{promotion}}", plan_artifact: "{{planArtifactId}}" } }
`;

const POINTS: Array<{ name: string; fault: FaultRule }> = [
  { name: 'in the plan dispatch, after GitHub applied it', fault: { method: 'POST', path: /plan\.yml\/dispatches$/, mode: 'hang-after' } },
  { name: 'while downloading the plan artifact', fault: { method: 'GET', path: /\/actions\/artifacts\/\d+\/zip$/, mode: 'hang' } },
];

describe('kill -9 of the worker while the plan is made: one plan run, the plan shown once', () => {
  let h: Harness;
  let worker: ShipgateProcess | undefined;
  afterEach(async () => {
    await worker?.kill('SIGKILL');
    await h.close();
  });

  it.each(POINTS)('killed $name', async ({ fault }) => {
    h = await startHarness('plan-kill9', { role: 'web', config: CONFIG });
    h.github.addWorkflow('acme/markets', {
      file: 'plan.yml',
      name: 'plan',
      runName: 'plan {{inputs.promotion}}',
      durations: { queuedMs: 40, inProgressMs: 120 },
      artifacts: { plan: (run) => ({ 'plan.md': `run ${run.id}\nPlan: 1 to add, 0 to change, 0 to destroy.\n` }) },
    });
    worker = await ShipgateProcess.start(h, 'worker');
    const injected = h.github.inject(fault);
    const before = new Set((await h.app.repo.recent(100)).map((p) => p.id));
    await h.promote('markets-pipeline prod', USERS.engineer);
    await injected.hit;
    await worker.kill('SIGKILL');
    worker = await ShipgateProcess.start(h, 'worker');
    const created = await waitUntil('the promotion', async () => (await h.app.repo.recent(20)).find((p) => !before.has(p.id)));
    const p = await waitUntil(
      'the plan to be ready after the restart',
      async () => {
        const cur = await h.app.repo.get(created.id);
        return cur?.planReview?.status === 'ready' ? cur : undefined;
      },
      30_000,
    );
    expect(h.github.dispatches.filter((d) => d.workflow === 'plan.yml')).toHaveLength(1);
    expect(p.planReview?.runId).toBe(h.github.dispatches.find((d) => d.workflow === 'plan.yml')?.runId);
    const posts = (q: Promotion) => h.slack.thread(CHANNEL, q.messageTs!).filter((m) => m.text.includes('Plan: 1 to add')).length;
    await waitUntil('the plan in the thread', () => (posts(p) >= 1 ? true : undefined));
    await h.click(p, 'promotion_approve', USERS.rm1);
    const done = await waitUntil(
      'succeeded',
      async () => {
        const cur = await h.app.repo.get(p.id);
        return cur?.state === 'succeeded' ? cur : undefined;
      },
      30_000,
    );
    expect(posts(done)).toBe(1);
    expect(h.github.dispatches.filter((d) => d.workflow === 'deploy.yml')[0]?.inputs).toEqual({
      promotion: p.id,
      plan_artifact: String(p.planReview!.artifactId),
    });
  });
});
