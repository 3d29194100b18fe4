import { parse, NodeType, type Node } from 'slack-message-parser';

/**
 * Markdown (GitHub-flavoured) for documents read outside Slack, such as the evidence pack: no
 * Slack markup (`<url|text>`, `<@U…>`, `*bold*`) may survive. Pure.
 */

/** Escapes plain text so Markdown shows it as written (no emphasis, links, HTML or table cells). */
export function mdText(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

/** A URL that stays whole inside `(…)` of a Markdown link. */
function safeUrl(url: string): string {
  return url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** An inline code span that survives backticks inside; `inTable` also escapes pipes (GFM table cells). */
export function mdCode(text: string, inTable = false): string {
  const body = inTable ? text.replace(/\|/g, '\\|') : text;
  const fence = body.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ` ${body} ` : body}${fence}`;
}

/** `[text](url)`, with the text escaped and the URL safe inside the parentheses. */
export function mdLink(text: string, url: string): string {
  return `[${mdText(text)}](${safeUrl(url)})`;
}

/** A table cell: one line (the text is Markdown already, its pipes escaped by mdText / mdCode). */
export function mdCell(markdown: string): string {
  return markdown.replace(/\r?\n+\s*/g, ' ').trim() || ' ';
}

/** Slack's HTML entities (`&lt;` `&gt;` `&amp;`) back to characters. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export interface MrkdwnOptions {
  /** A Slack user's name by ID; the ID itself when unknown. */
  userName?: (userId: string) => string | undefined;
  /** The text goes into a GFM table cell (pipes in code spans escaped too). */
  inTable?: boolean;
}

/**
 * Slack mrkdwn (gate summaries, thread texts) as Markdown: `<url|text>` → `[text](url)`,
 * a user mention → the user's name (or the ID), a user-group mention → `@handle`, `*bold*` →
 * `**bold**`, `~strike~` → `~~strike~~`, code kept, everything else escaped as text.
 */
export function mrkdwnToMarkdown(text: string, o: MrkdwnOptions = {}): string {
  const render = (nodes: readonly Node[]): string => nodes.map(node).join('');
  const label = (nodes: readonly Node[] | undefined): string | undefined => (nodes?.length ? render(nodes) : undefined);
  const node = (n: Node): string => {
    switch (n.type) {
      case NodeType.Root:
        return render(n.children);
      case NodeType.Text:
        return mdText(unescapeSlack(n.text));
      case NodeType.Bold:
        return `**${render(n.children)}**`;
      case NodeType.Italic:
        return `_${render(n.children)}_`;
      case NodeType.Strike:
        return `~~${render(n.children)}~~`;
      case NodeType.Code:
        return mdCode(unescapeSlack(n.text), o.inTable);
      case NodeType.PreText:
        return o.inTable ? mdCode(unescapeSlack(n.text), true) : `\n\`\`\`\n${unescapeSlack(n.text)}\n\`\`\`\n`;
      case NodeType.Quote:
        return o.inTable ? render(n.children) : `\n> ${render(n.children)}\n`;
      case NodeType.URL: {
        const url = unescapeSlack(n.url);
        const l = label(n.label);
        return l ? `[${l}](${safeUrl(url)})` : mdLink(url, url);
      }
      case NodeType.UserLink:
        return mdText(o.userName?.(n.userID) ?? n.userID);
      case NodeType.ChannelLink:
        return label(n.label) ?? mdText(`#${n.channelID}`);
      case NodeType.Command:
        return label(n.label) ?? mdText(n.name === 'subteam' ? `@${n.arguments[0] ?? 'group'}` : `@${n.name}`);
      case NodeType.Emoji:
        return `:${n.name}:`;
      default:
        return mdText(unescapeSlack((n as { source: string }).source));
    }
  };
  return node(parse(text));
}
