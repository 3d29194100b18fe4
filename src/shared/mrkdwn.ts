/**
 * Slack mrkdwn that shipgate built. Text people typed (and any text from elsewhere: commit
 * messages, calendar names, error messages) becomes markup only through `mrk` (a tagged template), which escapes
 * `&`, `<` and `>` in every plain string it interpolates; links and mentions are made by
 * `link()`, `mention()` and `userGroup()`. The Chat port and every Block Kit text builder take
 * `Mrkdwn`, so a raw string cannot reach Slack as markup without a type error.
 *
 * Bold, italics and code marks in user text are left as they are: they only format, they
 * never ping or link (Slack: "you shouldn't HTML entity-encode the entire text").
 */
const MINT = Symbol('mrkdwn');

export class Mrkdwn {
  /** Only this module makes markup (`mrk`, `link`, `mention`, …): the token is not exported. */
  constructor(
    token: typeof MINT,
    readonly text: string,
  ) {
    if (token !== MINT) throw new TypeError('Mrkdwn is built with mrk, link, mention or userGroup');
  }

  /** Stored form (gate summaries, reasons): the markup text itself. */
  toJSON(): MrkdwnText {
    return this.text as MrkdwnText;
  }
}

function mint(markup: string): Mrkdwn {
  return new Mrkdwn(MINT, markup);
}

declare const MRKDWN_TEXT: unique symbol;
/**
 * A string holding markup that came out of a `Mrkdwn` (stored in Redis: gate summaries,
 * `stateReason`). Only `stored()` makes one; `fromStored()` turns it back into `Mrkdwn`.
 */
export type MrkdwnText = string & { readonly [MRKDWN_TEXT]: true };

/** Anything `mrk` interpolates: plain values are escaped, markup passes through. */
export type MdValue = string | number | Mrkdwn | readonly Mrkdwn[];

/** The one escape of shipgate: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;` (Slack's rule for mrkdwn). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What Slack sends as `&amp;`, `&lt;`, `&gt;` (slash command text) read back as the characters typed. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function isMrkdwn(v: unknown): v is Mrkdwn {
  return v instanceof Mrkdwn;
}

function piece(v: MdValue): string {
  if (v instanceof Mrkdwn) return v.text;
  if (Array.isArray(v)) return (v as readonly Mrkdwn[]).map((m) => m.text).join('');
  return escapeMrkdwn(String(v));
}

/** Tagged template: mrk`Rejected by ${mention(id)}: ${reason}` escapes `reason`, keeps the mention. */
export function mrk(strings: TemplateStringsArray, ...values: MdValue[]): Mrkdwn {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += piece(v) + (strings[i + 1] ?? '');
  });
  return mint(out);
}

/** Plain text as markup (escaped); markup as is. */
export function text(v: string | Mrkdwn): Mrkdwn {
  return v instanceof Mrkdwn ? v : mint(escapeMrkdwn(v));
}

export function joinMd(parts: ReadonlyArray<string | Mrkdwn>, separator: string | Mrkdwn = ''): Mrkdwn {
  const sep = piece(separator);
  return mint(parts.map((p) => piece(p)).join(sep));
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/**
 * `<url|label>`: a link that renders as a link. The label is escaped (a `>` cannot close the
 * link early, a `|` is shown as `¦`); `|`, `<`, `>` and spaces in the URL are percent-encoded. A URL that is not
 * http(s)/mailto is not linked: the label (or the URL as text) is shown instead.
 */
export function link(url: string, label?: string | Mrkdwn): Mrkdwn {
  const shown = label === undefined || label === '' ? undefined : text(label);
  if (!SAFE_URL.test(url)) return shown ?? text(url);
  const href = escapeMrkdwn(url.replace(/[|<>\s]/g, (c) => encodeURIComponent(c)));
  // a `|` in the label would be read as a separator by some clients: shown as `¦`
  return mint(shown ? `<${href}|${shown.text.replace(/\|/g, '¦')}>` : `<${href}>`);
}

/** `<@U…>` for a Slack user id; anything else is shown as text, never as markup. */
export function mention(userId: string): Mrkdwn {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? mint(`<@${userId}>`) : text(userId);
}

/** `<#C…>` for a Slack channel id; anything else is shown as text, never as markup. */
export function channelMention(channelId: string): Mrkdwn {
  return /^[CGD][A-Z0-9]{2,}$/.test(channelId) ? mint(`<#${channelId}>`) : text(channelId);
}

/** `<!subteam^S…>` for a Slack user-group id; anything else is shown as text. */
export function userGroup(groupId: string): Mrkdwn {
  return /^S[A-Z0-9]{2,}$/.test(groupId) ? mint(`<!subteam^${groupId}>`) : text(groupId);
}

/** The stored form of markup (see `MrkdwnText`). */
export function stored(m: Mrkdwn): MrkdwnText {
  return m.text as MrkdwnText;
}

/** Stored markup back as `Mrkdwn` (it came out of a `Mrkdwn`, so it is not escaped again). */
export function fromStored(s: MrkdwnText): Mrkdwn {
  return mint(s);
}

/** A token of built markup: a `<…>` link or mention, an entity, a space run, or a run of other characters. */
const TOKEN = /<[^<>]*>|&(?:amp|lt|gt);|\s+|[^\s<&]+|[<&]/g;

function tokenLength(token: string): number {
  if (token.startsWith('<') && token.endsWith('>') && token.length > 1) {
    const bar = token.indexOf('|');
    return bar >= 0 ? token.length - bar - 2 : token.length;
  }
  return token.startsWith('&') && token.endsWith(';') ? 1 : token.length;
}

/**
 * At most `max` visible characters of markup (or, with `raw`, of markup text: Slack's field
 * limits), cut between words (never inside a word, a link or an entity), with `…` when
 * anything was left out.
 */
export function clipMrkdwn(m: Mrkdwn, max: number, o: { raw?: boolean } = {}): Mrkdwn {
  if ((o.raw ? m.text.length : visibleLength(m.text)) <= max) return m;
  const tokens = m.text.match(TOKEN) ?? [];
  const limit = max - 1; // room for the ellipsis
  let length = 0;
  let out = '';
  let kept = '';
  for (const t of tokens) {
    const n = o.raw ? t.length : tokenLength(t);
    if (length + n > limit) {
      const cut = /\s/.test(t) ? out : kept;
      return mint(`${cut.trimEnd()}…`);
    }
    length += n;
    out += t;
    if (/^\s+$/.test(t)) kept = out;
  }
  return m;
}

function visibleLength(markup: string): number {
  return (markup.match(TOKEN) ?? []).reduce((n, t) => n + tokenLength(t), 0);
}
