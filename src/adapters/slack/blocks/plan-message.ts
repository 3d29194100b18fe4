import { planBlocked, type DiffCommit, type DiffPullRequest, type Plan } from '../../../domain/plan';
import { esc, LIMITS, mrkdwn, plain, type Block } from './block-kit';
import { gateLines } from './promotion-message';

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
export function fitSections(title: string, lines: readonly string[], rest: (left: number) => string | undefined, maxSections = 1): string[] {
  const sections: string[] = [];
  let text = title;
  let shown = 0;
  for (const line of lines) {
    const last = sections.length === maxSections - 1;
    const tail = last ? (rest(lines.length - shown - 1) ?? '') : '';
    if (text.length + 1 + line.length + (tail ? 1 + tail.length : 0) > SECTION_ROOM) {
      if (last || !text) break;
      sections.push(text);
      text = '';
      if (line.length + 1 > SECTION_ROOM) break;
    }
    text = text ? `${text}\n${line}` : line;
    shown++;
  }
  const summary = rest(lines.length - shown);
  sections.push(summary ? (text ? `${text}\n${summary}` : summary) : text);
  return sections;
}

/** As many lines as fit under `title` in one section; the rest is summarised by `rest(k)`. */
export function fitLines(title: string, lines: readonly string[], rest: (left: number) => string | undefined): string {
  return fitSections(title, lines, rest, 1)[0]!;
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

function shaLink(plan: Plan, sha: string, o: PlanRenderOptions): string {
  return o.commitUrl ? `<${o.commitUrl(plan.repo, sha)}|\`${shortSha(sha)}\`>` : `\`${shortSha(sha)}\``;
}

function commitLine(c: DiffCommit, prUrl: (n: number) => string | undefined): string {
  const who = c.authorLogin ? `@${esc(c.authorLogin)}` : esc(c.authorName);
  const prs = c.pulls?.length
    ? ` (${c.pulls
        .map((n) => {
          const url = prUrl(n);
          return url ? `<${url}|#${n}>` : `#${n}`;
        })
        .join(', ')})`
    : '';
  return `• <${c.url}|\`${shortSha(c.sha)}\`> ${esc(c.message.slice(0, 120))}${prs} · ${who}`;
}

function pullLine(pr: DiffPullRequest): string {
  const state = pr.merged ? 'merged' : pr.state;
  return `• <${pr.url}|#${pr.number} ${esc(pr.title.slice(0, 120)).replace(/\|/g, '¦')}> (${state}${pr.authorLogin ? `, @${esc(pr.authorLogin)}` : ''})`;
}

/** Plain-text fallback (notifications, screen readers). */
export function planText(plan: Plan): string {
  const verdict = planBlocked(plan)
    ? `blocked by ${plan.gates
        .filter((g) => g.status === 'block')
        .map((g) => g.gate)
        .join(', ')}`
    : 'no gate blocks';
  return `Plan ${plan.service} ${plan.from} → ${plan.env}: ${verdict}; ${plan.diff.total} commit${plan.diff.total === 1 ? '' : 's'} would ship`;
}

/** The ephemeral answer to `/promote plan`: gates and what would ship (pure). */
export function planMessage(plan: Plan, o: PlanRenderOptions = {}): { text: string; blocks: Block[] } {
  const blocked = plan.gates.filter((g) => g.status === 'block');
  const pending = plan.gates.filter((g) => g.status === 'pending');
  const d = plan.diff;
  const candidate = plan.candidate.sha
    ? `${shaLink(plan, plan.candidate.sha, o)} from ${plan.candidate.source}`
    : `_unresolved_ (\`${esc(plan.candidate.ref)}\`)`;
  const base = d.base ? `${shaLink(plan, d.base.sha, o)} (${d.base.source})` : '_unknown_';
  const blocks: Block[] = [
    { type: 'header', block_id: 'title', text: plain(`Plan: ${plan.service} ${plan.from} → ${plan.env} (dry run)`, LIMITS.header) },
    {
      type: 'section',
      block_id: 'fields',
      fields: [
        mrkdwn(`*Service*\n${esc(plan.service)} (${esc(plan.repo)})`),
        mrkdwn(`*Path*\n${plan.from} → *${plan.env}*`),
        mrkdwn(`*Candidate*\n${candidate}`),
        mrkdwn(`*Runs in ${plan.env}*\n${base}`),
      ],
    },
    {
      type: 'section',
      block_id: 'verdict',
      text: mrkdwn(
        blocked.length
          ? `:no_entry: *A request now would be blocked* by ${blocked.map((g) => `*${g.gate}*`).join(', ')}`
          : `:white_check_mark: *No gate blocks*: a request now would go ahead${pending.length ? ` once ${pending.map((g) => `*${g.gate}*`).join(', ')} ${pending.length === 1 ? 'is' : 'are'} done` : ''}`,
      ),
    },
  ];
  const gateText = fitLines('*Gates*', gateLines(plan.gates).split('\n'), (left) => (left > 0 ? `_…and ${left} more_` : undefined));
  blocks.push({ type: 'section', block_id: 'gates', text: mrkdwn(gateText) });
  blocks.push({ type: 'divider' });

  const prUrls = new Map(d.pullRequests.map((pr) => [pr.number, pr.url]));
  const title = d.total > 0 ? `*What would ship*: ${d.total} commit${d.total === 1 ? '' : 's'}${d.url ? ` (<${d.url}|compare>)` : ''}` : '*What would ship*';
  if (d.commits.length) {
    const compare = d.url ? `<${d.url}|compare on GitHub>` : 'see GitHub';
    const sections = fitSections(
      title,
      d.commits.map((c) => commitLine(c, (n) => prUrls.get(n))),
      (left) => {
        const hidden = left + d.more;
        return hidden > 0 ? `_…and ${hidden} more: ${compare}_` : undefined;
      },
      COMMIT_SECTIONS,
    );
    if (d.note) sections.push(`_${esc(d.note)}_`);
    sections.forEach((text, i) => blocks.push({ type: 'section', block_id: i === 0 ? 'commits' : `commits-${i + 1}`, text: mrkdwn(text) }));
  } else {
    blocks.push({ type: 'section', block_id: 'commits', text: mrkdwn(`${title}\n_${esc(d.note ?? 'no commits')}_`) });
  }
  if (d.pullRequests.length) {
    blocks.push({
      type: 'section',
      block_id: 'pulls',
      text: mrkdwn(
        fitLines(`*Pull requests* (${d.pullRequests.length})`, d.pullRequests.map(pullLine), (left) => (left > 0 ? `_…and ${left} more_` : undefined)),
      ),
    });
  }
  const notes = [`Dry run: nothing was requested. \`/promote ${plan.service} ${plan.env}\` requests it.`];
  if (plan.history === 'unavailable') notes.push("shipgate's deployment history was not available.");
  blocks.push({ type: 'context', block_id: 'meta', elements: [mrkdwn(notes.join(' '))] });
  return { text: planText(plan), blocks: blocks.slice(0, LIMITS.blocks) };
}
