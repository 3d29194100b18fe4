/**
 * kill -9 of the worker in the verify steps of a triggered promotion: it resumes, the smoke
 * test is dispatched once, the promotion succeeds once and the next stage is opened once.
 */
import type { FaultRule } from '../../src/emulators/fault-plan';
import { startHarness, CHANNEL, type Harness } from '../helpers/harness';
import { ShipgateProcess } from '../helpers/shipgate-process';
import { waitUntil } from '../helpers/wait-until';

jest.setTimeout(90_000);

const SECRET = 'lifecycle-crash-secret';
const CONFIG = `
timezone: UTC
environments:
  - name: staging
    promote: auto
    verify: { workflow: smoke.yml, inputs: { env: "{{env}}", promotion: "{{promotion}}" } }
  - name: prod
    deployers: [S0RELEASEMGRS]
    approvers: [S0RELEASEMGRS]
    promote: request
services:
  - name: webapp
    repo: acme/markets
    pipeline: [staging, prod]
    trigger: { push: main }
    strategy: { type: workflow, workflow: deploy.yml, ref: main, inputs: { environment: "{{env}}", sha: "{{sha}}", promotion: "{{promotion}}" } }
announce: { channel: ${CHANNEL} }
`;

const POINTS: Array<{ name: string; fault: FaultRule }> = [
  { name: 'in the verify dispatch, after GitHub applied it', fault: { method: 'POST', path: /\/workflows\/smoke\.yml\/dispatches$/, mode: 'hang-after' } },
  { name: 'in the verify dispatch, before GitHub got it', fault: { method: 'POST', path: /\/workflows\/smoke\.yml\/dispatches$/, mode: 'hang' } },
];

describe('kill -9 of the worker in the verify steps', () => {
  let h: Harness;
  let worker: ShipgateProcess | undefined;
  afterEach(async () => {
    await worker?.kill('SIGKILL');
    await h.close();
  });

  it.each(POINTS)('killed $name: resumes; smoke once, succeeded once, next stage once', async (point) => {
    h = await startHarness('life-kill9', { role: 'web', config: CONFIG, webhookSecret: SECRET });
    h.github.addWorkflow('acme/markets', { file: 'smoke.yml', name: 'smoke', durations: { queuedMs: 30, inProgressMs: 80 }, runName: 'smoke {{inputs.promotion}}' });
    worker = await ShipgateProcess.start(h, 'worker');
    const sha = h.github.addCommit('acme/markets', 'main', { message: 'feat: crash me', push: true });
    const staging = await waitUntil('the staging promotion', async () => (await h.app.repo.recent(20)).find((p) => p.env === 'staging'));
    const fault = h.github.inject(point.fault);
    await fault.hit;
    await worker.kill('SIGKILL');
    worker = await ShipgateProcess.start(h, 'worker');
    const done = await waitUntil('staging ended and finalized', async () => {
      const p = await h.app.repo.get(staging.id);
      return p && p.state === 'succeeded' && p.exec?.finalized ? p : undefined;
    }, 40_000);
    expect(done.evidence.verification).toMatchObject({ conclusion: 'success' });
    expect(h.github.dispatches.filter((d) => d.workflow.endsWith('smoke.yml'))).toHaveLength(1);
    expect(h.github.dispatches.filter((d) => d.workflow.endsWith('deploy.yml'))).toHaveLength(1);
    const audit = (await h.app.audit.forPromotion(staging.id)).map((e) => e.type);
    expect(audit.filter((t) => t === 'succeeded')).toHaveLength(1);
    const prod = await waitUntil('the prod request', async () => (await h.app.repo.recent(20)).filter((p) => p.env === 'prod'));
    expect(prod).toHaveLength(1);
    expect(prod[0]!.ref).toBe(sha);
    const keys = h.slack.thread(CHANNEL, done.messageTs!).slice(1).map((m) => (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? m.text);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});
