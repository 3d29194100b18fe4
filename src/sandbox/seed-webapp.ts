/**
 * The sandbox's triggered service: `acme/webapp`, promoted by itself (`trigger: { push: main }`)
 * web-staging → web-prod with a workflow (`deploy.yml`) and a smoke test after each staging
 * deploy (`smoke.yml`). Seeded with a main branch only: the console's **Merge to main** button
 * pushes the next commit, and the push webhook starts the flow.
 */
import type { GitHubEmulator } from '../emulators/github-emulator';

export const WEBAPP_REPO = 'acme/webapp';

const PACE = { queuedMs: 1000, inProgressMs: 4000 };

/** Changes the Merge to main button merges, in turn. */
const CHANGES = ['feat: quote page shows the trade date', 'fix: retry the pricing call once on 503', 'feat: dark mode for the blotter', 'chore: bump the chart library'];
/** The same for the dbt project (dbt-analytics). */
const DATA_CHANGES = ['feat: exposures by desk (tag:deploy)', 'fix: VaR window counts business days', 'feat: positions freshness test', 'chore: bump dbt-databricks'];

export function seedWebapp(github: GitHubEmulator): void {
  if (github.branchHead(WEBAPP_REPO, 'main')) return;
  github.addRepo(WEBAPP_REPO, { defaultBranch: 'main' });
  github.addCommit(WEBAPP_REPO, 'main', { message: 'initial web app', author: { name: 'Erin Engineer', email: 'erin.engineer@acme.example', login: 'erin-engineer' } });
  github.addWorkflow(WEBAPP_REPO, {
    file: 'deploy.yml',
    name: 'deploy',
    stepName: 'Deploy the web app',
    runName: 'deploy {{inputs.environment}} {{inputs.promotion}}',
    durations: PACE,
    inputs: { environment: { required: true }, sha: { required: true }, promotion: {} },
    logLines: ['kubectl rollout status deploy/webapp --timeout=120s', 'deployment "webapp" successfully rolled out'],
  });
  github.addWorkflow(WEBAPP_REPO, {
    file: 'smoke.yml',
    name: 'smoke',
    jobName: 'smoke',
    stepName: 'Smoke test',
    runName: 'smoke {{inputs.env}} {{inputs.promotion}}',
    durations: { queuedMs: 800, inProgressMs: 3000 },
    inputs: { env: { required: true }, sha: {}, promotion: {} },
    logLines: ['GET /healthz 200', 'GET /quotes?symbol=ACME 200 (212 ms)', '5/5 smoke checks passed'],
  });
}

let merged = 0;

/** "Merge to main" as a person does it: a new commit by `author` on `repo`'s main, pushed (the push webhook follows). */
export function mergeToMain(github: GitHubEmulator, repo: string, author: { name: string; email: string; login?: string }, message?: string): { sha: string; message: string } {
  const text = message ?? (repo === WEBAPP_REPO ? CHANGES : DATA_CHANGES)[merged++ % CHANGES.length]!;
  const sha = github.addCommit(repo, 'main', { message: `${text} (#${100 + merged})`, author, push: true });
  return { sha, message: text };
}
