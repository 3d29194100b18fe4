import type { ShipgateConfig } from '../../../config/config-schema';
import { displayPipeline } from '../../../domain/pipeline-stages';
import { FORCE_HELP, PROMOTE_USAGE, ROLLBACK_USAGE } from '../../../domain/command-parser';
import { requiredApprovals, describePrincipals } from '../../../domain/policy';
import { approvalRulesOf, describeRules } from '../../../domain/approval-rules';
import { joinMd, mrk, type Mrkdwn } from '../../../shared/mrkdwn';
import type { KnownBlock } from '@slack/types';
import { mrkdwn, plain } from './block-kit';

export function helpMessage(config: ShipgateConfig): { text: Mrkdwn; blocks: KnownBlock[] } {
  const services = config.services.map((s) => `• *${s.name}* (${s.repo}, ${s.strategy.type}): ${displayPipeline(s.pipeline)}`).join('\n');
  const envs = joinMd(
    config.environments.map((e) => {
      const n = requiredApprovals(e);
      const approvals = e.approvals
        ? mrk`; sign-off (${e.approvals.mode === 'any' ? 'any one rule' : 'every rule'}): ${describeRules(approvalRulesOf(e))}`
        : n
          ? mrk`; ${n} approval${n > 1 ? 's' : ''} from ${describePrincipals(e.approvers)}`
          : '; no approval';
      const checklist = e.checklist?.length ? `; checklist of ${e.checklist.length} item${e.checklist.length > 1 ? 's' : ''} before the request` : '';
      return mrk`• *${e.name}*: deployers ${describePrincipals(e.deployers)}${approvals}${checklist}${e.changeRecord !== 'none' ? `; change record ${e.changeRecord}` : ''}${e.soak ? `; soak ${e.soak}` : ''}${e.cycles ? `; ${e.cycles.count} cycles of ${e.cycles.workflow}` : ''}${e.metrics?.length ? `; metrics ${e.metrics.map((m) => m.name).join(', ')}` : ''}`;
    }),
    '\n',
  );
  const usage = [
    PROMOTE_USAGE,
    FORCE_HELP,
    '`/promote plan <service> <env> […]`: dry run, every gate and what would ship',
    '`/promote status [service]` · `/promote history <service> [env]` · `/promote freeze [env]` · `/promote cancel <id>` · `/promote evidence <id>` · `/promote replan <id>` (a new plan where `plan:` is set; voids approvals)',
    `${ROLLBACK_USAGE} (incident channels only)`,
  ].join('\n');
  return {
    text: mrk`shipgate help`,
    blocks: [
      { type: 'header', text: plain('shipgate: change-controlled promotions') },
      { type: 'section', text: mrkdwn(mrk`*Usage*\n${usage}`) },
      { type: 'section', text: mrkdwn(mrk`*Services*\n${services}`) },
      { type: 'section', text: mrkdwn(mrk`*Environments*\n${envs}`) },
    ],
  };
}
