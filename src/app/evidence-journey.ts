import type { ShipgateConfig } from '../config/config-schema';
import { patternMatches, type Evidence, type RunEvidence } from '../domain/evidence';
import type { JourneyStage } from '../domain/evidence-pack';
import { deployedSha, type Promotion } from '../domain/promotion';
import { findService } from '../domain/resolve-request';
import { stageIndex, stagesOf } from '../domain/pipeline-stages';
import type { Logger } from './logger';
import type { DeploymentHistory } from './ports/deployment-history';
import type { PromotionRepository } from './ports/promotion-repository';
import type { RunLogs } from './ports/run-logs';
import type { SourceCompare } from './ports/source-compare';
import type { WorkflowRuns } from './ports/workflow-runs';

export interface JourneyDeps {
  config: ShipgateConfig;
  repo: Pick<PromotionRepository, 'get'>;
  history: Pick<DeploymentHistory, 'list'>;
  /**
   * For a stage shipgate did not deploy (the first environment of a branch pipeline, where a
   * person merges a feature PR): the PR that brought the commit and the deploy runs on it.
   */
  github?: { pulls: Pick<SourceCompare, 'pullsForCommit'>; runs: Pick<WorkflowRuns, 'listRuns' | 'listJobs'>; logs: RunLogs };
  logger?: Logger;
}

/**
 * The journey of a promotion's candidate to its environment, first environment first: for
 * each earlier environment of the pipeline, the successful deployment there of the commit the
 * next stage took as its candidate (shipgate's history), with its promotion record. A branch
 * promotion's candidate is what the stage before deployed (its merge commit); a workflow
 * promotion's is the same SHA everywhere. A stage's deployment must have finished before the
 * next stage was requested. A stage shipgate has no record of is looked up on GitHub when it can.
 */
export async function traceJourney(p: Promotion, d: JourneyDeps): Promise<JourneyStage[]> {
  const service = findService(d.config, p.service);
  const pipeline = stagesOf(service.pipeline);
  const stages: JourneyStage[] = [{ env: p.env, sha: deployedSha(p) ?? p.sha ?? '', promotion: p }];
  let wanted = p.sha;
  let before = p.createdAt;
  // stage by stage back to the first; every member of a parallel stage is a stage of the journey
  for (let i = stageIndex(service.pipeline, p.from); i >= 0 && wanted; i--) {
    const sha: string = wanted;
    const seenBefore = before;
    const entries: JourneyStage[] = [];
    let origin: Promotion | undefined;
    let unknown = false;
    for (const env of pipeline[i]!) {
      const rec = (await d.history.list(service.name, env, 200)).find((r) => r.outcome === 'succeeded' && r.sha === sha && r.at <= seenBefore);
      const promotion = rec ? await d.repo.get(rec.promotionId) : undefined;
      if (promotion) {
        entries.push({ env, sha, promotion });
        // a rollback restored an earlier promotion's deployment: that promotion's candidate came from the stage before
        origin ??= promotion.kind === 'rollback' && promotion.rollback ? ((await d.repo.get(promotion.rollback.targetPromotionId)) ?? promotion) : promotion;
        continue;
      }
      entries.push({ env, sha, ...(rec ? { deployment: rec } : {}), ...(await fromGitHub(p, env, sha, d)) });
      unknown = true;
    }
    stages.unshift(...entries);
    if (origin) {
      wanted = origin.sha;
      before = origin.createdAt;
      continue;
    }
    // without a record the candidate of the stage before is unknown, except that a workflow or
    // databricks promotion deploys the same SHA everywhere
    if (unknown && service.strategy.type === 'branch') break;
  }
  return stages;
}

/** Branch strategy: the PRs merged into the environment's branch that contain the commit, and its deploy runs (with evidence patterns). */
async function fromGitHub(p: Promotion, env: string, sha: string, d: JourneyDeps): Promise<Pick<JourneyStage, 'github'>> {
  const strategy = findService(d.config, p.service).strategy;
  if (!d.github || strategy.type !== 'branch') return {};
  const branch = strategy.branches[env] ?? env;
  const workflow = strategy.deployWorkflows[env];
  try {
    const pulls = (await d.github.pulls.pullsForCommit(p.repo, sha)).filter((pr) => pr.merged && (pr.base === undefined || pr.base === branch));
    const runs: RunEvidence[] = [];
    const matches: Evidence['matches'] = [];
    if (workflow) {
      const wf = /\.ya?ml$/.test(workflow) ? workflow : `${workflow}.yml`;
      for (const r of (await d.github.runs.listRuns(p.repo, wf, { headSha: sha, branch })).slice(0, 3)) {
        const jobs = await d.github.runs.listJobs(p.repo, r.id);
        runs.push({
          id: r.id,
          name: r.name,
          ...(r.runNumber !== undefined ? { runNumber: r.runNumber } : {}),
          url: r.htmlUrl,
          status: r.status,
          conclusion: r.conclusion,
          headSha: r.headSha,
          deployedSha: r.headSha,
          jobs: jobs.map((j) => ({ id: j.id, name: j.name, conclusion: j.conclusion, url: j.htmlUrl })),
        });
        for (const j of d.config.evidence.patterns.length ? jobs : []) {
          const log = await d.github.logs.jobLog(p.repo, j.id).catch(() => '');
          for (const m of patternMatches(log, d.config.evidence.patterns, j.name)) if (!matches.some((x) => x.name === m.name && x.value === m.value)) matches.push(m);
        }
      }
    }
    return { github: { pullRequests: pulls.map((pr) => ({ number: pr.number, url: pr.url, title: pr.title })), runs, matches } };
  } catch (e) {
    d.logger?.warn({ promotionId: p.id, env, err: e }, 'journey stage not found on GitHub');
    return {};
  }
}
