import { nextStageOf, ROLLBACK_OFFER_KEY } from '../../domain/lifecycle';
import { withThreadPost } from '../../domain/outbox';
import type { Promotion } from '../../domain/promotion';
import { findService } from '../../domain/resolve-request';
import { link, mrk } from '../../shared/mrkdwn';
import type { ExecDeps } from './exec-deps';
import type { StepKit } from './step-kit';
import { verificationFailure, verifyConfigOf } from './verify-steps';

/** The environments of the stage after `p`'s that shipgate opens itself (their `promote` is auto or request), joined. */
export function autoNextStage(d: Pick<ExecDeps, 'config'>, p: Pick<Promotion, 'service' | 'env' | 'kind'>): string | undefined {
  if (p.kind !== 'promotion') return undefined;
  const opened = nextStageOf(findService(d.config, p.service).pipeline, p.env).filter((next) => {
    const mode = d.config.environments.find((e) => e.name === next)?.promote;
    return mode === 'auto' || mode === 'request';
  });
  return opened.length ? opened.join(', ') : undefined;
}

/**
 * failed_verification: `announce.channel` is told, then by `onFailure`: `offer-rollback` posts
 * the Roll back button in the thread, `rollback` starts the rollback itself, `none` only says so.
 * Each effect once (a resumed step finds what an earlier attempt did).
 */
export async function verifyFailureStep(d: ExecDeps, k: StepKit, p0: Promotion): Promise<Promotion> {
  let p = p0;
  const onFailure = verifyConfigOf(d, p)?.onFailure ?? 'offer-rollback';
  const why = verificationFailure(p);
  const url = d.promotionLink(p);
  if (d.config.announce && d.lifecycle) {
    const hooks = d.lifecycle;
    p = await k.effectKeyed(p, 'verify_announce', {
      act: async () => {
        await hooks.announce(mrk`:x: ${p.service}: \`${(p.sha ?? '').slice(0, 7)}\` is deployed in *${p.env}* but failed verification (${why}). ${link(url, 'Promotion thread')}${onFailure === 'rollback' ? '; shipgate is rolling it back.' : onFailure === 'offer-rollback' ? '; roll back from the thread.' : '.'}`);
        return {};
      },
      output: () => ({}),
    });
  }
  if (onFailure === 'rollback' && d.lifecycle) {
    const hooks = d.lifecycle;
    const { p: next, value } = await k.effect<{ rollbackId: string }, 'verify_failure'>(p, 'verify_failure', {
      act: () => hooks.rollbackAfterVerification(p),
      output: (v) => ({ rollbackId: v.rollbackId }),
      apply: (cur, v) => withThreadPost(cur, 'verify_rollback', mrk`:rewind: \`onFailure: rollback\`: shipgate requested rollback \`${v.rollbackId}\` of *${cur.env}*; its message is in the channel.`, k.now()),
      applied: (v) => ({ type: 'verify_rollback_requested', data: { rollbackId: v.rollbackId } }),
    });
    void value;
    return next;
  }
  const text =
    onFailure === 'offer-rollback'
      ? mrk`:rewind: Verification failed in *${p.env}*: roll back to what ran before? Approvals are as for \`/rollback\`.`
      : mrk`:information_source: Verification failed in *${p.env}*; \`onFailure: none\`: nothing is rolled back by shipgate.`;
  return k.done(p, 'verify_failure', {}, (cur) => withThreadPost(cur, onFailure === 'offer-rollback' ? ROLLBACK_OFFER_KEY : 'verify_no_rollback', text, k.now()));
}

/** succeeded (and verified): the next stage's promotion, opened once by shipgate (`promote: auto|request`). */
export async function nextStageStep(d: ExecDeps, k: StepKit, p: Promotion): Promise<Promotion> {
  if (!d.lifecycle) return k.done(p, 'next_stage', {});
  const hooks = d.lifecycle;
  const { p: next } = await k.effect<{ env?: string; promotionId?: string }, 'next_stage'>(p, 'next_stage', {
    act: () => hooks.openNextStage(p),
    output: (v) => ({ ...(v.env ? { env: v.env } : {}), ...(v.promotionId ? { promotionId: v.promotionId } : {}) }),
    apply: (cur, v) => (v.promotionId ? withThreadPost(cur, 'next_stage', mrk`:fast_forward: Next stage: shipgate opened \`${v.promotionId}\` into *${v.env ?? '?'}*.`, k.now()) : cur),
    applied: (v) => ({ type: 'next_stage_opened', data: { env: v.env, promotionId: v.promotionId } }),
  });
  return next;
}
