import type { AckFn, App, BlockAction, ButtonAction, RespondArguments, RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { ShipgateConfig } from '../../config/config-schema';
import type { Logger } from '../../app/logger';
import type { RequestPromotion } from '../../app/request-promotion';
import type { DecideApproval } from '../../app/decide-approval';
import type { FreezeActions } from '../../app/freeze-actions';
import type { RequestRollback } from '../../app/request-rollback';
import type { DescribeDeployments } from '../../app/describe-deployments';
import type { PublishEvidence } from '../../app/publish-evidence';
import type { PlanPromotion } from '../../app/plan-promotion';
import type { RequestPlan } from '../../app/plan-review/request-plan';
import { parseApproveValue } from './blocks/plan-buttons';
import { planMessage } from './blocks/plan-message';
import type { Chat } from '../../app/ports/chat';
import type { PromotionRepository } from '../../app/ports/promotion-repository';
import { parsePromoteCommand, parseRollbackCommand } from '../../domain/command-parser';
import { decodeSlackEntities, fromStored, mrk, text, type Mrkdwn } from '../../shared/mrkdwn';
import { ShipgateError } from '../../shared/shipgate-error';
import { helpMessage } from './blocks/help-message';
import { ACTIONS } from './blocks/promotion-message';
import { REJECT_CALLBACK, rejectModal } from './blocks/reject-modal';
import { OVERRIDE_CALLBACK, overrideModal } from './blocks/override-modal';
import { CHECKLIST_CALLBACK, checklistAnswers, checklistErrors, checklistMetadata, checklistModal, readChecklistMetadata } from './blocks/checklist-modal';
import { checklistProblems } from '../../domain/checklist';
import { userMessage } from './user-message';

export interface SlackUseCases {
  request: Pick<RequestPromotion, 'execute'> & Partial<Pick<RequestPromotion, 'precheck' | 'checklistFor'>>;
  rollback: Pick<RequestRollback, 'execute'> & Partial<Pick<RequestRollback, 'precheck'>>;
  plan: Pick<PlanPromotion, 'execute'>;
  describe: Pick<DescribeDeployments, 'status' | 'historyOf'>;
  evidence: Pick<PublishEvidence, 'publish'>;
  decide: Pick<DecideApproval, 'approve' | 'reject' | 'cancel'>;
  /** `plan:` re-plan (command and button); absent where no environment makes a plan. */
  replan?: Pick<RequestPlan, 'replan'>;
  freeze: Pick<FreezeActions, 'assertOverridable' | 'requestOverride' | 'queueForNextWindow' | 'describe'>;
}

export interface ListenerDeps {
  config: ShipgateConfig;
  useCases: SlackUseCases;
  repo: Pick<PromotionRepository, 'get'>;
  chat: Pick<Chat, 'postEphemeral'>;
  logger: Logger;
  /** Web URL of a commit (links in /promote plan). */
  commitUrl?: (repo: string, sha: string) => string;
  /** Observes ack latency (metrics). */
  onAck?: (kind: string, ms: number) => void;
}

async function ephemeral(respond: RespondFn, message: Mrkdwn, blocks?: KnownBlock[]): Promise<void> {
  const res: unknown = await respond({ response_type: 'ephemeral', replace_original: false, text: message.text, ...(blocks ? { blocks } : {}) });
  // Bolt hands back fetch's Response unread; read, its kept-alive connection goes back to the pool at
  // once (unread, undici holds it until the Response is garbage-collected and then closes it)
  if (res instanceof Response) await res.arrayBuffer().catch(() => undefined);
}

/** How long a check against the promotion store may hold the ack before it is sent empty (the reply then follows by response_url). */
const EARLY_CHECK_MS = 1000;

/**
 * A slash command's replies: the first one known before the ack goes inside it (no extra call
 * to Slack); once acked, replies go to response_url.
 */
class CommandReply {
  private acked = false;
  private readonly started = Date.now();

  constructor(
    private readonly ackFn: AckFn<string | RespondArguments>,
    private readonly respond: RespondFn,
    private readonly onAck?: (kind: string, ms: number) => void,
  ) {}

  /** Sends the ack now (empty) if it has not gone yet. */
  async ack(): Promise<void> {
    if (this.acked) return;
    this.acked = true;
    await this.ackFn();
    this.onAck?.('command', Date.now() - this.started);
  }

  async send(message: Mrkdwn, blocks?: KnownBlock[]): Promise<void> {
    if (this.acked) return ephemeral(this.respond, message, blocks);
    this.acked = true;
    await this.ackFn({ response_type: 'ephemeral', text: message.text, ...(blocks ? { blocks } : {}) });
    this.onAck?.('command', Date.now() - this.started);
  }

  /** Runs a store-only check before the ack, but sends the ack empty if the check takes longer than `ms`. */
  async early(check: Promise<void>, ms = EARLY_CHECK_MS): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => resolve(this.ack()), ms);
      timer.unref();
    });
    try {
      await Promise.race([check, late.then(() => check)]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Slack sends `&`, `<`, `>` typed in a command as entities: parse the text that was typed (it is escaped again on the way out). */
function typed(commandText: string | undefined): string {
  return decodeSlackEntities(commandText ?? '');
}

/** Where a click came from: `message.ts`, or `container.message_ts` when the payload has no `message`. */
function originOf(body: BlockAction): { channelId?: string; messageTs?: string } {
  const container = body.container as { message_ts?: unknown; channel_id?: unknown } | undefined;
  const ts = body.message?.ts ?? (typeof container?.message_ts === 'string' ? container.message_ts : undefined);
  const channel = body.channel?.id ?? (typeof container?.channel_id === 'string' ? container.channel_id : undefined);
  return { ...(channel ? { channelId: channel } : {}), ...(ts ? { messageTs: String(ts) } : {}) };
}

/**
 * Thin listeners: a slash command's reply known from the config and the promotion store goes
 * inside the ack (help, usage errors, unknown names, refusals, "locked by …"); anything that
 * needs Slack or more is done after it. Clicks and forms ack first. Errors become one
 * ephemeral message. They never call GitHub or ServiceNow.
 */
export function registerSlackListeners(app: App, d: ListenerDeps): void {
  const timed = async (kind: string, started: number, ack: () => Promise<void>) => {
    await ack();
    d.onAck?.(kind, Date.now() - started);
  };

  // the help depends on the config alone: built once, on first use (with many services it is the costliest part of an ack)
  let help: ReturnType<typeof helpMessage> | undefined;
  app.command('/promote', async ({ command, ack, respond, client }) => {
    const reply = new CommandReply(ack, respond, d.onAck);
    const log = (): Logger => d.logger.child({ user: command.user_id, channel: command.channel_id, command: '/promote' });
    try {
      const parsed = parsePromoteCommand(typed(command.text));
      // replies known from the config and the promotion store go inside the ack; the rest follows it
      switch (parsed.kind) {
        case 'help': {
          help ??= helpMessage(d.config);
          return await reply.send(help.text, help.blocks);
        }
        case 'error':
          throw new ShipgateError('bad_command', parsed.message);
        case 'promote': {
          const input = { service: parsed.service, env: parsed.env, options: parsed.options, userId: command.user_id };
          if (d.useCases.request.precheck) await reply.early(d.useCases.request.precheck(input));
          await reply.ack();
          // an environment with a checklist: the form first, the request only once every item is attested
          const checklist = await d.useCases.request.checklistFor?.(input);
          if (checklist) {
            const metadata = checklistMetadata({ v: 1, service: parsed.service, env: parsed.env, channelId: command.channel_id, options: parsed.options });
            await client.views.open({ trigger_id: command.trigger_id, view: checklistModal(`${parsed.service} → ${parsed.env}`, checklist, metadata) });
            return;
          }
          const p = await d.useCases.request.execute({ ...input, userName: command.user_name, channelId: command.channel_id });
          return await reply.send(mrk`:memo: Requested \`${p.id}\`: ${p.service} ${p.from} → ${p.env}. Gates are being checked; the approval message is in the channel.`);
        }
        case 'plan': {
          await reply.ack();
          const plan = await d.useCases.plan.execute({ service: parsed.service, env: parsed.env, options: parsed.options, userId: command.user_id });
          const m = planMessage(plan, d.commitUrl ? { commitUrl: d.commitUrl } : {});
          return await reply.send(m.text, m.blocks);
        }
        case 'status':
          await reply.ack();
          return await reply.send(await d.useCases.describe.status(parsed.service));
        case 'history':
          await reply.ack();
          return await reply.send(await d.useCases.describe.historyOf(parsed.service, parsed.env));
        case 'evidence': {
          await reply.ack();
          const p = await d.useCases.evidence.publish(parsed.id, command.user_id);
          return await reply.send(mrk`:card_index_dividers: Evidence pack for \`${p.id}\` is being uploaded to its thread.`);
        }
        case 'freeze': {
          await reply.ack();
          return await reply.send(text(await d.useCases.freeze.describe(parsed.env, command.user_id)));
        }
        case 'cancel': {
          await reply.ack();
          const p = await d.useCases.decide.cancel(parsed.id, command.user_id);
          return await reply.send(mrk`Cancelled \`${p.id}\`.`);
        }
        case 'replan': {
          await reply.ack();
          if (!d.useCases.replan) throw new ShipgateError('bad_command', 'No environment makes a plan (`plan:`); nothing to re-plan.');
          const p = await d.useCases.replan.replan(parsed.id, command.user_id);
          return await reply.send(mrk`:repeat: Re-planning \`${p.id}\`: earlier approvals are void; the new plan will be in its thread.`);
        }
        default:
          throw new ShipgateError('bad_command', `\`/promote ${parsed.kind}\` is not available in this version of shipgate yet. See \`/promote help\`.`);
      }
    } catch (e) {
      await reply.send(userMessage(e, log()));
    }
  });

  app.command('/rollback', async ({ command, ack, respond }) => {
    const reply = new CommandReply(ack, respond, d.onAck);
    const log = (): Logger => d.logger.child({ user: command.user_id, channel: command.channel_id, command: '/rollback' });
    try {
      const parsed = parseRollbackCommand(typed(command.text));
      if (parsed.kind === 'error') throw new ShipgateError('bad_command', parsed.message);
      if (parsed.kind !== 'rollback') throw new ShipgateError('bad_command', 'usage: `/rollback <service> [env] [to=<sha|promotion-id>] [reason="…"]`');
      const input = { service: parsed.service, ...(parsed.env ? { env: parsed.env } : {}), channelId: command.channel_id, channelName: command.channel_name };
      // refusals known from the config go inside the ack; a held lock may be pre-empted, so it is decided after
      d.useCases.rollback.precheck?.(input);
      await reply.ack();
      const { promotion: p, preempted } = await d.useCases.rollback.execute({ ...input, options: parsed.options, userId: command.user_id, userName: command.user_name });
      return await reply.send(
        mrk`:rewind: Requested rollback \`${p.id}\`: ${p.service} in ${p.env} → \`${p.sha?.slice(0, 7) ?? 'unresolved'}\`.${preempted ? ` Pending promotion \`${preempted.id}\` was cancelled.` : ''} The approval message is in the channel.`,
      );
    } catch (e) {
      await reply.send(userMessage(e, log()));
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.approve, async ({ ack, body, action, respond }) => {
    await timed('action', Date.now(), () => ack());
    const log = (): Logger => d.logger.child({ user: body.user.id, promotionId: action.value, action: 'approve' });
    try {
      // with `plan:` the button carries the digest of the plan its card showed
      const { id, planDigest } = parseApproveValue(String(action.value ?? ''));
      await d.useCases.decide.approve(id, body.user.id, { ...originOf(body), ...(planDigest ? { planDigest } : {}) });
    } catch (e) {
      await ephemeral(respond, userMessage(e, log()));
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.replan, async ({ ack, body, action, respond }) => {
    await timed('action', Date.now(), () => ack());
    const log = (): Logger => d.logger.child({ user: body.user.id, promotionId: action.value, action: 'replan' });
    try {
      if (!d.useCases.replan) throw new ShipgateError('bad_command', 'Re-plan is not available here.');
      await d.useCases.replan.replan(String(action.value ?? ''), body.user.id, originOf(body));
    } catch (e) {
      await ephemeral(respond, userMessage(e, log()));
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.cancel, async ({ ack, body, action, respond }) => {
    await timed('action', Date.now(), () => ack());
    const log = (): Logger => d.logger.child({ user: body.user.id, promotionId: action.value, action: 'cancel' });
    try {
      await d.useCases.decide.cancel(String(action.value ?? ''), body.user.id, originOf(body));
    } catch (e) {
      await ephemeral(respond, userMessage(e, log()));
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.reject, async ({ ack, body, action, respond, client }) => {
    await timed('action', Date.now(), () => ack());
    const id = String(action.value ?? '');
    const log = (): Logger => d.logger.child({ user: body.user.id, promotionId: id, action: 'reject' });
    try {
      const p = await d.repo.get(id);
      if (!p) throw new ShipgateError('not_found', `No promotion \`${id}\` exists.`);
      const origin = originOf(body);
      if (origin.channelId !== p.channel || origin.messageTs !== p.messageTs) {
        throw new ShipgateError('not_authorized', `This button does not belong to promotion \`${id}\`'s approval message.`);
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: rejectModal(id, `${p.service} ${p.from} → ${p.env}`, { channelId: p.channel, messageTs: p.messageTs ?? '' }),
      });
    } catch (e) {
      await ephemeral(respond, userMessage(e, log()));
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.queue, async ({ ack, body, action, respond }) => {
    await timed('action', Date.now(), () => ack());
    const log = (): Logger => d.logger.child({ user: body.user.id, promotionId: action.value, action: 'queue' });
    try {
      await d.useCases.freeze.queueForNextWindow(String(action.value ?? ''), body.user.id);
    } catch (e) {
      await ephemeral(respond, userMessage(e, log()));
    }
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.override, async ({ ack, body, action, respond, client }) => {
    await timed('action', Date.now(), () => ack());
    const id = String(action.value ?? '');
    const log = (): Logger => d.logger.child({ user: body.user.id, promotionId: id, action: 'override' });
    try {
      const p = await d.useCases.freeze.assertOverridable(id, body.user.id);
      const freeze = p.gates.find((g) => g.gate === 'freeze');
      await client.views.open({
        trigger_id: body.trigger_id,
        view: overrideModal(id, `${p.service} ${p.from} → ${p.env}`, freeze ? fromStored(freeze.summary) : mrk``, {
          rollbackPlan: d.config.emergency?.requireRollbackPlan ?? true,
          onCall: d.config.emergency?.requireOnCall ?? true,
        }),
      });
    } catch (e) {
      await ephemeral(respond, userMessage(e, log()));
    }
  });

  app.view(OVERRIDE_CALLBACK, async ({ ack, body, view }) => {
    const v = view.state.values;
    const justification = v.justification?.value?.value?.trim() ?? '';
    const rollbackPlan = v.rollback_plan?.value?.value?.trim() ?? '';
    const onCall = v.on_call?.value?.selected_user ?? undefined;
    const errors: Record<string, string> = {};
    if (justification.length < 10) errors.justification = 'Explain why, in at least 10 characters.';
    if ((d.config.emergency?.requireRollbackPlan ?? true) && !rollbackPlan) errors.rollback_plan = 'A rollback plan is required.';
    if ((d.config.emergency?.requireOnCall ?? true) && !onCall) errors.on_call = 'Name the on-call engineer.';
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await timed('view', Date.now(), () => ack());
    let id = '';
    try {
      id = String((JSON.parse(view.private_metadata || '{}') as { id?: string }).id ?? '');
    } catch {
      id = '';
    }
    const log = (): Logger => d.logger.child({ user: body.user.id, promotionId: id, action: 'override' });
    try {
      const p = await d.useCases.freeze.requestOverride(id, body.user.id, { justification, ...(rollbackPlan ? { rollbackPlan } : {}), ...(onCall ? { onCall } : {}) });
      void p;
    } catch (e) {
      const p = id ? await d.repo.get(id).catch(() => undefined) : undefined;
      if (p) await d.chat.postEphemeral(p.channel, body.user.id, userMessage(e, log())).catch(() => undefined);
      else userMessage(e, log());
    }
  });

  app.view(CHECKLIST_CALLBACK, async ({ ack, body, view }) => {
    const meta = readChecklistMetadata(view.private_metadata);
    const firstInput = (Array.isArray(view.blocks) ? view.blocks : []).find((b) => b.type === 'input')?.block_id;
    if (!meta) {
      await ack({ response_action: 'errors', errors: { [firstInput ?? 'intro']: 'This form is not valid; close it and type /promote again.' } });
      return;
    }
    const items = d.config.environments.find((e) => e.name === meta.env)?.checklist ?? [];
    const answers = checklistAnswers(items, view.state.values);
    const problems = checklistProblems(items, answers);
    if (problems.length) {
      await ack({ response_action: 'errors', errors: checklistErrors(problems) });
      return;
    }
    await timed('view', Date.now(), () => ack());
    const log = d.logger.child({ user: body.user.id, channel: meta.channelId, command: '/promote' });
    try {
      const p = await d.useCases.request.execute({
        service: meta.service,
        env: meta.env,
        options: meta.options,
        userId: body.user.id,
        userName: body.user.name,
        channelId: meta.channelId,
        checklist: answers,
      });
      await d.chat.postEphemeral(meta.channelId, body.user.id, mrk`:memo: Requested \`${p.id}\`: ${p.service} ${p.from} → ${p.env}, checklist attested. Gates are being checked; the approval message is in the channel.`);
    } catch (e) {
      await d.chat.postEphemeral(meta.channelId, body.user.id, userMessage(e, log)).catch(() => undefined);
    }
  });

  app.view(REJECT_CALLBACK, async ({ ack, body, view }) => {
    const reason = view.state.values.reason?.value?.value?.trim() ?? '';
    if (!reason) {
      await ack({ response_action: 'errors', errors: { reason: 'A rejection needs a reason.' } });
      return;
    }
    await timed('view', Date.now(), () => ack());
    let meta: { id?: string; channelId?: string; messageTs?: string } = {};
    try {
      meta = JSON.parse(view.private_metadata || '{}') as typeof meta;
    } catch {
      meta = {};
    }
    const log = (): Logger => d.logger.child({ user: body.user.id, promotionId: meta.id, action: 'reject' });
    try {
      if (!meta.id) throw new ShipgateError('bad_command', 'This form is missing its promotion id.');
      await d.useCases.decide.reject(meta.id, body.user.id, reason, { ...(meta.channelId ? { channelId: meta.channelId } : {}), ...(meta.messageTs ? { messageTs: meta.messageTs } : {}) });
    } catch (e) {
      if (meta.channelId) await d.chat.postEphemeral(meta.channelId, body.user.id, userMessage(e, log())).catch(() => undefined);
      else userMessage(e, log());
    }
  });
}
