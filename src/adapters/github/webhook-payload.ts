import type {
  CheckRunEvent,
  CheckSuiteEvent,
  DeploymentEvent,
  DeploymentProtectionRuleRequestedEvent,
  DeploymentStatusEvent,
  PullRequestEvent,
  PushEvent,
  Repository,
  StatusEvent,
  WorkflowJobEvent,
  WorkflowRunEvent,
} from '@octokit/webhooks-types';
import { z } from 'zod';
import type { ProtectionRuleEvent } from '../../app/ports/protection-rules';

/** Some fields of a GitHub webhook object, typed as `@octokit/webhooks-types` has them, each one optional. */
type Some<T, K extends keyof T> = { [P in K]?: T[P] | undefined };

type Run = WorkflowRunEvent['workflow_run'];
type Pull = PullRequestEvent['pull_request'];
type Commit = NonNullable<PushEvent['head_commit']>;
type CommitAuthor = Some<Commit['author'], 'name' | 'email' | 'username'>;

/**
 * The fields of the GitHub webhook events shipgate reads (workflow_run, workflow_job, check_run,
 * check_suite, status, pull_request, deployment, deployment_status; the repository of any event,
 * push and deployment_review included), typed from `@octokit/webhooks-types`. A run's `status`
 * and `conclusion` stay strings: GitHub adds values, and shipgate records them as they come.
 */
export interface GitHubWebhookPayload {
  action?: string | undefined;
  repository?: Pick<Repository, 'full_name'> | undefined;
  workflow_run?:
    | (Some<Run, 'id' | 'head_sha' | 'name' | 'html_url' | 'event' | 'created_at' | 'updated_at' | 'display_title' | 'run_number' | 'head_branch'> & {
        status?: string | undefined;
        conclusion?: string | null | undefined;
        /** The workflow file (`.github/workflows/build.yml`): a `workflowRun` trigger names it. */
        path?: string | undefined;
        head_commit?: { author?: CommitAuthor | undefined } | null | undefined;
      })
    | null
    | undefined;
  workflow_job?: Some<WorkflowJobEvent['workflow_job'], 'run_id' | 'head_sha'> | null | undefined;
  check_suite?: Some<CheckSuiteEvent['check_suite'], 'head_sha'> | null | undefined;
  check_run?: Some<CheckRunEvent['check_run'], 'head_sha'> | null | undefined;
  pull_request?: (Some<Pull, 'number' | 'merge_commit_sha'> & { head?: Some<Pull['head'], 'sha'> | undefined }) | null | undefined;
  deployment?: Some<DeploymentEvent['deployment'] | DeploymentStatusEvent['deployment'], 'sha'> | null | undefined;
  /** A `status` event's commit. */
  sha?: StatusEvent['sha'] | undefined;
  /** A `push` event: the ref, the commit it moved to, a deletion, the head commit's author. */
  ref?: PushEvent['ref'] | undefined;
  after?: PushEvent['after'] | undefined;
  deleted?: PushEvent['deleted'] | undefined;
  head_commit?: (Some<Commit, 'id'> & { author?: CommitAuthor | undefined }) | null | undefined;
}

const sha = z.string().max(100);
const id = z.number().int().nonnegative();
/** A run field recorded when GitHub sends it as documented; with another type it is left out, as if absent. */
const text = z.string().optional().catch(undefined);
/** A commit author as GitHub sends it (`username` only for a GitHub user). */
const commitAuthor = z.looseObject({ name: text, email: text, username: text });

/**
 * The edge: the fields of a GitHub webhook payload that shipgate reads (wake keys, the run it
 * records, protection-rule requests), typed where present; everything else passes through
 * untouched. A body that is not a JSON object, or has one of the wake-key fields with another
 * type, is refused before any handler sees it.
 */
export const githubWebhookPayload = z.looseObject({
  action: z.string().max(100).optional(),
  repository: z.looseObject({ full_name: z.string().max(300) }).optional(),
  workflow_run: z
    .looseObject({
      id: id.optional(),
      head_sha: sha.optional(),
      name: text,
      html_url: text,
      status: text,
      conclusion: z.string().nullable().optional().catch(null),
      event: text,
      created_at: text,
      updated_at: text,
      display_title: text,
      run_number: z.number().optional().catch(undefined),
      head_branch: text,
      path: text,
      head_commit: z.looseObject({ author: commitAuthor.optional().catch(undefined) }).nullish().catch(undefined),
    })
    .nullish(),
  workflow_job: z.looseObject({ run_id: id.optional(), head_sha: sha.optional() }).nullish(),
  check_suite: z.looseObject({ head_sha: sha.optional() }).nullish(),
  check_run: z.looseObject({ head_sha: sha.optional() }).nullish(),
  pull_request: z.looseObject({ number: id.optional(), head: z.looseObject({ sha: sha.optional() }).optional(), merge_commit_sha: sha.nullish() }).nullish(),
  deployment: z.looseObject({ sha: sha.optional() }).nullish(),
  sha: sha.optional(),
  // other events carry a `ref` too (create, delete, workflow_dispatch): read for push only, never a reason to refuse
  ref: z.string().max(300).optional().catch(undefined),
  after: sha.optional().catch(undefined),
  deleted: z.boolean().optional().catch(undefined),
  head_commit: z.looseObject({ id: sha.optional(), author: commitAuthor.optional().catch(undefined) }).nullish().catch(undefined),
}) satisfies z.ZodType<GitHubWebhookPayload>;

/** What a `deployment_protection_rule` `requested` event must carry for shipgate to answer it. */
export const protectionRuleRequest = z.object({
  repository: z.object({ full_name: z.string().min(1) }),
  environment: z.string().min(1).max(255),
  deployment: z.object({ sha: z.string().min(1).max(100) }),
  deployment_callback_url: z.url({ protocol: /^https?$/ }),
}) satisfies z.ZodType<Required<Pick<DeploymentProtectionRuleRequestedEvent, 'environment' | 'deployment_callback_url'>> & {
  repository: Pick<Repository, 'full_name'>;
  deployment: Pick<NonNullable<DeploymentProtectionRuleRequestedEvent['deployment']>, 'sha'>;
}>;

/**
 * The protection-rule request as AnswerProtectionRule takes it: the environment's name, the SHA
 * of the deployment waiting on it (GitHub sends it in `deployment`, not at the top level) and
 * the callback URL; undefined when the payload lacks any of them.
 */
export function protectionRuleEvent(payload: unknown): ProtectionRuleEvent | undefined {
  const r = protectionRuleRequest.safeParse(payload);
  return r.success ? { repo: r.data.repository.full_name, environment: r.data.environment, sha: r.data.deployment.sha, callbackUrl: r.data.deployment_callback_url } : undefined;
}
