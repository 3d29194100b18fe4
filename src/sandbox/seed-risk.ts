/**
 * The demo's parallel-stage service: `risk-models` (acme/risk, workflow strategy,
 * `dev → [perf | security] → staging → prod`). Seeded so the stage rule shows at once: an
 * older build went through both members and has run in staging for 3 h (enough for prod's
 * hotfix soak of 1h, not for its 24 h soak); the latest build runs in dev (CI) and perf, not
 * yet in security, so `/promote risk-models staging` is blocked until
 * `/promote risk-models security` succeeds.
 */
import { promotionId } from '../domain/promotion-id';
import { deployInThePast, type PastDeployContext } from './seed-deploy';

/** One seeded deployment (the shape of seed-github's SeededDeployment, which records it). */
export interface RiskDeployment {
  service: string;
  repo: string;
  from: string;
  env: string;
  sha: string;
  at: Date;
  runs: Array<{ id: number; name: string; runNumber?: number; url: string; headSha: string }>;
  pullRequests: Array<{ number: number; url: string; title: string }>;
  matches: Array<{ name: string; value: string; source: string }>;
  promotionId?: string;
  reason?: string;
}

export const RISK_REPO = 'acme/risk';

const RISK_DEPLOY_LOG = [
  'Resolving artifact ghcr.io/acme/risk-models (built once from the candidate SHA)',
  'deploying risk-models',
  'smoke: VaR backtest 250 days OK',
];

export interface RiskSeedContext extends PastDeployContext {
  random: () => number;
  author: { name: string; email: string; login: string };
  record: (d: RiskDeployment) => void;
}

export async function seedRiskModels(c: RiskSeedContext): Promise<void> {
  const { github, at } = c;
  at(24 * 3);
  github.addRepo(RISK_REPO, { defaultBranch: 'main' });
  github.addWorkflow(RISK_REPO, {
    file: 'deploy.yml',
    name: 'deploy',
    jobName: 'deploy',
    stepName: 'Deploy the immutable artifact',
    durations: { queuedMs: 1500, inProgressMs: 6000 },
    inputs: { environment: { required: true }, sha: { required: true } },
    logLines: RISK_DEPLOY_LOG,
  });
  const deploy = async (from: string, env: string, sha: string, hoursAgo: number, promoted: boolean): Promise<void> => {
    const { run, finished } = await deployInThePast(c, { repo: RISK_REPO, env, sha, hoursAgo, description: `risk-models ${sha.slice(0, 7)}` });
    c.record({
      service: 'risk-models',
      repo: RISK_REPO,
      from,
      env,
      sha,
      at: finished,
      runs: [run],
      pullRequests: [],
      matches: [],
      ...(promoted ? { promotionId: promotionId('promotion', finished, c.random), reason: 'performance run of the new VaR engine' } : {}),
    });
  };
  const older = github.addCommit(RISK_REPO, 'main', {
    message: 'feat: stressed VaR scenarios (#37)',
    author: c.author,
    date: at(24 * 3).getTime(),
    push: true,
  });
  await deploy('dev', 'dev', older, 80, false);
  await deploy('dev', 'perf', older, 78, true);
  await deploy('dev', 'security', older, 77, true);
  const sha = github.addCommit(RISK_REPO, 'main', {
    message: 'feat: VaR engine on the new curve library (#41)',
    author: c.author,
    date: at(30).getTime(),
    push: true,
  });
  await deploy('dev', 'dev', sha, 29, false);
  await deploy('dev', 'perf', sha, 26, true);
  await deploy('perf', 'staging', older, 3, true);
}
