import { ShipgateError } from '../../shared/shipgate-error';
import { isLastEnvironment } from '../../domain/pipeline-stages';
import { executionBegan, followedRunId, needsMirror } from '../../domain/execution-plan';
import { deployedSha, type Promotion } from '../../domain/promotion';
import { findService } from '../../domain/resolve-request';
import { isTransientError } from '../../domain/transient-error';
import type { Logger } from '../logger';
import type { Clock } from '../ports/clock';
import type { GitHubDeployments } from '../ports/github-deployments';
import type { JobQueue } from '../ports/job-queue';
import type { PromotionRepository } from '../ports/promotion-repository';
import type { ShipgateConfig } from '../../config/config-schema';
import { promotionLogger, StepKit } from './step-kit';
import { StepWait } from './step-wait';

export interface MirrorDeploymentDeps {
  config: ShipgateConfig;
  clock: Clock;
  repo: Pick<PromotionRepository, 'get' | 'update'>;
  queue: Pick<JobQueue, 'nudgeChat'>;
  deployments: GitHubDeployments;
  logger: Logger;
  leaseMs: number;
}

/**
 * Mirrors an ended promotion as a GitHub Deployment with its final status, so GitHub's UI
 * shows the truth too. Its own low-priority job after the run: these writes never delay
 * another promotion's dispatch, and each is looked up before it is made again.
 */
export class MirrorDeployment {
  constructor(private readonly d: MirrorDeploymentDeps) {}

  /** Returns a wait (ms) when another attempt holds a write, else undefined. */
  async mirror(id: string, token: string): Promise<number | undefined> {
    let p = await this.d.repo.get(id);
    if (!p || !needsMirror(p)) return undefined;
    const k = new StepKit(this.d, token, promotionLogger(this.d.logger, p));
    try {
      p = await this.mirrorOnce(k, p);
    } catch (e) {
      if (e instanceof StepWait) return e.ms;
      if (isTransientError(e)) throw e;
      k.log.warn({ err: e }, 'could not mirror the GitHub deployment');
    }
    await k.update(p, (cur) => (cur.exec?.mirrored ? undefined : { ...cur, exec: { ...cur.exec, mirrored: true } }));
    return undefined;
  }

  private async mirrorOnce(k: StepKit, p0: Promotion): Promise<Promotion> {
    if (!executionBegan(p0)) return p0;
    const runId = followedRunId(p0);
    const run = runId === undefined ? undefined : p0.evidence.runs.find((r) => r.id === runId);
    // what the deploy put there (a dispatched run's head SHA is only the head of the workflow ref)
    const sha = deployedSha(p0);
    if (!sha) return p0;
    const outcome = p0.state === 'failed' ? 'failed' : 'succeeded';
    const { p, value } = await k.effect(p0, 'deployment', {
      look: async () => {
        const found = await this.d.deployments.findDeployment(p0.repo, { sha, environment: p0.env, promotionId: p0.id });
        return found === undefined ? undefined : { id: found };
      },
      act: async () => ({
        id: await this.d.deployments.createDeployment(p0.repo, {
          sha,
          environment: p0.env,
          description: `${p0.kind === 'rollback' ? 'Rollback' : 'Promotion'} ${p0.id} by shipgate`,
          payload: { shipgate: p0.id, kind: p0.kind, approvedSha: p0.sha },
          production: isLastEnvironment(findService(this.d.config, p0.service).pipeline, p0.env),
        }),
      }),
      output: (v) => ({ id: v.id }),
      apply: (cur, v) => ({
        ...cur,
        evidence: { ...cur.evidence, deployments: cur.evidence.deployments.some((x) => x.id === v.id) ? cur.evidence.deployments : [...cur.evidence.deployments, { id: v.id, environment: cur.env }] },
      }),
    });
    const deploymentId = value?.id;
    if (deploymentId === undefined) throw new ShipgateError('invalid_state', `promotion ${p0.id}: the deployment step recorded no deployment id`);
    const state = outcome === 'succeeded' ? 'success' : 'failure';
    const description = `${outcome} (${p0.id})`;
    const { p: after } = await k.effect(p, 'deployment_status', {
      look: async () => ((await this.d.deployments.statuses(p0.repo, deploymentId)).some((s) => s.state === state && s.description === description) ? { state } : undefined),
      act: async () => {
        await this.d.deployments.setStatus(p0.repo, deploymentId, { state, ...(run ? { logUrl: run.url } : {}), description });
        return { state };
      },
      output: (v) => ({ state: v.state }),
    });
    return after;
  }
}
