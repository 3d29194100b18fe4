import type { ShipgateConfig } from '../../../config/config-schema';
import { FORCE_HELP, PROMOTE_USAGE, ROLLBACK_USAGE } from '../../../domain/command-parser';
import { requiredApprovals, describePrincipals } from '../../../domain/policy';
import { mrkdwn, plain, type Block } from './block-kit';

export function helpMessage(config: ShipgateConfig): { text: string; blocks: Block[] } {
  const services = config.services.map((s) => `• *${s.name}* (${s.repo}, ${s.strategy.type}): ${s.pipeline.join(' → ')}`).join('\n');
  const envs = config.environments
    .map((e) => {
      const n = requiredApprovals(e);
      return `• *${e.name}*: deployers ${describePrincipals(e.deployers)}${n ? `; ${n} approval${n > 1 ? 's' : ''} from ${describePrincipals(e.approvers)}` : '; no approval'}${e.changeRecord !== 'none' ? `; change record ${e.changeRecord}` : ''}${e.soak ? `; soak ${e.soak}` : ''}`;
    })
    .join('\n');
  const usage = [
    PROMOTE_USAGE,
    FORCE_HELP,
    '`/promote plan <service> <env> […]`: dry run, every gate and what would ship',
    '`/promote status [service]` · `/promote history <service> [env]` · `/promote freeze [env]` · `/promote cancel <id>` · `/promote evidence <id>`',
    `${ROLLBACK_USAGE} (incident channels only)`,
  ].join('\n');
  return {
    text: 'shipgate help',
    blocks: [
      { type: 'header', text: plain('shipgate: change-controlled promotions') },
      { type: 'section', text: mrkdwn(`*Usage*\n${usage}`) },
      { type: 'section', text: mrkdwn(`*Services*\n${services}`) },
      { type: 'section', text: mrkdwn(`*Environments*\n${envs}`) },
    ],
  };
}
