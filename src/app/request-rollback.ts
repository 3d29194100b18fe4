import type { PromoteOptions } from '../domain/command-parser';
import { describeIncidentChannels, groupsIn, isIncidentChannel, mayRequest } from '../domain/policy';
import { newPromotion, type Promotion } from '../domain/promotion';
import { promotionId } from '../domain/promotion-id';
import { asCode, displayPipeline, pipelineEnvs } from '../domain/pipeline-stages';
import { findService, lastEnvironment } from '../domain/resolve-request';
import { chooseRollbackTarget } from '../domain/rollback-target';
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
  constructor(private readonly d: RequestPromotionDeps & { history: Pick<DeploymentHistory, 'list'>; repo: Pick<PromotionRepository, 'create' | 'update' | 'get'> }) {}

  /** What can be refused from the config alone, before the Slack ack: outside an incident channel, unknown service or environment. */
  precheck(input: Pick<RollbackInput, 'service' | 'env' | 'channelId' | 'channelName'>): void {
    this.target(input);
  }

  private target(input: Pick<RollbackInput, 'service' | 'env' | 'channelId' | 'channelName'>) {
    const { config } = this.d;
    if (!isIncidentChannel(config.incidents.channels, input.channelId, input.channelName)) {
      const where = config.incidents.channels.length ? describeIncidentChannels(config.incidents.channels) : mrk`no channel yet (set \`incidents.channels\` in shipgate.yml)`;
      throw new ShipgateError('not_authorized', mrk`\`/rollback\` works only in incident channels: ${where}.`);
    }
    const service = findService(config, input.service);
    const envName = input.env ?? lastEnvironment(service);
    const envs = pipelineEnvs(service.pipeline);
    if (!envs.includes(envName)) {
      const close = closestNames(envName, envs, 1);
      throw new ShipgateError('unknown_environment', `\`${envName}\` is not an environment of ${service.name}. Pipeline: ${displayPipeline(service.pipeline, asCode)}.${close.length ? ` Did you mean \`${close[0]}\`?` : ''}`);
    }
    return { service, env: config.environments.find((e) => e.name === envName)! };
  }

  /**
   * The rollback offered after `failed` failed its verification: the **Roll back** button in its
   * thread (a person, with the same rights and approvals as `/rollback`, in the promotion's own
   * channel) or `onFailure: rollback` (shipgate itself, which approves it). One rollback per
   * failed promotion: its id is derived from the promotion's, so a second click finds the first.
   */
  async afterFailedVerification(failed: Promotion, by: { userId: string; userName?: string } | 'shipgate'): Promise<{ promotion: Promotion; existing: boolean }> {
    const id = derivedPromotionId('rollback', failed.createdAt, `verify:${failed.id}`);
    const found = await this.d.repo.get(id);
    if (found) return { promotion: found, existing: true };
    if (failed.state !== 'failed_verification') throw new ShipgateError('invalid_state', `Promotion \`${failed.id}\` is ${failed.state.replace('_', ' ')}; only a failed verification is rolled back from its thread.`);
    const { config } = this.d;
    const service = findService(config, failed.service);
    const env = config.environments.find((e) => e.name === failed.env)!;
    if (by !== 'shipgate') {
      const approvers = config.incidents.rollbackApprovers;
      const groups = await this.d.directory.groupMembers([...groupsIn(env.deployers), ...groupsIn(approvers)], { fresh: true });
      const allowed = mayRequest(env, by.userId, groups).ok || mayRequest({ name: env.name, deployers: approvers }, by.userId, groups).ok;
      if (!allowed) throw new ShipgateError('not_authorized', `You may not roll back \`${env.name}\`: ask a deployer of \`${env.name}\` or a rollback approver.`);
    }
    const history = await this.d.history.list(service.name, env.name, 200);
    const { current, target } = chooseRollbackTarget(history, env.name);
    if (current.promotionId !== failed.id) throw new ShipgateError('invalid_state', `\`${env.name}\` no longer runs what \`${failed.id}\` deployed (now \`${current.sha.slice(0, 7)}\` from ${current.promotionId}); use \`/rollback\`.`);
    const now = this.d.clock.now();
    const p = newPromotion({
      id,
      kind: 'rollback',
      service: service.name,
      repo: service.repo,
      from: env.name,
      env: env.name,
      ref: target.sha,
      sha: target.sha,
      reason: `verification of ${failed.id} failed`,
      requester: by === 'shipgate' ? { id: 'shipgate', name: 'shipgate' } : { id: by.userId, ...(by.userName ? { name: by.userName } : {}) },
      channel: failed.channel,
      at: now,
      requiredApprovals: 1,
      rollback: { currentSha: current.sha, currentPromotionId: current.promotionId, targetPromotionId: target.promotionId },
      origin: { via: 'verify', mode: by === 'shipgate' ? 'auto' : 'request', sourcePromotionId: failed.id },
    });
    try {
      const opened = await openPromotion(this.d, p, { service: p.service, env: p.env, from: current.sha, to: target.sha, target: target.promotionId, reason: p.reason, channel: p.channel, afterVerification: failed.id });
      this.d.logger.info({ promotionId: p.id, failed: failed.id, target: target.sha }, 'rollback after a failed verification requested');
      return { promotion: opened.promotion, existing: false };
    } catch (e) {
      const again = isShipgateError(e) && (e.code === 'internal' || e.code === 'locked') ? await this.d.repo.get(id) : undefined;
      if (again) return { promotion: again, existing: true };
      throw e;
    }
  }

  async execute(input: RollbackInput): Promise<{ promotion: Promotion; preempted?: Promotion }> {
    const { config } = this.d;
    const { service, env } = this.target(input);
    const approvers = config.incidents.rollbackApprovers;
    // who may ask: a deployer of the environment or a rollback approver
    const groups = await this.d.directory.groupMembers([...groupsIn(env.deployers), ...groupsIn(approvers)]);
    const allowed = mayRequest(env, input.userId, groups).ok || mayRequest({ name: env.name, deployers: approvers }, input.userId, groups).ok;
    if (!allowed) throw new ShipgateError('not_authorized', `You may not roll back \`${env.name}\`: ask a deployer of \`${env.name}\` or a rollback approver.`);

    const history = await this.d.history.list(service.name, env.name, 200);
    const { current, target } = chooseRollbackTarget(history, env.name, input.options.to);
    const now = this.d.clock.now();
    const tz = await this.d.directory.userTimeZone(input.userId);
    const p = newPromotion({
      id: promotionId('rollback', now, this.d.random),
      kind: 'rollback',
      service: service.name,
      repo: service.repo,
      from: env.name,
      env: env.name,
      ref: target.sha,
      sha: target.sha,
      ...(input.options.reason ? { reason: input.options.reason } : {}),
      requester: { id: input.userId, ...(input.userName ? { name: input.userName } : {}), ...(tz ? { tz } : {}) },
      channel: input.channelId,
      at: now,
      requiredApprovals: 1,
      rollback: { currentSha: current.sha, currentPromotionId: current.promotionId, targetPromotionId: target.promotionId },
    });
    const opened = await openPromotion(this.d, p, { service: p.service, env: p.env, from: current.sha, to: target.sha, target: target.promotionId, reason: p.reason, channel: p.channel });
    this.d.logger.info({ promotionId: p.id, service: p.service, env: p.env, target: target.sha }, 'rollback requested');
    return opened;
  }
}
