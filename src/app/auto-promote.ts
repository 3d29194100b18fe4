import type { EnvironmentConfig, ServiceConfig, ShipgateConfig } from '../config/config-schema';
import { overridable } from '../domain/emergency-override';
import { freezeNextOpen, freezeResultFor } from '../domain/gates/freeze-decision';
import { formatOpenInstant } from '../domain/gates/freeze-gate';
import { gatesAllow } from '../domain/gates/gate-result';
import { derivedPromotionId, nextStageOf, triggerFires, triggerKey, type TriggerEvent } from '../domain/lifecycle';
import { withThreadPost } from '../domain/outbox';
import { firstEnvironment } from '../domain/pipeline-stages';
import { requiredApprovals } from '../domain/policy';
import { newPromotion, transition, type Promotion, type PromotionOrigin } from '../domain/promotion';
import { promotionId } from '../domain/promotion-id';
import { parseDuration } from '../shared/duration';
import { mrk } from '../shared/mrkdwn';
import { isShipgateError, ShipgateError } from '../shared/shipgate-error';
import type { LockGuard } from './lock-guard';
import type { Logger } from './logger';
import type { AuditLog } from './ports/audit-log';
import type { Chat } from './ports/chat';
import type { Clock } from './ports/clock';
import type { JobQueue } from './ports/job-queue';
import type { OnceGuard } from './ports/once-guard';
import type { PeopleLookup } from './ports/people-lookup';
import type { PromotionRepository } from './ports/promotion-repository';
import { openPromotion } from './request-promotion';

export interface AutoPromoteDeps {
  config: ShipgateConfig;
  clock: Clock;
  random: () => number;
  repo: Pick<PromotionRepository, 'create' | 'update' | 'get' | 'recent'>;
  audit: Pick<AuditLog, 'append'>;
  chat: Pick<Chat, 'postPromotion' | 'postToChannel'>;
  queue: Pick<JobQueue, 'enqueueEvaluation' | 'enqueueExecution' | 'nudgeChat'>;
  locks: Pick<LockGuard, 'open' | 'updateLocked'>;
  once: Pick<OnceGuard, 'claim' | 'release'>;
  people?: PeopleLookup;
  logger: Logger;
}

/** How long a trigger's (service, environment, SHA) is remembered: a redelivery weeks later still starts nothing. */
const TRIGGER_MEMORY_MS = 90 * 86_400_000;

/**
 * shipgate promoting by itself (SPEC §9): a `trigger` webhook starts a promotion into the
 * first stage of the pipeline; a stage that succeeded (and passed `verify`) opens the next
 * stage's promotion when that stage's `promote` is `auto` or `request`. Every such promotion
 * goes through every gate and approval rule like a typed `/promote`; its requester is the
 * candidate's author (resolved to a Slack user by email), so separation of duties applies to
 * them, and the card says "shipgate on behalf of …". `auto` confirms by itself where no
 * approval is required and queues itself for the next window when only a freeze blocks it.
 */
export class AutoPromote {
  constructor(private readonly d: AutoPromoteDeps) {}

  /** A verified webhook: the promotions it started (none for an event that fires no trigger, or a repeated one). */
  async onTrigger(e: TriggerEvent): Promise<Promotion[]> {
    const started: Promotion[] = [];
    for (const service of this.d.config.services) {
      if (!service.trigger || service.repo.toLowerCase() !== e.repo.toLowerCase() || !triggerFires(service.trigger, e)) continue;
      const env = this.envOf(firstEnvironment(service.pipeline));
      const key = triggerKey(service.name, env.name, e.sha);
      if (!(await this.d.once.claim(key, TRIGGER_MEMORY_MS))) {
        this.d.logger.info({ service: service.name, env: env.name, sha: e.sha, delivery: e.delivery }, 'trigger already fired for this SHA; nothing started');
        await this.noteRepeated(service.name, env.name, e);
        continue;
      }
      try {
        const author = await this.author(e.author);
        const origin: PromotionOrigin = {
          via: 'trigger',
          mode: env.promote === 'request' ? 'request' : 'auto',
          event: { name: e.name, delivery: e.delivery, ...(e.ref ? { ref: e.ref } : {}), ...('workflowRun' in service.trigger ? { workflow: service.trigger.workflowRun } : {}), ...(e.runUrl ? { runUrl: e.runUrl } : {}) },
          ...(author ? { author } : {}),
        };
        const from = 'push' in service.trigger ? service.trigger.push : service.trigger.workflowRun;
        const now = this.d.clock.now();
        const p = this.build(service, env, from, e.sha, origin, promotionId('promotion', now, this.d.random), now, this.announceChannel());
        started.push(await this.open(p));
      } catch (err) {
        await this.d.once.release(key).catch(() => undefined); // nothing started: a redelivery may try again
        // the first stage is busy (an earlier change still in it): nothing is queued, so people are told
        if (isShipgateError(err) && err.code === 'locked' && this.d.config.announce) {
          await this.d.chat
            .postToChannel(this.d.config.announce.channel, mrk`:hourglass: ${service.name}: \`${e.sha.slice(0, 7)}\` (${e.name === 'push' ? `push to ${e.ref ?? '?'}` : 'workflow run'}) was not promoted into *${env.name}*: ${err.display}. The next ${e.name === 'push' ? 'push' : 'successful run'} starts a promotion once *${env.name}* is free.`)
            .catch(() => undefined);
        }
        throw err;
      }
    }
    return started;
  }

  /**
   * The next stage's promotions after `source` succeeded, once each (their ids are derived from
   * the source's): every member of a parallel stage whose `promote` is auto or request.
   */
  async openNextStage(source: Promotion): Promise<{ env?: string; promotionId?: string }> {
    const service = this.d.config.services.find((s) => s.name === source.service);
    const members = service ? nextStageOf(service.pipeline, source.env) : [];
    if (!service || !members.length || !source.sha) return {};
    const opened: Array<{ env?: string; promotionId?: string }> = [];
    for (const next of members) opened.push(await this.openOne(source, service, next));
    const envs = opened.map((o) => o.env).filter((e): e is string => Boolean(e));
    const ids = opened.map((o) => o.promotionId).filter((e): e is string => Boolean(e));
    return { ...(envs.length ? { env: envs.join(', ') } : {}), ...(ids.length ? { promotionId: ids.join(', ') } : {}) };
  }

  private async openOne(source: Promotion, service: ServiceConfig, next: string): Promise<{ env?: string; promotionId?: string }> {
    if (!source.sha) return {};
    const env = this.envOf(next);
    if (env.promote === 'manual') return { env: next };
    const id = derivedPromotionId('promotion', source.createdAt, `next:${source.id}:${next}`);
    const existing = await this.d.repo.get(id);
    if (existing) return { env: next, promotionId: id };
    const origin: PromotionOrigin = {
      via: 'stage',
      mode: env.promote,
      sourcePromotionId: source.id,
      author: source.origin?.author ?? { slackId: source.requester.id, ...(source.requester.name ? { name: source.requester.name } : {}) },
    };
    const p = this.build(service, env, source.env, source.sha, origin, id, this.d.clock.now(), source.channel);
    try {
      await this.open(p);
    } catch (e) {
      // an earlier attempt created it (a crash after the write, a retried job): that one is the promotion
      if (isShipgateError(e) && e.code === 'internal' && (await this.d.repo.get(id))) return { env: next, promotionId: id };
      throw e;
    }
    return { env: next, promotionId: id };
  }

  /**
   * After the gates of a promotion shipgate opened with `promote: auto` were evaluated: confirmed
   * by itself when no approval is needed, queued for the next window when only a freeze blocks it.
   * Anything else (approvals, other blockers) is left to people, as for any request.
   */
  async settle(id: string): Promise<Promotion | undefined> {
    let p = await this.d.repo.get(id);
    if (!p || p.origin?.mode !== 'auto') return p;
    const now = this.d.clock.now();
    if (p.state === 'blocked' && overridable(p.gates)) {
      const freeze = p.gates.find((g) => g.gate === 'freeze' && g.code === 'frozen');
      const open = freeze ? freezeNextOpen(freeze) : undefined;
      if (!open) return p;
      const until = new Date(open);
      const tz = this.d.config.timezone;
      const { promotion, changed } = await this.d.locks.updateLocked(
        id,
        (cur) => {
          if (cur.state !== 'blocked') return undefined;
          const next = transition(cur, { type: 'queued', until: until.toISOString() }, now);
          const gates = next.gates.map((g) => (g.gate === 'freeze' ? freezeResultFor(g, next, until, tz) : g));
          return withThreadPost({ ...next, gates }, 'queued', mrk`:calendar: \`${cur.env}\` is frozen: shipgate queued this promotion for the next window, ${formatOpenInstant(until, tz, cur.requester.tz)}. Every gate is checked again then.`, now);
        },
        { audit: [{ at: now.toISOString(), promotionId: id, type: 'queued_for_window', actor: 'shipgate', data: { until: until.toISOString(), auto: true } }] },
      );
      if (changed) await this.d.queue.nudgeChat(id);
      p = promotion;
    }
    if (p.state === 'awaiting_approval' && p.gates.some((g) => g.gate === 'approval' && g.status === 'pass')) {
      const waitingOnlyForConfirmation = gatesAllow(
        p.gates.filter((g) => g.gate !== 'approval' && !(g.gate === 'freeze' && g.code === 'queued_for_window')),
        'execute',
      );
      if (!waitingOnlyForConfirmation) return p;
      const { promotion, changed } = await this.d.repo.update(
        id,
        (cur) =>
          cur.state === 'awaiting_approval'
            ? withThreadPost(transition(cur, { type: 'approved' }, now), 'auto_confirmed', mrk`:robot_face: \`promote: auto\`: no approval is required for \`${cur.env}\`, so shipgate goes ahead${cur.scheduledFor ? ' at the next window' : ''}; every gate is checked again before execution.`, now)
            : undefined,
        { audit: [{ at: now.toISOString(), promotionId: id, type: 'approved', actor: 'shipgate', data: { auto: true, approvals: 0, required: 0 } }] },
      );
      if (changed) {
        await this.d.queue.nudgeChat(id);
        await this.d.queue.enqueueExecution(id);
      }
      p = promotion;
    }
    return p;
  }

  /** A trigger that fired again for a SHA already started: recorded in the audit of the promotion it started. */
  private async noteRepeated(service: string, env: string, e: TriggerEvent): Promise<void> {
    const first = (await this.d.repo.recent(200, service)).find((p) => p.env === env && p.origin?.via === 'trigger' && (p.sha ?? p.ref) === e.sha);
    if (!first) return;
    await this.d.audit.append({ at: this.d.clock.now().toISOString(), promotionId: first.id, type: 'trigger_repeated', actor: 'shipgate', data: { event: e.name, delivery: e.delivery, sha: e.sha } });
  }

  private envOf(name: string): EnvironmentConfig {
    const env = this.d.config.environments.find((e) => e.name === name);
    if (!env) throw new ShipgateError('unknown_environment', `environment ${name} is not configured`);
    return env;
  }

  private async author(a: TriggerEvent['author']): Promise<PromotionOrigin['author']> {
    if (!a) return undefined;
    const slackId = a.email && this.d.people ? await this.d.people.slackUserByEmail(a.email) : undefined;
    return { ...(a.name ? { name: a.name } : {}), ...(a.email ? { email: a.email } : {}), ...(a.login ? { login: a.login } : {}), ...(slackId ? { slackId } : {}) };
  }

  private build(service: ServiceConfig, env: EnvironmentConfig, from: string, sha: string, origin: PromotionOrigin, id: string, now: Date, channel: string): Promotion {
    const timeout = env.approvalTimeout ? parseDuration(env.approvalTimeout) : undefined;
    const who = origin.author?.name ?? origin.author?.login ?? origin.author?.email;
    return newPromotion({
      id,
      kind: 'promotion',
      service: service.name,
      repo: service.repo,
      from,
      env: env.name,
      ref: sha,
      requester: { id: origin.author?.slackId ?? 'shipgate', name: `shipgate on behalf of ${who ?? 'the commit author'}` },
      channel,
      at: now,
      ...(timeout ? { approvalTimeoutMs: timeout } : {}),
      requiredApprovals: requiredApprovals(env),
      origin,
    });
  }

  /** Where a triggered promotion's request is posted: `announce.channel` (the next stages follow in the same channel). */
  private announceChannel(): string {
    const c = this.d.config.announce?.channel;
    if (!c) throw new ShipgateError('config_invalid', 'shipgate opens promotions itself (trigger / promote: auto|request) in `announce.channel`, which is not set');
    return c;
  }

  private async open(p: Promotion): Promise<Promotion> {
    const { promotion } = await openPromotion(this.d, p, { service: p.service, from: p.from, env: p.env, ref: p.ref, channel: p.channel, origin: p.origin });
    this.d.logger.info({ promotionId: p.id, service: p.service, env: p.env, via: p.origin?.via, mode: p.origin?.mode }, 'promotion opened by shipgate');
    return promotion;
  }
}
