import { joinMd, link, mrk, type Mrkdwn } from '../../../shared/mrkdwn';
import { planBlocked, type DiffCommit, type DiffPullRequest, type Plan } from '../../../domain/plan';
import type { KnownBlock } from '@slack/types';
import { LIMITS, mrkdwn, plain } from './block-kit';
import { gateLine } from './promotion-message';

export interface PlanRenderOptions {
  /** Web URL of a commit, e.g. https://github.com/acme/markets/commit/<sha>. */
  commitUrl?: (repo: string, sha: string) => string;
}

/** Room left in a section for the lines (Slack: 3000 characters per section text). */
const SECTION_ROOM = LIMITS.sectionText - 100;
/** Sections the commit list may take (20 commits with long links need two). */
const COMMIT_SECTIONS = 3;

/**
 * Lines under `title`, split into sections of at most SECTION_ROOM characters (at most
 * `maxSections`); what does not fit is summarised by `rest(k)` at the end of the last one.
 */
export function fitSections(title: Mrkdwn, lines: readonly Mrkdwn[], rest: (left: number) => Mrkdwn | undefined, maxSections = 1): Mrkdwn[] {
  const sections: Mrkdwn[][] = [];
  let text: Mrkdwn[] = title.text ? [title] : [];
  const size = (parts: readonly Mrkdwn[]) => parts.reduce((n, m) => n + m.text.length, 0) + Math.max(0, parts.length - 1);
  let shown = 0;
  for (const line of lines) {
    const last = sections.length === maxSections - 1;
    const tail = last ? rest(lines.length - shown - 1) : undefined;
    if (size(text) + 1 + line.text.length + (tail ? 1 + tail.text.length : 0) > SECTION_ROOM) {
      if (last || !text.length) break;
      sections.push(text);
      text = [];
      if (line.text.length + 1 > SECTION_ROOM) break;
    }
    text.push(line);
    shown++;
  }
  const summary = rest(lines.length - shown);
  sections.push(summary ? [...text, summary] : text);
  return sections.map((parts) => joinMd(parts, '\n'));
}

/** As many lines as fit under `title` in one section; the rest is summarised by `rest(k)`. */
export function fitLines(title: Mrkdwn, lines: readonly Mrkdwn[], rest: (left: number) => Mrkdwn | undefined): Mrkdwn {
  return fitSections(title, lines, rest, 1)[0]!;
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

function shaLink(plan: Plan, sha: string, o: PlanRenderOptions): Mrkdwn {
  return o.commitUrl ? link(o.commitUrl(plan.repo, sha), mrk`\`${shortSha(sha)}\``) : mrk`\`${shortSha(sha)}\``;
}

function commitLine(c: DiffCommit, prUrl: (n: number) => string | undefined): Mrkdwn {
  const who = c.authorLogin ? `@${c.authorLogin}` : c.authorName;
  const prs = c.pulls?.length
    ? mrk` (${joinMd(
        c.pulls.map((n) => {
          const url = prUrl(n);
          return url ? link(url, `#${n}`) : mrk`#${n}`;
        }),
        ', ',
      )})`
    : '';
  return mrk`• ${link(c.url, mrk`\`${shortSha(c.sha)}\``)} ${c.message.slice(0, 120)}${prs} · ${who}`;
}

function pullLine(pr: DiffPullRequest): Mrkdwn {
  const state = pr.merged ? 'merged' : pr.state;
  return mrk`• ${link(pr.url, `#${pr.number} ${pr.title.slice(0, 120)}`)} (${state}${pr.authorLogin ? `, @${pr.authorLogin}` : ''})`;
}

const more = (left: number): Mrkdwn | undefined => (left > 0 ? mrk`_…and ${left} more_` : undefined);

/** Fallback text (notifications, screen readers; read as mrkdwn). */
export function planText(plan: Plan): Mrkdwn {
  const verdict = planBlocked(plan)
    ? `blocked by ${plan.gates
        .filter((g) => g.status === 'block')
        .map((g) => g.gate)
        .join(', ')}`
    : 'no gate blocks';
  return mrk`Plan ${plan.service} ${plan.from} → ${plan.env}: ${verdict}; ${plan.diff.total} commit${plan.diff.total === 1 ? '' : 's'} would ship`;
}

/** The ephemeral answer to `/promote plan`: gates and what would ship (pure). */
export function planMessage(plan: Plan, o: PlanRenderOptions = {}): { text: Mrkdwn; blocks: KnownBlock[] } {
  const blocked = plan.gates.filter((g) => g.status === 'block');
  const pending = plan.gates.filter((g) => g.status === 'pending');
  const d = plan.diff;
  const candidate = plan.candidate.sha ? mrk`${shaLink(plan, plan.candidate.sha, o)} from ${plan.candidate.source}` : mrk`_unresolved_ (\`${plan.candidate.ref}\`)`;
  const base = d.base ? mrk`${shaLink(plan, d.base.sha, o)} (${d.base.source})` : mrk`_unknown_`;
  const blocks: KnownBlock[] = [
    { type: 'header', block_id: 'title', text: plain(`Plan: ${plan.service} ${plan.from} → ${plan.env} (dry run)`, LIMITS.header) },
    {
      type: 'section',
      block_id: 'fields',
      fields: [
        mrkdwn(mrk`*Service*\n${plan.service} (${plan.repo})`),
        mrkdwn(mrk`*Path*\n${plan.from} → *${plan.env}*`),
        mrkdwn(mrk`*Candidate*\n${candidate}`),
        mrkdwn(mrk`*Runs in ${plan.env}*\n${base}`),
      ],
    },
    {
      type: 'section',
      block_id: 'verdict',
      text: mrkdwn(
        blocked.length
          ? mrk`:no_entry: *A request now would be blocked* by ${blocked.map((g) => `*${g.gate}*`).join(', ')}`
          : mrk`:white_check_mark: *No gate blocks*: a request now would go ahead${pending.length ? ` once ${pending.map((g) => `*${g.gate}*`).join(', ')} ${pending.length === 1 ? 'is' : 'are'} done` : ''}`,
      ),
    },
  ];
  const gateText = fitLines(mrk`*Gates*`, plan.gates.map(gateLine), more);
  blocks.push({ type: 'section', block_id: 'gates', text: mrkdwn(gateText) });
  blocks.push({ type: 'divider' });

  const prUrls = new Map(d.pullRequests.map((pr) => [pr.number, pr.url]));
  const title = d.total > 0 ? mrk`*What would ship*: ${d.total} commit${d.total === 1 ? '' : 's'}${d.url ? mrk` (${link(d.url, 'compare')})` : ''}` : mrk`*What would ship*`;
  if (d.commits.length) {
    const compare = d.url ? link(d.url, 'compare on GitHub') : mrk`see GitHub`;
    const sections = fitSections(
      title,
      d.commits.map((c) => commitLine(c, (n) => prUrls.get(n))),
      (left) => {
        const hidden = left + d.more;
        return hidden > 0 ? mrk`_…and ${hidden} more: ${compare}_` : undefined;
      },
      COMMIT_SECTIONS,
    );
    if (d.note) sections.push(mrk`_${d.note}_`);
    sections.forEach((text, i) => blocks.push({ type: 'section', block_id: i === 0 ? 'commits' : `commits-${i + 1}`, text: mrkdwn(text) }));
  } else {
    blocks.push({ type: 'section', block_id: 'commits', text: mrkdwn(mrk`${title}\n_${d.note ?? 'no commits'}_`) });
  }
  if (d.pullRequests.length) {
    blocks.push({
      type: 'section',
      block_id: 'pulls',
      text: mrkdwn(fitLines(mrk`*Pull requests* (${d.pullRequests.length})`, d.pullRequests.map(pullLine), more)),
    });
  }
  const notes = [`Dry run: nothing was requested. \`/promote ${plan.service} ${plan.env}\` requests it.`];
  if (plan.history === 'unavailable') notes.push("shipgate's deployment history was not available.");
  blocks.push({ type: 'context', block_id: 'meta', elements: [mrkdwn(mrk`${notes.join(' ')}`)] });
  return { text: planText(plan), blocks: blocks.slice(0, LIMITS.blocks) };
}
