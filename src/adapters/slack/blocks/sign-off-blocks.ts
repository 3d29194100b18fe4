import type { KnownBlock } from '@slack/types';
import type { Promotion } from '../../../domain/promotion';
import { isGate } from '../../../domain/gates/gate-result';
import { joinMd, mention, mrk } from '../../../shared/mrkdwn';
import { clip, mrkdwn } from './block-kit';

/**
 * The card's sign-off blocks: each approval rule with its progress and who satisfied it
 * (environments with `approvals` rules), and the checklist the requester attested.
 */
/** The state line's count with approval rules: `1/3 rules met` (`any`: `0/2 rules met, one suffices`); undefined without rules. */
export function ruleCountLabel(p: Promotion): string | undefined {
  const details = p.gates.find(isGate('approval', 'approved', 'approvals_missing', 'emergency_approval_missing'))?.details;
  const rules = details?.rules;
  if (!rules?.length) return undefined;
  const met = rules.filter((r) => r.have >= r.needed).length;
  return `${met}/${rules.length} rules met${details?.mode === 'any' ? ', one suffices' : ''}`;
}

export function signOffBlocks(p: Promotion): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const approval = p.gates.find(isGate('approval', 'approved', 'approvals_missing', 'emergency_approval_missing'));
  const details = approval?.details;
  const rules = details?.rules;
  if (rules?.length) {
    const mode = details?.mode === 'any' ? 'any one rule' : 'every rule';
    const lines = rules.map(
      (r) => mrk`${r.have >= r.needed ? ':white_check_mark:' : ':hourglass:'} ${r.name} ${r.have}/${r.needed}${r.by.length ? mrk`: ${joinMd(r.by.map(mention), ', ')}` : ''}`,
    );
    blocks.push({ type: 'section', block_id: 'sign_off', text: mrkdwn(mrk`*Sign-off* (${mode})\n${joinMd(lines, '\n')}`) });
  }
  const a = p.attestation;
  if (a) {
    const items = a.items.map((i) => mrk`:ballot_box_with_check: ${clip(i.text, 150)}${i.value !== undefined ? mrk`: “${clip(i.value, 300)}”` : ''}`);
    blocks.push({
      type: 'section',
      block_id: 'checklist',
      text: mrkdwn(mrk`*Checklist* attested by ${mention(a.userId)} at ${a.at.slice(0, 16).replace('T', ' ')} UTC\n${joinMd(items, '\n')}`),
    });
  }
  return blocks;
}
