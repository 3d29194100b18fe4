import type { ServiceConfig, ShipgateConfig } from '../config/config-schema';
import type { Promotion } from '../domain/promotion';
import { findService } from '../domain/resolve-request';
import { draftChange, type ChangeTemplate, type DraftExtras } from '../domain/servicenow/change-draft';
import { formatSnDateTime, mrkdwnLink, type ChangeRecord } from '../domain/servicenow/change-record';
import { fromStored, mrk, stored, type MrkdwnText } from '../shared/mrkdwn';
import { finishWorkNote, startWorkNote } from '../domain/servicenow/work-notes';
import type { Logger } from './logger';
import type { ChangeManagement } from './ports/change-management';
import type { Clock } from './ports/clock';

/**
 * Closes the loop with ServiceNow: work notes on the promotion's change when it starts
 * (who approved in Slack, SHA, thread link) and when it ends (PRs, run URLs, Databricks
 * run IDs, outcome); optionally (`servicenow.closeOnSuccess`) moves the change to Review
 * with close code "successful"; in create mode opens the Normal change for a promotion.
 *
 * Nothing here throws: every method resolves with an outcome whose `message` (Slack
 * mrkdwn) the caller posts in the promotion's thread. A write-back failure never fails a
 * deployment.
 */

export interface ChangeWriteBackDeps {
  changes: ChangeManagement;
  config: ShipgateConfig;
  clock: Clock;
  /** Permalink of the promotion's Slack thread, when known. */
  threadLink: (p: Promotion) => string | undefined;
  /** Web URL of a commit (adapters/github/commit-url.ts). */
  commitUrl?: (repo: string, sha: string) => string;
  /** Slack user id → name, when known (work notes are read by people outside Slack). */
  userName?: (userId: string) => string | undefined;
  logger?: Logger;
}

export interface WriteBackOutcome {
  /** written: the note (and Review move) went in; skipped: no change to write to; failed: see message. */
  status: 'written' | 'skipped' | 'failed';
  change?: string;
  /** Slack mrkdwn for the thread (absent when skipped). */
  message?: MrkdwnText;
}

export interface CreateChangeOutcome {
  /** created: a new change; existing: this promotion already has one (retried job); failed: see message. */
  status: 'created' | 'existing' | 'failed';
  change?: ChangeRecord;
  /** Slack mrkdwn for the channel/thread. */
  message: MrkdwnText;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ChangeWriteBack {
  constructor(private readonly d: ChangeWriteBackDeps) {}

  /** The change a promotion writes to: its `cr=`, or in create mode the one shipgate opened. */
  async changeFor(p: Promotion): Promise<ChangeRecord | undefined> {
    if (p.cr) return this.d.changes.findChange(p.cr);
    const env = this.d.config.environments.find((e) => e.name === p.env);
    if (env?.changeRecord === 'create') return this.d.changes.findChangeByCorrelation(p.id);
    return undefined;
  }

  /** Work note when the promotion starts executing. */
  async onStart(p: Promotion): Promise<WriteBackOutcome> {
    return (await this.writeNote(p, 'start')).outcome;
  }

  /** Work note with the evidence when the promotion ends; then Review when `closeOnSuccess` and it succeeded. */
  async onFinish(p: Promotion): Promise<WriteBackOutcome> {
    const { outcome, change } = await this.writeNote(p, 'finish');
    if (outcome.status !== 'written' || !change) return outcome;
    const service = this.service(p);
    const succeeded = (p.evidence.outcome ?? p.state) === 'succeeded';
    if (!service?.servicenow?.closeOnSuccess || !succeeded || p.kind === 'rollback') return outcome;
    const written = outcome.message ? fromStored(outcome.message) : mrk``;
    try {
      await this.d.changes.moveToReview(
        change.sysId,
        'successful',
        `Deployed by shipgate promotion ${p.id}: ${p.service} ${p.sha ?? ''} to ${p.env}. Evidence is in the work notes.`,
      );
      return { ...outcome, message: stored(mrk`${written} and moved it to *Review* (close code: successful)`) };
    } catch (e) {
      this.d.logger?.warn({ promotionId: p.id, change: change.number, err: e }, 'could not move the change to Review');
      return {
        status: 'failed',
        change: change.number,
        message: stored(mrk`${written}, but could not move it to Review: ${reason(e)}. Please move ${mrkdwnLink(change.url, change.number)} to Review by hand.`),
      };
    }
  }

  /**
   * Create mode: opens a Normal change for the promotion from the service's template,
   * unless the promotion already has one (`cr=`, or a change whose correlation_id is the
   * promotion id — so a retried job never opens two).
   */
  async createChangeFor(
    p: Promotion,
    service: ServiceConfig,
    template: ChangeTemplate = service.servicenow?.changeTemplate ?? {},
    extras: DraftExtras = {},
  ): Promise<CreateChangeOutcome> {
    try {
      const existing = p.cr ? await this.d.changes.findChange(p.cr) : await this.d.changes.findChangeByCorrelation(p.id);
      if (existing) {
        return {
          status: 'existing',
          change: existing,
          message: stored(mrk`:memo: This promotion uses change ${mrkdwnLink(existing.url, existing.number)} (${existing.stateLabel}, approval ${existing.approval}).`),
        };
      }
      if (p.cr) return { status: 'failed', message: stored(mrk`:warning: Change \`${p.cr}\` was not found in ServiceNow, so no change was opened.`) };
      const threadLink = extras.threadLink ?? this.d.threadLink(p);
      const drafted = draftChange(p, service, template, this.d.clock.now(), { ...extras, ...(threadLink ? { threadLink } : {}) });
      if ('error' in drafted) return { status: 'failed', message: stored(mrk`:warning: Could not open a change in ServiceNow: ${drafted.error}`) };
      const change = await this.d.changes.createChange(drafted.draft);
      const window = `${formatSnDateTime(drafted.draft.plannedStart)} – ${formatSnDateTime(drafted.draft.plannedEnd)} UTC`;
      return {
        status: 'created',
        change,
        message: stored(mrk`:memo: Opened Normal change ${mrkdwnLink(change.url, change.number)} (planned window ${window}). It must be approved in ServiceNow (and scheduled) before this promotion can run; shipgate re-checks it.`),
      };
    } catch (e) {
      this.d.logger?.warn({ promotionId: p.id, err: e }, 'could not open a change');
      return { status: 'failed', message: stored(mrk`:warning: Could not open a change in ServiceNow: ${reason(e)}`) };
    }
  }

  // ------------------------------------------------------------------ internals

  private service(p: Promotion): ServiceConfig | undefined {
    try {
      return findService(this.d.config, p.service);
    } catch {
      return undefined;
    }
  }

  private note(p: Promotion, which: 'start' | 'finish'): string {
    const threadLink = this.d.threadLink(p);
    const ctx = {
      ...(threadLink ? { threadLink } : {}),
      ...(this.d.commitUrl ? { commitUrl: this.d.commitUrl } : {}),
      ...(this.d.userName ? { userName: this.d.userName } : {}),
    };
    return which === 'start' ? startWorkNote(p, ctx) : finishWorkNote(p, ctx);
  }

  private async writeNote(p: Promotion, which: 'start' | 'finish'): Promise<{ outcome: WriteBackOutcome; change?: ChangeRecord }> {
    let change: ChangeRecord | undefined;
    const label = which === 'start' ? 'start' : 'evidence';
    try {
      change = await this.changeFor(p);
    } catch (e) {
      this.d.logger?.warn({ promotionId: p.id, err: e }, 'could not look up the change for a work note');
      const outcome: WriteBackOutcome = {
        status: 'failed',
        ...(p.cr ? { change: p.cr } : {}),
        message: stored(mrk`:warning: Could not write the ${label} work note to ${p.cr ? `\`${p.cr}\`` : 'the change'}: ${reason(e)}`),
      };
      return { outcome };
    }
    if (!change) {
      if (!p.cr) return { outcome: { status: 'skipped' } };
      return {
        outcome: {
          status: 'failed',
          change: p.cr,
          message: stored(mrk`:warning: Could not write the ${label} work note: change \`${p.cr}\` was not found in ServiceNow`),
        },
      };
    }
    const link = mrkdwnLink(change.url, change.number);
    try {
      const text = this.note(p, which);
      // a resumed step (the worker died after writing) finds its note instead of writing it twice
      const marker = text.split('\n')[0] ?? p.id;
      if (await this.d.changes.hasWorkNote(change.sysId, marker)) {
        return { outcome: { status: 'written', change: change.number, message: stored(mrk`:memo: The ${label} work note is on ${link}`) }, change };
      }
      await this.d.changes.addWorkNote(change.sysId, text);
      return { outcome: { status: 'written', change: change.number, message: stored(mrk`:memo: Wrote the ${label} work note to ${link}`) }, change };
    } catch (e) {
      this.d.logger?.warn({ promotionId: p.id, change: change.number, err: e }, 'could not write a work note');
      return {
        outcome: { status: 'failed', change: change.number, message: stored(mrk`:warning: Could not write the ${label} work note to ${link}: ${reason(e)}`) },
        change,
      };
    }
  }
}
