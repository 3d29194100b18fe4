import { gate } from '../domain/gates/gate-result';
import type { GateCheck } from './gate-evaluator';
import type { DatabricksJobs } from './ports/databricks-jobs';

/**
 * `strategy: databricks`: the environment's job exists, and a job given by name is exactly one
 * job (`jobs/list`), at request time and again right before execution. No job of that name, or
 * several, blocks with the reason; Databricks unreachable blocks as "could not be checked"
 * (fail closed; retried before execution when transient). Other strategies: no gate.
 */
export function databricksJobGateCheck(jobs: Pick<DatabricksJobs, 'jobsNamed'> | undefined): GateCheck {
  return async ({ service, promotion: p }) => {
    const s = service.strategy;
    if (s.type !== 'databricks') return undefined;
    const job = s.jobs[p.env];
    if (job === undefined) return gate('databricksJob', 'block', 'job_not_configured', `\`strategy.jobs\` of ${service.name} names no Databricks job for *${p.env}*`, { env: p.env });
    if (!jobs) return gate('databricksJob', 'block', 'databricks_not_configured', 'Databricks is not configured: set DATABRICKS_HOST and DATABRICKS_TOKEN', {});
    if (typeof job === 'number') return gate('databricksJob', 'pass', 'job_id', `Databricks job \`${job}\` runs the deploy`, { jobId: job });
    const found = await jobs.jobsNamed(job);
    if (found.length === 1) return gate('databricksJob', 'pass', 'job_resolved', `Databricks job "${found[0]!.name}" (\`${found[0]!.jobId}\`) runs the deploy`, { jobId: found[0]!.jobId, name: found[0]!.name });
    if (found.length === 0) return gate('databricksJob', 'block', 'job_not_found', `No Databricks job is named "${job}" (strategy.jobs.${p.env})`, { name: job });
    const ids = found.map((j) => j.jobId);
    return gate('databricksJob', 'block', 'job_ambiguous', `${found.length} Databricks jobs are named "${job}" (job ids ${ids.join(', ')}): name the job by its id in strategy.jobs.${p.env}`, { name: job, jobIds: ids });
  };
}
