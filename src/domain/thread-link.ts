import type { Promotion } from './promotion';

/** Link to the promotion's Slack thread, once its message is posted. */
export function threadLink(p: Promotion): string | undefined {
  return p.messageTs ? `https://slack.com/archives/${p.channel}/p${p.messageTs.replace('.', '')}` : undefined;
}
