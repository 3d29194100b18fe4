import type { Promotion } from '../../src/domain/promotion';
import { CHANNEL, type Harness } from './harness';
import { waitUntil } from './wait-until';
import { platformConfig } from './platform';

/* The branch promotion the engine's crash tests drive (kill -9 of a worker, Redis restarts), and how they count its side effects. */
export const BRANCH_CONFIG = platformConfig({ deployWorkflows: '{ test: ci-test, prod: cd-prod }', trailer: false });

export function seedPlatform(h: Harness): void {
  const gh = h.github;
  const base = gh.addRepo('acme/platform', { defaultBranch: 'main' });
  for (const b of ['dev', 'test', 'prod']) gh.setBranch('acme/platform', b, base);
  gh.addCommit('acme/platform', 'test', { message: 'feat: new smoke job' });
  const fast = { queuedMs: 40, inProgressMs: 150 };
  gh.addEnvironment('acme/platform', 'DataBricks-Prod', { reviewers: true });
  gh.addWorkflow('acme/platform', { file: 'cd-prod.yml', name: 'cd-prod', onPushBranches: ['prod'], environment: 'DataBricks-Prod', durations: fast, logLines: ['smoke run_id=52002'] });
}

/** Every side effect a finished promotion leaves on GitHub and in Slack, counted. */
export function sideEffects(h: Harness, p: Promotion) {
  const posts = (path: RegExp) => h.github.calls.filter((c) => c.method === 'POST' && path.test(c.path)).length;
  const thread = h.slack.thread(CHANNEL, p.messageTs!).slice(1);
  const keys = thread.map((m) => ((m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? `text:${m.text}`));
  return {
    dispatches: h.github.dispatches.length,
    pulls: posts(/\/pulls$/),
    merges: h.github.calls.filter((c) => c.method === 'PUT' && c.path.endsWith('/merge')).length,
    reviews: posts(/\/pending_deployments$/),
    deployments: posts(/\/deployments$/),
    statuses: posts(/\/deployments\/\d+\/statuses$/),
    duplicatePosts: keys.filter((k, i) => keys.indexOf(k) !== i),
  };
}

/** Ended, terminal work and Deployment mirror complete, nothing owed to Slack. */
export async function settled(h: Harness, id: string, timeoutMs = 20_000): Promise<Promotion> {
  return waitUntil(
    `promotion ${id} to finish all its work`,
    async () => {
      const p = await h.app.repo.get(id);
      const owed = (p?.outbox ?? []).some((i) => i.state !== 'sent');
      return p && (p.state === 'succeeded' || p.state === 'failed') && p.exec?.finalized && p.exec.mirrored && !owed ? p : undefined;
    },
    timeoutMs,
  );
}
