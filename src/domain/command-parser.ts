/**
 * Parses the text of `/promote` and `/rollback`. Pure: knows the grammar, not the config
 * (names are checked against the config by `resolve-request`).
 */
export interface PromoteOptions {
  from?: string;
  ref?: string;
  cr?: string;
  reason?: string;
  to?: string;
  /** `force=true`: redeploy the SHA that already runs in the target environment. */
  force?: boolean;
  /** `hotfix=INC0012345`: the incident this promotion fixes (the environment's hotfix overrides apply while it is open). */
  hotfix?: string;
}

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'promote'; service: string; env: string; options: PromoteOptions }
  | { kind: 'plan'; service: string; env: string; options: PromoteOptions }
  | { kind: 'status'; service?: string }
  | { kind: 'history'; service: string; env?: string }
  | { kind: 'freeze'; env?: string }
  | { kind: 'cancel'; id: string }
  | { kind: 'evidence'; id: string }
  | { kind: 'replan'; id: string }
  | { kind: 'rollback'; service: string; env?: string; options: PromoteOptions }
  | { kind: 'error'; message: string };

const PROMOTE_KEYS = ['from', 'ref', 'cr', 'reason', 'force', 'hotfix'] as const;
const INCIDENT_NUMBER = /^INC\d{7,}$/;
const ROLLBACK_KEYS = ['to', 'reason'] as const;
export const CR_PATTERN = /^CHG\d{7,}$/;
const SHA_OR_REF = /^(?!.*\.\.)(?!\/)(?!.*\/$)(?!.*@\{)[A-Za-z0-9._/-]{1,200}$/;
const PROMOTION_ID = /^[pr]-[a-z0-9-]{6,60}$/;
/** What `/promote cancel|evidence` looks up: anything shaped like an id (`p-…`, `r-…`); an unknown one is "no such promotion". */
const PROMOTION_REF = /^[pr]-[A-Za-z0-9._-]{1,80}$/;

export const PROMOTE_USAGE =
  '`/promote <service> <env> [from=<env>] [ref=<sha|tag|branch>] [cr=CHG0000000] [reason="…"] [force=true] [hotfix=INC0000000]`';
export const FORCE_HELP = '`force=true` redeploys the SHA that already runs in the environment (without it such a request is blocked)';

/** `force=true` (or `false`, the default); anything else is an error message. */
export function parseForce(value: string): boolean | { error: string } {
  const v = value.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return { error: `\`force=${value}\`: \`force=\` takes \`true\` (redeploy the SHA that already runs in the environment)` };
}
export const ROLLBACK_USAGE = '`/rollback <service> [env] [to=<sha|promotion-id>] [reason="…"]`';

/** Splits on whitespace, keeping quoted values ("…", '…', and Slack's “…” ‘…’) together. */
export function tokenize(text: string): { tokens: string[] } | { error: string } {
  const tokens: string[] = [];
  const s = text.trim();
  let i = 0;
  const closing: Record<string, string> = { '"': '"', "'": "'", '“': '”', '”': '”', '‘': '’', '’': '’', '«': '»' };
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    let tok = '';
    while (i < s.length && !/\s/.test(s[i]!)) {
      const ch = s[i]!;
      const close = closing[ch];
      if (close) {
        const end = s.indexOf(close, i + 1);
        if (end < 0) return { error: `unclosed quote ${ch} in \`${s.slice(i, i + 30)}\`` };
        tok += s.slice(i + 1, end);
        i = end + 1;
      } else {
        tok += ch;
        i++;
      }
    }
    tokens.push(tok);
  }
  return { tokens };
}

function parseOptions(
  tokens: string[],
  allowed: readonly string[],
  usage: string,
): { options: PromoteOptions; positional: string[] } | { error: string } {
  const options: Record<string, string> = {};
  const positional: string[] = [];
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq > 0) {
      const key = t.slice(0, eq).toLowerCase();
      const value = t.slice(eq + 1);
      if (!allowed.includes(key)) return { error: `unknown option \`${key}=\`; options are ${allowed.map((k) => `\`${k}=\``).join(', ')}. Usage: ${usage}` };
      if (key in options) return { error: `option \`${key}=\` given twice` };
      if (!value) return { error: `option \`${key}=\` needs a value` };
      options[key] = value;
    } else {
      positional.push(t);
    }
  }
  if (options.cr !== undefined) {
    options.cr = options.cr.toUpperCase();
    if (!CR_PATTERN.test(options.cr)) return { error: `\`cr=${options.cr}\` is not a ServiceNow change number; expected the form \`CHG0030001\` (CHG and 7 digits)` };
  }
  if (options.hotfix !== undefined) {
    options.hotfix = options.hotfix.toUpperCase();
    if (!INCIDENT_NUMBER.test(options.hotfix)) return { error: `\`hotfix=${options.hotfix}\` is not a ServiceNow incident number; expected the form \`INC0012345\` (INC and 7 digits)` };
  }
  if (options.ref !== undefined && !SHA_OR_REF.test(options.ref)) {
    return { error: `\`ref=${options.ref}\` is not a commit SHA, tag or branch name` };
  }
  if (options.to !== undefined && !SHA_OR_REF.test(options.to) && !PROMOTION_ID.test(options.to)) {
    return { error: `\`to=${options.to}\` is not a commit SHA or promotion id` };
  }
  if (options.reason !== undefined && options.reason.length > 500) return { error: '`reason=` is limited to 500 characters' };
  const { force, ...rest } = options;
  const parsed: PromoteOptions = rest;
  if (force !== undefined) {
    const f = parseForce(force);
    if (typeof f === 'object') return f;
    if (f) parsed.force = true;
  }
  return { options: parsed, positional };
}

export function parsePromoteCommand(text: string): ParsedCommand {
  const t = tokenize(text);
  if ('error' in t) return { kind: 'error', message: t.error };
  const [first, ...rest] = t.tokens;
  if (!first || first.toLowerCase() === 'help' || first === '-h' || first === '--help') return { kind: 'help' };
  const sub = first.toLowerCase();
  switch (sub) {
    case 'status':
      if (rest.length > 1) return { kind: 'error', message: 'usage: `/promote status [service]`' };
      return rest[0] ? { kind: 'status', service: rest[0] } : { kind: 'status' };
    case 'history':
      if (rest.length < 1 || rest.length > 2) return { kind: 'error', message: 'usage: `/promote history <service> [env]`' };
      return rest[1] ? { kind: 'history', service: rest[0]!, env: rest[1] } : { kind: 'history', service: rest[0]! };
    case 'freeze':
      if (rest.length > 1) return { kind: 'error', message: 'usage: `/promote freeze [env]`' };
      return rest[0] ? { kind: 'freeze', env: rest[0] } : { kind: 'freeze' };
    case 'cancel':
    case 'evidence':
    case 'replan':
      if (rest.length !== 1 || !PROMOTION_REF.test(rest[0]!)) return { kind: 'error', message: `usage: \`/promote ${sub} <promotion-id>\` (ids look like \`p-…\`, shown on each approval message)` };
      return { kind: sub, id: rest[0]! };
    case 'plan': {
      const r = parseOptions(rest, PROMOTE_KEYS, '`/promote plan <service> <env> [from=…] [ref=…] [cr=…] [force=true]`');
      if ('error' in r) return { kind: 'error', message: r.error };
      if (r.positional.length !== 2) return { kind: 'error', message: 'usage: `/promote plan <service> <env> [from=<env>] [ref=<sha|tag|branch>] [cr=CHG…]`' };
      return { kind: 'plan', service: r.positional[0]!, env: r.positional[1]!, options: r.options };
    }
    default: {
      const r = parseOptions(t.tokens, PROMOTE_KEYS, PROMOTE_USAGE);
      if ('error' in r) return { kind: 'error', message: r.error };
      if (r.positional.length < 2) return { kind: 'error', message: `missing ${r.positional.length === 0 ? 'service and environment' : 'environment'}. Usage: ${PROMOTE_USAGE}` };
      if (r.positional.length > 2) return { kind: 'error', message: `unexpected \`${r.positional.slice(2).join(' ')}\` (quote values with spaces, e.g. reason="hot fix"). Usage: ${PROMOTE_USAGE}` };
      return { kind: 'promote', service: r.positional[0]!, env: r.positional[1]!, options: r.options };
    }
  }
}

export function parseRollbackCommand(text: string): ParsedCommand {
  const t = tokenize(text);
  if ('error' in t) return { kind: 'error', message: t.error };
  if (!t.tokens.length || t.tokens[0]?.toLowerCase() === 'help') return { kind: 'error', message: `usage: ${ROLLBACK_USAGE}` };
  const r = parseOptions(t.tokens, ROLLBACK_KEYS, ROLLBACK_USAGE);
  if ('error' in r) return { kind: 'error', message: r.error };
  if (r.positional.length > 2) return { kind: 'error', message: `unexpected \`${r.positional.slice(2).join(' ')}\`. Usage: ${ROLLBACK_USAGE}` };
  return r.positional[1]
    ? { kind: 'rollback', service: r.positional[0]!, env: r.positional[1], options: r.options }
    : { kind: 'rollback', service: r.positional[0]!, options: r.options };
}
