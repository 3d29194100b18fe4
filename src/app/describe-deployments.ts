import type { ShipgateConfig } from '../config/config-schema';
import { runLabel } from '../domain/evidence';
import { clipMrkdwn, fromStored, joinMd, link, mrk, mention, type Mrkdwn } from '../shared/mrkdwn';
import { deployedSha, isTerminal, type Promotion } from '../domain/promotion';
import { findService } from '../domain/resolve-request';
import { isGate } from '../domain/gates/gate-result';
import { asCode, displayPipeline, displayStage, isParallel, pipelineEnvs, stageOf } from '../domain/pipeline-stages';
import { ShipgateError } from '../shared/shipgate-error';
import type { DeploymentHistory } from './ports/deployment-history';
import type { FreezeCalendars } from './ports/freeze-calendars';
import type { PromotionLocks } from './ports/promotion-locks';
import type { PromotionRepository } from './ports/promotion-repository';

const ICON: Record<string, string> = {
  succeeded: ':large_green_circle:',
  failed: ':red_circle:',
  failed_verification: ':red_circle:',
  rejected: ':no_entry_sign:',
  cancelled: ':heavy_multiplication_x:',
  expired: ':alarm_clock:',
  blocked: ':no_entry:',
  running: ':gear:',
  approved: ':white_check_mark:',
  awaiting_approval: ':raising_hand:',
  requested: ':hourglass_flowing_sand:',
};

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** Visible characters of the reason a history line shows (cut between words). */
const HISTORY_REASON = 120;

/** `/promote status [service]` and `/promote history <service> [env]`: the truth from shipgate's records. */
export class DescribeDeployments {
  constructor(
    private readonly d: {
      config: ShipgateConfig;
      clock: { now(): Date };
      repo: Pick<PromotionRepository, 'recent'>;
      history: Pick<DeploymentHistory, 'list'>;
      locks: Pick<PromotionLocks, 'holder'>;
      calendars: FreezeCalendars;
      link?: (p: Promotion) => string | undefined;
    },
  ) {}

  private ref(p: Promotion): Mrkdwn {
    const url = this.d.link?.(p);
    return url ? link(url, mrk`\`${p.id}\``) : mrk`\`${p.id}\``;
  }

  async status(serviceName?: string): Promise<Mrkdwn> {
    const services = serviceName ? [findService(this.d.config, serviceName)] : this.d.config.services;
    const calendar = await this.d.calendars.current();
    const now = this.d.clock.now();
    const out: Mrkdwn[] = [];
    for (const s of services) {
      const recent = await this.d.repo.recent(200, s.name);
      out.push(mrk`*${s.name}* (${s.repo}, ${s.strategy.type}): ${displayPipeline(s.pipeline)}`);
      for (const env of pipelineEnvs(s.pipeline)) {
        const stage = stageOf(s.pipeline, env) ?? [env];
        const last = (await this.d.history.list(s.name, env, 20)).find((d) => d.outcome === 'succeeded');
        const inflight = recent.filter((p) => p.env === env && !isTerminal(p.state));
        const holder = await this.d.locks.holder(s.name, env);
        const check = calendar.check(env, now);
        const parts = [
          last ? mrk`\`${last.sha.slice(0, 7)}\` since ${when(last.at)} (${last.kind} \`${last.promotionId}\`${last.runUrl ? mrk`, ${link(last.runUrl, last.runName ?? 'run')}` : ''})${last.verification === 'failed' ? ' :x: failed verification' : ''}` : mrk`_nothing deployed by shipgate yet_`,
          check.frozen ? mrk`:snowflake: frozen by ${check.windows.map((w) => `*${w.rule}*`).join(', ')} until ${check.nextOpen.toISOString().replace('.000Z', 'Z')}` : undefined,
          ...inflight.map((p) => mrk`${ICON[p.state] ?? ''} ${p.kind} ${this.ref(p)} ${p.state.replace('_', ' ')} (${mention(p.requester.id)})${signOffProgress(p)}`),
          holder && !inflight.some((p) => p.id === holder) ? mrk`:lock: locked by \`${holder}\`` : undefined,
        ].filter((x): x is Mrkdwn => x !== undefined);
        // a member of a parallel stage says so (each member has its own line and its own build)
        const member = isParallel(stage) ? ` (parallel stage ${displayStage(stage)})` : '';
        out.push(mrk`• *${env}*${member}: ${joinMd(parts, ' · ')}`);
      }
    }
    return joinMd(out, '\n');
  }

  async historyOf(serviceName: string, envName?: string): Promise<Mrkdwn> {
    const s = findService(this.d.config, serviceName);
    if (envName && !pipelineEnvs(s.pipeline).includes(envName)) {
      throw new ShipgateError('unknown_environment', `\`${envName}\` is not an environment of ${s.name}. Pipeline: ${displayPipeline(s.pipeline, asCode)}.`);
    }
    const recent = (await this.d.repo.recent(200, s.name)).filter((p) => !envName || p.env === envName).slice(0, 15);
    if (!recent.length) return mrk`No promotions of *${s.name}*${envName ? ` to *${envName}*` : ''} yet.`;
    const lines = recent.map((p) => {
      const run = p.evidence.runs.at(-1);
      // a branch promotion runs as its merge commit, a branch rollback as the commit restoring the tree
      const deployed = p.state === 'succeeded' ? deployedSha(p) : undefined;
      const as = deployed && deployed !== p.sha ? mrk` (as \`${deployed.slice(0, 7)}\`)` : '';
      const pr = p.evidence.pullRequests.at(-1);
      const sha = p.sha ? mrk`\`${p.sha.slice(0, 7)}\`` : mrk`_no commit resolved_`;
      const approvers = p.approvals.length ? mrk`, approved by ${joinMd(p.approvals.map((a) => mention(a.userId)), ', ')}` : '';
      const why = p.stateReason && p.state !== 'succeeded' ? mrk` · ${clipMrkdwn(fromStored(p.stateReason), HISTORY_REASON)}` : '';
      return mrk`${ICON[p.state] ?? ''} ${when(p.createdAt)} ${p.kind === 'rollback' ? ':rewind: rollback' : `${p.from} → ${p.env}`} ${p.kind === 'rollback' ? `in ${p.env} ` : ''}${sha}${as} *${p.state.replace('_', ' ')}* ${this.ref(p)} by ${mention(p.requester.id)}${approvers}${run ? mrk` · ${link(run.url, runLabel(run))}` : ''}${pr ? mrk` · ${link(pr.url, `#${pr.number}`)}` : ''}${why}`;
    });
    return joinMd([mrk`*History of ${s.name}${envName ? ` in ${envName}` : ''}* (newest first)`, ...lines], '\n');
  }
}

/** For a promotion awaiting approval rules: each rule's progress (`release manager 1/1; data engineering 0/1`). */
function signOffProgress(p: Promotion): Mrkdwn {
  if (p.state !== 'awaiting_approval') return mrk``;
  const g = p.gates.find(isGate('approval', 'approvals_missing', 'emergency_approval_missing'));
  const rules = g?.details?.rules;
  return rules?.length ? mrk` · sign-off ${joinMd(rules.map((r) => mrk`${r.name} ${r.have}/${r.needed}`), ', ')}` : mrk``;
}
