import type { EnvironmentConfig, ServiceConfig } from '../config/config-schema';
import type { PromoteOptions } from '../domain/command-parser';
import { describeIncidentChannels, groupsIn, isIncidentChannel, mayRequest } from '../domain/policy';
import { newPromotion, type Promotion, type PromotionOrigin } from '../domain/promotion';
import { promotionId } from '../domain/promotion-id';
import { asCode, displayPipeline, pipelineEnvs } from '../domain/pipeline-stages';
import { findService, lastEnvironment } from '../domain/resolve-request';
import { chooseRollbackTarget, type RollbackChoice } from '../domain/rollback-target';
import { ShipgateError } from '../shared/shipgate-error';
import { closestNames } from '../shared/closest-names';
import { mrk } from '../shared/mrkdwn';
import type { DeploymentHistory } from './ports/deployment-history';
import { openPromotion, type RequestPromotionDeps } from './request-promotion';
import type { PromotionRepository } from './ports/promotion-repository';
import { derivedPromotionId } from '../domain/lifecycle';
import { isShipgateError } from '../shared/shipgate-error';

export interface RollbackInput {
  service: string;
  env?: string;
  options: PromoteOptions;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
}

/**
 * `/rollback <service> [env] [to=…] [reason=…]` in an incident channel: puts the last
 * known-good deployment back (from shipgate's history), approved by `rollbackApprovers`
 * (or, when that list is empty, by the requester). Executes the same artifact again.
 */
export class RequestRollback {
  constructor(
    private readonly d: RequestPromotionDeps & { history: Pick<DeploymentHistory, 'list'>; repo: Pick<PromotionRepository, 'create' | 'update' | 'get'> },
  ) {}

  /** What can be refused from the config alone, before the Slack ack: outside an incident channel, unknown service or environment. */
  precheck(input: Pick<RollbackInput, 'service' | 'env' | 'channelId' | 'channelName'>): void {
    this.target(input);
  }

  private target(input: Pick<RollbackInput, 'service' | 'env' | 'channelId' | 'channelName'>) {
    const { config } = this.d;
    if (!isIncidentChannel(config.incidents.channels, input.channelId, input.channelName)) {
      const where = config.incidents.channels.length
        ? describeIncidentChannels(config.incidents.channels)
        : mrk`no channel yet (set \`incidents.channels\` in shipgate.yml)`;
      throw new ShipgateError('not_authorized', mrk`\`/rollback\` works only in incident channels: ${where}.`);
    }
    const service = findService(config, input.service);
    const envName = input.env ?? lastEnvironment(service);
    const envs = pipelineEnvs(service.pipeline);
    if (!envs.includes(envName)) {
      const close = closestNames(envName, envs, 1);
      throw new ShipgateError(
        'unknown_environment',
        `\`${envName}\` is not an environment of ${service.name}. Pipeline: ${displayPipeline(service.pipeline, asCode)}.${close.length ? ` Did you mean \`${close[0]}\`?` : ''}`,
      );
    }
    return { service, env: config.environments.find((e) => e.name === envName)! };
  }

  /** Who may ask for a rollback: a deployer of the environment or a rollback approver. */
  private async assertMayRollBack(env: EnvironmentConfig, userId: string, opts?: { fresh: boolean }): Promise<void> {
    const approvers = this.d.config.incidents.rollbackApprovers;
    const groups = await this.d.directory.groupMembers([...groupsIn(env.deployers), ...groupsIn(approvers)], ...(opts ? [opts] : []));
    const allowed = mayRequest(env, userId, groups).ok || mayRequest({ name: env.name, deployers: approvers }, userId, groups).ok;
    if (!allowed) throw new ShipgateError('not_authorized', `You may not roll back \`${env.name}\`: ask a deployer of \`${env.name}\` or a rollback approver.`);
  }

  /**
   * The rollback offered after `failed` failed its verification: the **Roll back** button in its
   * thread (a person, with the same rights and approvals as `/rollback`, in the promotion's own
   * channel) or `onFailure: rollback` (shipgate itself, which approves it). One rollback per
   * failed promotion: its id is derived from the promotion's, so a second click finds the first.
   */
  async afterFailedVerification(
    failed: Promotion,
    by: { userId: string; userName?: string } | 'shipgate',
  ): Promise<{ promotion: Promotion; existing: boolean }> {
    const id = derivedPromotionId('rollback', failed.createdAt, `verify:${failed.id}`);
    const found = await this.d.repo.get(id);
    if (found) return { promotion: found, existing: true };
    if (failed.state !== 'failed_verification')
      throw new ShipgateError(
        'invalid_state',
        `Promotion \`${failed.id}\` is ${failed.state.replace('_', ' ')}; only a failed verification is rolled back from its thread.`,
      );
    const { config } = this.d;
    const service = findService(config, failed.service);
    const env = config.environments.find((e) => e.name === failed.env)!;
    if (by !== 'shipgate') await this.assertMayRollBack(env, by.userId, { fresh: true });
    const history = await this.d.history.list(service.name, env.name, 200);
    const { current, target } = chooseRollbackTarget(history, env.name);
    if (current.promotionId !== failed.id)
      throw new ShipgateError(
        'invalid_state',
        `\`${env.name}\` no longer runs what \`${failed.id}\` deployed (now \`${current.sha.slice(0, 7)}\` from ${current.promotionId}); use \`/rollback\`.`,
      );
    const now = this.d.clock.now();
    const p = rollbackPromotion({
      id,
      service,
      env: env.name,
      current,
      target,
      reason: `verification of ${failed.id} failed`,
      requester: by === 'shipgate' ? { id: 'shipgate', name: 'shipgate' } : { id: by.userId, ...(by.userName ? { name: by.userName } : {}) },
      channel: failed.channel,
      at: now,
      origin: { via: 'verify', mode: by === 'shipgate' ? 'auto' : 'request', sourcePromotionId: failed.id },
    });
    try {
      const opened = await openPromotion(this.d, p, {
        service: p.service,
        env: p.env,
        from: current.sha,
        to: target.sha,
        target: target.promotionId,
        reason: p.reason,
        channel: p.channel,
        afterVerification: failed.id,
      });
      this.d.logger.info({ promotionId: p.id, failed: failed.id, target: target.sha }, 'rollback after a failed verification requested');
      return { promotion: opened.promotion, existing: false };
    } catch (e) {
      const again = isShipgateError(e) && (e.code === 'internal' || e.code === 'locked') ? await this.d.repo.get(id) : undefined;
      if (again) return { promotion: again, existing: true };
      throw e;
    }
  }

  async execute(input: RollbackInput): Promise<{ promotion: Promotion; preempted?: Promotion }> {
    const { service, env } = this.target(input);
    await this.assertMayRollBack(env, input.userId);

    const history = await this.d.history.list(service.name, env.name, 200);
    const { current, target } = chooseRollbackTarget(history, env.name, input.options.to);
    const now = this.d.clock.now();
    const tz = await this.d.directory.userTimeZone(input.userId);
    const p = rollbackPromotion({
      id: promotionId('rollback', now, this.d.random),
      service,
      env: env.name,
      current,
      target,
      ...(input.options.reason ? { reason: input.options.reason } : {}),
      requester: { id: input.userId, ...(input.userName ? { name: input.userName } : {}), ...(tz ? { tz } : {}) },
      channel: input.channelId,
      at: now,
    });
    const opened = await openPromotion(this.d, p, {
      service: p.service,
      env: p.env,
      from: current.sha,
      to: target.sha,
      target: target.promotionId,
      reason: p.reason,
      channel: p.channel,
    });
    this.d.logger.info({ promotionId: p.id, service: p.service, env: p.env, target: target.sha }, 'rollback requested');
    return opened;
  }
}

/** A rollback of `env` from what runs there (`current`) to `target`: the same artifact again, one approval. */
function rollbackPromotion(o: {
  id: string;
  service: ServiceConfig;
  env: string;
  current: RollbackChoice['current'];
  target: RollbackChoice['target'];
  reason?: string;
  requester: Promotion['requester'];
  channel: string;
  at: Date;
  origin?: PromotionOrigin;
}): Promotion {
  return newPromotion({
    id: o.id,
    kind: 'rollback',
    service: o.service.name,
    repo: o.service.repo,
    from: o.env,
    env: o.env,
    ref: o.target.sha,
    sha: o.target.sha,
    ...(o.reason ? { reason: o.reason } : {}),
    requester: o.requester,
    channel: o.channel,
    at: o.at,
    requiredApprovals: 1,
    rollback: { currentSha: o.current.sha, currentPromotionId: o.current.promotionId, targetPromotionId: o.target.promotionId },
    ...(o.origin ? { origin: o.origin } : {}),
  });
}
