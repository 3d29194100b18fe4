/**
 * The sandbox's plan-review service, shaped like runbook 001 option A (Terraform changes to
 * prod): `markets-infra` (acme/markets-infra) promotes int → prod with a workflow; in prod
 * shipgate first dispatches `terraform-plan.yml`, whose `tfplan` artifact holds `plan.md`
 * (terraform's output with its `Plan: …` line) and the binary plan; approvals bind to that
 * artifact, and `apply.yml` receives its artifact id and run id (`terraform apply tfplan`).
 */
import type { GitHubEmulator } from '../emulators/github-emulator';
import { HOUR, type SeedClock, type SeededDeployment } from './seed-github';

export const INFRA_REPO = 'acme/markets-infra';

const PACE = { queuedMs: 1000, inProgressMs: 4000 };

/** What terraform prints for the prod workspace (the plan a release manager reviews). */
export function terraformPlanText(env: string, sha: string, runId: number): string {
  return [
    `terraform plan -out=tfplan  (workspace ${env}, commit ${sha.slice(0, 7)}, run ${runId})`,
    '',
    'Terraform used the selected providers to generate the following execution plan.',
    'Resource actions are indicated with the following symbols:',
    '  + create',
    '  ~ update in-place',
    '',
    'Terraform will perform the following actions:',
    '',
    '  # google_bigquery_dataset.surveillance_archive will be created',
    '  + resource "google_bigquery_dataset" "surveillance_archive" {',
    `      + dataset_id = "surveillance_archive_${env}"`,
    '      + location   = "europe-west2"',
    '    }',
    '',
    '  # google_pubsub_topic.regulator_submissions will be created',
    '  + resource "google_pubsub_topic" "regulator_submissions" {',
    '      + name = "regulator-submissions"',
    '    }',
    '',
    '  # google_service_account.pipeline_runner will be created',
    '  + resource "google_service_account" "pipeline_runner" {',
    '      + account_id = "markets-pipeline-runner"',
    '    }',
    '',
    '  # google_container_node_pool.markets will be updated in-place',
    '  ~ resource "google_container_node_pool" "markets" {',
    '      ~ autoscaling { max_node_count = 3 -> 10 }',
    '    }',
    '',
    'Plan: 3 to add, 1 to change, 0 to destroy.',
    '',
    'Saved the plan to: tfplan',
  ].join('\n');
}

/** Seeds acme/markets-infra; returns its int deployment (30 h ago: the prod soak of 24 h is met). */
export function seedPlanReview(github: GitHubEmulator, clock: SeedClock): SeededDeployment[] {
  const now = (clock.base ?? Date.now)() + clock.skewMs;
  github.addRepo(INFRA_REPO, { defaultBranch: 'main' });
  github.addCommit(INFRA_REPO, 'main', {
    message: 'terraform: int workspace',
    author: { name: 'Erin Engineer', email: 'erin.engineer@acme.example', login: 'erin-engineer' },
    date: now - 24 * 9 * HOUR,
  });
  const sha = github.addCommit(INFRA_REPO, 'main', {
    message: 'terraform: prod workspace mirrors int (runbook 001, option A)',
    author: { name: 'Erin Engineer', email: 'erin.engineer@acme.example', login: 'erin-engineer' },
    date: now - 31 * HOUR,
  });
  github.addWorkflow(INFRA_REPO, {
    file: 'terraform-plan.yml',
    name: 'terraform-plan',
    jobName: 'plan',
    stepName: 'terraform plan -out=tfplan',
    runName: 'terraform plan {{inputs.environment}} ({{inputs.promotion}})',
    durations: PACE,
    inputs: { environment: { required: true }, sha: { required: true }, promotion: {} },
    logLines: ['terraform init', 'terraform plan -out=tfplan', 'Plan: 3 to add, 1 to change, 0 to destroy.'],
    artifacts: {
      tfplan: (run) => {
        const env = String(run.inputs.environment ?? 'prod');
        const head = String(run.inputs.sha ?? run.headSha);
        return { 'plan.md': `${terraformPlanText(env, head, run.id)}\n`, tfplan: `binary terraform plan for ${env} at ${head} (run ${run.id})` };
      },
    },
  });
  github.addWorkflow(INFRA_REPO, {
    file: 'apply.yml',
    name: 'terraform-apply',
    jobName: 'apply',
    stepName: 'terraform apply tfplan',
    durations: PACE,
    inputs: { environment: { required: true }, sha: { required: true }, plan_artifact: {}, plan_run: {} },
    logLines: ['Downloading the reviewed plan artifact', 'terraform apply tfplan', 'Apply complete! Resources: 3 added, 1 changed, 0 destroyed.'],
  });
  return [
    {
      service: 'markets-infra',
      repo: INFRA_REPO,
      from: 'int',
      env: 'int',
      sha,
      at: new Date(now - 30 * HOUR),
      runs: [],
      pullRequests: [],
      matches: [],
    },
  ];
}
