import type { ShipgateConfig } from '../config/config-schema';
import type { PromoteOptions } from '../domain/command-parser';
import { groupsIn, mayRequest, requiredApprovals } from '../domain/policy';
import { newPromotion, transition, type Promotion } from '../domain/promotion';
import { displayFingerprint } from '../domain/outbox';
import { promotionId } from '../domain/promotion-id';
import { resolveTarget } from '../domain/resolve-request';
import { attestationOf, checklistProblems, type ChecklistAnswers } from '../domain/checklist';
import type { ChecklistItem } from '../config/approvals-schema';
import { joinMd, mrk } from '../shared/mrkdwn';
import { ShipgateError } from '../shared/shipgate-error';
import { parseDuration } from '../shared/duration';
import type { AuditLog } from './ports/audit-log';
import type { Chat } from './ports/chat';
import type { Clock } from './ports/clock';
import type { Directory } from './ports/directory';
import type { JobQueue } from './ports/job-queue';
import type { PromotionRepository } from './ports/promotion-repository';
import type { Logger } from './logger';
import type { LockGuard } from './lock-guard';

export interface RequestPromotionDeps {
  config: ShipgateConfig;
  clock: Clock;
  random: () => number;
  repo: Pick<PromotionRepository, 'create' | 'update'>;
  audit: Pick<AuditLog, 'append'>;
  chat: Pick<Chat, 'postPromotion'>;
  directory: Directory;
  queue: Pick<JobQueue, 'enqueueEvaluation'>;
  locks: Pick<LockGuard, 'open'> & Partial<Pick<LockGuard, 'assertFree'>>;
  logger: Logger;
}

export interface PromoteInput {
  service: string;
  env: string;
  options: PromoteOptions;
  userId: string;
  userName?: string;
  channelId: string;
  /** The requester's answers to the environment's checklist (the checklist form). */
  checklist?: ChecklistAnswers;
}

/**
 * `/promote <service> <env>`: validates names and who may request, creates the promotion,
 * posts its one approval message and hands gate evaluation to the worker (no GitHub call here).
 */
export class RequestPromotion {
  constructor(private readonly d: RequestPromotionDeps) {}

  /**
   * What can be refused from the config and the promotion store alone, before the Slack ack:
   * unknown service or environment, a bad option, a user not among deployers that name no
   * user group, a lock held by a live promotion. The rest (user groups) needs Slack.
   */
  async precheck(input: Pick<PromoteInput, 'service' | 'env' | 'options' | 'userId'>): Promise<void> {
    const { service, env } = resolveTarget(this.d.config, input.service, input.env, input.options);
    if (groupsIn(env.deployers).length === 0) {
      const allowed = mayRequest(env, input.userId, {});
      if (!allowed.ok) throw new ShipgateError('not_authorized', allowed.message, { env: env.name });
    }
    await this.d.locks.assertFree?.({ service: service.name, env: env.name });
  }

  /**
   * Whether the request needs the checklist form first: every refusal a request would meet
   * (who may request, a held lock) is checked now, before the form opens; answers the
   * environment's checklist, or undefined when it has none.
   */
  async checklistFor(input: Pick<PromoteInput, 'service' | 'env' | 'options' | 'userId'>): Promise<readonly ChecklistItem[] | undefined> {
    const { service, env } = resolveTarget(this.d.config, input.service, input.env, input.options);
    if (!env.checklist?.length) return undefined;
    const allowed = mayRequest(env, input.userId, await this.d.directory.groupMembers(groupsIn(env.deployers)));
    if (!allowed.ok) throw new ShipgateError('not_authorized', allowed.message, { env: env.name });
    await this.d.locks.assertFree?.({ service: service.name, env: env.name });
    return env.checklist;
  }

  async execute(input: PromoteInput): Promise<Promotion> {
    const { service, env, from } = resolveTarget(this.d.config, input.service, input.env, input.options);
    const groups = await this.d.directory.groupMembers(groupsIn(env.deployers));
    const allowed = mayRequest(env, input.userId, groups);
    if (!allowed.ok) throw new ShipgateError('not_authorized', allowed.message, { env: env.name });
    const now = this.d.clock.now();
    // a checklist is attested before the request exists: complete answers, or no request
    const items = env.checklist ?? [];
    if (items.length && !input.checklist) {
      throw new ShipgateError('bad_command', mrk`\`${env.name}\` has a checklist: request it with \`/promote\` in Slack and tick every item in the form.`);
    }
    const problems = input.checklist ? checklistProblems(items, input.checklist) : [];
    if (problems.length) {
      throw new ShipgateError(
        'bad_option',
        mrk`The checklist is not complete: ${joinMd(
          problems.map((x) => mrk`“${x.text}” ${x.kind === 'unticked' ? 'is not ticked' : 'needs a text'}`),
          '; ',
        )}.`,
      );
    }
    const attestation = items.length && input.checklist ? attestationOf(items, input.checklist, input.userId, now) : undefined;
    const tz = await this.d.directory.userTimeZone(input.userId);
    const timeout = env.approvalTimeout ? parseDuration(env.approvalTimeout) : undefined;
    const p = newPromotion({
      id: promotionId('promotion', now, this.d.random),
      kind: 'promotion',
      service: service.name,
      repo: service.repo,
      from: from.name,
      env: env.name,
      ...(input.options.ref ? { ref: input.options.ref } : {}),
      ...(input.options.cr ? { cr: input.options.cr } : {}),
      ...(input.options.reason ? { reason: input.options.reason } : {}),
      ...(input.options.force ? { force: true } : {}),
      ...(input.options.hotfix ? { hotfix: input.options.hotfix } : {}),
      requester: { id: input.userId, ...(input.userName ? { name: input.userName } : {}), ...(tz ? { tz } : {}) },
      channel: input.channelId,
      at: now,
      ...(timeout ? { approvalTimeoutMs: timeout } : {}),
      requiredApprovals: requiredApprovals(env),
      ...(attestation ? { attestation } : {}),
    });
    const { promotion } = await openPromotion(this.d, p, {
      ...(attestation ? { attestation } : {}),
      service: p.service,
      from: p.from,
      env: p.env,
      ref: p.ref,
      cr: p.cr,
      reason: p.reason,
      ...(p.force ? { force: true } : {}),
      ...(p.hotfix ? { hotfix: p.hotfix } : {}),
      channel: p.channel,
    });
    if (attestation) {
      // its own line in the audit trail (and the evidence pack's): who attested which items, with the texts typed
      await this.d.audit.append({ at: attestation.at, promotionId: p.id, type: 'checklist_attested', actor: attestation.userId, data: { items: attestation.items } });
    }
    this.d.logger.info({ promotionId: p.id, service: p.service, env: p.env }, 'promotion requested');
    return promotion;
  }
}

/**
 * Takes the (service, environment) lock, stores the promotion, audits it, posts its one
 * message and hands gate evaluation to the worker. If posting fails, the promotion is
 * cancelled again (releasing the lock) and the error reaches the person.
 */
export async function openPromotion(
  d: Pick<RequestPromotionDeps, 'repo' | 'audit' | 'chat' | 'queue' | 'locks' | 'clock'>,
  p: Promotion,
  auditData: Record<string, unknown>,
): Promise<{ promotion: Promotion; preempted?: Promotion }> {
  const { preempted } = await d.locks.open(p);
  await d.audit.append({ at: p.createdAt, promotionId: p.id, type: 'requested', actor: p.requester.id, data: { kind: p.kind, ...auditData, ...(preempted ? { preempted: preempted.id } : {}) } });
  let ts: string;
  try {
    ts = await d.chat.postPromotion(p);
  } catch (e) {
    const now = d.clock.now();
    await d.repo.update(p.id, (cur) => transition(cur, { type: 'cancelled', by: p.requester.id, reason: 'the approval message could not be posted' }, now));
    throw e;
  }
  // the message shows `p` as posted: the delivery job re-renders it only once the promotion changes
  const { promotion } = await d.repo.update(p.id, (cur) => ({ ...cur, messageTs: ts, chat: { shown: displayFingerprint(p) } }));
  await d.queue.enqueueEvaluation(p.id);
  return { promotion, ...(preempted ? { preempted } : {}) };
}
