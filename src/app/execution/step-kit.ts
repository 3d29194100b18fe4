import type { Mrkdwn } from '../../shared/mrkdwn';
import { displayFingerprint, owesChat, withThreadPost } from '../../domain/outbox';
import { needsMirror } from '../../domain/execution-plan';
import type { Promotion, RecordedStep, StepOutputs, StepRecord } from '../../domain/promotion';
import { isTransientError } from '../../domain/transient-error';
import type { Logger } from '../logger';
import type { Clock } from '../ports/clock';
import type { DeploymentRecord } from '../ports/deployment-history';
import type { JobQueue } from '../ports/job-queue';
import type { PromotionRepository } from '../ports/promotion-repository';
import { StepWait } from './step-wait';

export interface StepKitDeps {
  clock: Clock;
  repo: Pick<PromotionRepository, 'update'>;
  queue: Pick<JobQueue, 'nudgeChat'>;
  /**
   * How long a side effect claimed by another attempt is presumed in flight (longer than a
   * request can take): before that, a second attempt waits instead of looking and acting.
   */
  leaseMs: number;
}

/** The logger of one promotion's work: every line carries its id, service and environment. */
export function promotionLogger(logger: Logger, p: Pick<Promotion, 'id' | 'service' | 'env'>): Logger {
  return logger.child({ promotionId: p.id, service: p.service, env: p.env });
}

/** An audit entry of the promotion being changed. */
export interface AuditNote {
  type: string;
  data?: Record<string, unknown>;
  actor?: string;
}

export interface Effect<T, O extends object = Record<string, unknown>> {
  /** Was it applied already (by an attempt that died or whose answer was lost)? */
  look?: () => Promise<T | undefined>;
  act: () => Promise<T>;
  /** What the step records as its output. */
  output: (value: T) => O;
  /** Further changes stored in the same update as the "done" record. */
  apply?: (cur: Promotion, value: T) => Promotion;
  /** Audit entry when a look found it applied already. */
  adopted?: string;
  /** Audit entry when it was applied by this attempt. */
  applied?: (value: T) => AuditNote;
}

/** The undelivered outbox items, as a comparable string. */
function owed(p: Promotion): string {
  return (p.outbox ?? [])
    .filter((i) => i.state !== 'sent')
    .map((i) => i.key)
    .join('\n');
}

/**
 * Does this change give the chat delivery something new to do: the message shows something
 * else, the thread is owed another post, or the evidence pack stopped waiting for the
 * Deployment mirror? Step records, leases and counters do not (each wake costs a BullMQ job
 * and a read of the promotion); what is owed already was nudged by the change that owed it,
 * and the sweeper re-nudges a delivery whose job was lost.
 */
export function wakesChat(before: Promotion, after: Promotion): boolean {
  if (!owesChat(after)) return false;
  return displayFingerprint(before) !== displayFingerprint(after) || owed(before) !== owed(after) || needsMirror(before) !== needsMirror(after);
}

/**
 * The execution's record keeping. Every change is one compare-and-set update of the
 * promotion (with the thread posts it owes, so a message is never lost nor said twice), and
 * every side effect follows one protocol: claim it ("started", by this attempt), act, record
 * "done". An attempt that finds it "started" by a dead attempt, or "uncertain" (a 502, a
 * timeout: maybe applied), looks before it acts.
 */
export class StepKit {
  constructor(
    private readonly d: StepKitDeps,
    /** This delivery attempt (BullMQ job token). */
    readonly token: string,
    /** The promotion's logger: a child carrying promotionId, service and env, for every step. */
    readonly log: Logger,
  ) {}

  now(): Date {
    return this.d.clock.now();
  }

  /**
   * One atomic update, with the audit entries it earns (appended in the same step, only when
   * it changes the promotion); tells the chat delivery when the thread or message owes Slack.
   */
  async update(p: Promotion, fn: (cur: Promotion) => Promotion | undefined, audit: readonly AuditNote[] = [], history?: DeploymentRecord): Promise<Promotion> {
    const at = this.now().toISOString();
    const entries = audit.map((a) => ({ at, promotionId: p.id, type: a.type, ...(a.actor ? { actor: a.actor } : {}), ...(a.data ? { data: a.data } : {}) }));
    const { promotion, changed } = await this.d.repo.update(p.id, fn, { known: p, audit: entries, ...(history ? { history } : {}) });
    if (changed && wakesChat(p, promotion)) await this.d.queue.nudgeChat(promotion.id);
    return promotion;
  }

  /** Posts into the thread once per `key` (recorded in the same update as `fn`'s change). */
  async say(p: Promotion, key: string, text: Mrkdwn, fn: (cur: Promotion) => Promotion = (c) => c): Promise<Promotion> {
    return this.update(p, (cur) => withThreadPost(fn(cur), key, text, this.now()));
  }


  /** Records a named step as done with its output (and further changes, and audit entries). */
  async done<N extends RecordedStep>(p: Promotion, name: N, output: StepOutputs[N], fn: (cur: Promotion) => Promotion = (c) => c, audit: readonly AuditNote[] = []): Promise<Promotion> {
    return this.doneKeyed(p, name, output, fn, audit);
  }

  /** Records a keyed step (a run's environment review) as done with its output. */
  async doneKeyed(p: Promotion, name: string, output: Record<string, unknown>, fn: (cur: Promotion) => Promotion = (c) => c, audit: readonly AuditNote[] = []): Promise<Promotion> {
    const now = this.now().toISOString();
    return this.update(
      p,
      (cur) => {
        const prev = cur.steps[name];
        if (prev?.status === 'done') return undefined;
        const rec: StepRecord = { name, status: 'done', startedAt: prev?.startedAt ?? now, finishedAt: now, output: { ...(prev?.output ?? {}), ...output } };
        const next = fn(cur);
        return { ...next, steps: { ...next.steps, [name]: rec } };
      },
      audit,
    );
  }

  /**
   * A named step's side effect exactly once; its value is the output the step recorded (by
   * this attempt or an earlier one).
   */
  async effect<T, N extends RecordedStep>(p0: Promotion, name: N, e: Effect<T, StepOutputs[N]>): Promise<{ p: Promotion; value: StepOutputs[N] | undefined }> {
    const p = await this.effectKeyed(p0, name, e);
    const named: { [K in RecordedStep]?: StepRecord<StepOutputs[K]> } = p.steps;
    return { p, value: named[name]?.output };
  }

  /** A side effect exactly once: look (when an earlier attempt may have applied it), claim, act, record. */
  async effectKeyed<T>(p0: Promotion, name: string, e: Effect<T, Record<string, unknown>>): Promise<Promotion> {
    let p = p0;
    const rec = p.steps[name];
    if (rec?.status === 'done') return p;
    if (rec && (rec.status === 'started' || rec.status === 'uncertain')) {
      const age = this.now().getTime() - Date.parse(rec.startedAt);
      // the look only reads, so it is safe while another attempt may still be in flight: an effect
      // that already happened (the usual case after a crash) is adopted at once, not after the lease
      const found = e.look ? await e.look() : undefined;
      if (found !== undefined) {
        p = await this.record(p, name, e, found, { type: e.adopted ?? `${name}_adopted`, data: e.output(found) });
        return p;
      }
      // nothing found yet: act again only once the other attempt's request can no longer land
      if (rec.status === 'started' && rec.owner !== this.token && age < this.d.leaseMs) {
        throw new StepWait(this.d.leaseMs - age, [], `${name} is in flight in another attempt`);
      }
    }
    const claimedAt = this.now().toISOString();
    p = await this.update(p, (cur) => {
      const r = cur.steps[name];
      if (r?.status === 'done') return undefined;
      if (r && r.startedAt !== rec?.startedAt) throw new StepWait(0, [], `${name} was claimed by another attempt`);
      return { ...cur, steps: { ...cur.steps, [name]: { name, status: 'started', startedAt: claimedAt, owner: this.token } } };
    });
    if (p.steps[name]?.status === 'done') return p;
    let value: T;
    try {
      value = await e.act();
    } catch (err) {
      // it may have been applied (a 502 after the write, a timeout): the next attempt looks first
      const status: StepRecord['status'] = isTransientError(err) ? 'uncertain' : 'failed';
      const error = err instanceof Error ? err.message : String(err);
      await this.d.repo
        .update(p.id, (cur) => (cur.steps[name]?.owner === this.token ? { ...cur, steps: { ...cur.steps, [name]: { ...cur.steps[name]!, status, error } } } : undefined), { known: p })
        .catch(() => undefined);
      throw err;
    }
    p = await this.record(p, name, e, value, e.applied?.(value));
    return p;
  }

  private async record<T>(p: Promotion, name: string, e: Effect<T, Record<string, unknown>>, value: T, audit?: AuditNote): Promise<Promotion> {
    return this.doneKeyed(p, name, e.output(value), (cur) => (e.apply ? e.apply(cur, value) : cur), audit ? [audit] : []);
  }
}
