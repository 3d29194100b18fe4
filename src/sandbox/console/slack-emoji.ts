import { createRequire } from 'node:module';

/** One entry of iamcal's emoji-data (`emoji-datasource`), the set Slack's `:short_name:` codes come from. */
interface EmojiEntry {
  unified: string;
  short_names: string[];
}

let table: Record<string, string> | undefined;

/**
 * Slack's standard emoji, short name → character (`sunny` → ☀️), for every name and alias
 * Slack knows. The console renders `:sunny:` the way Slack does instead of from a
 * hand-picked list (which left `:sunny:` in announcements as literal text).
 */
export function slackEmoji(): Readonly<Record<string, string>> {
  if (table) return table;
  const load = createRequire(__filename);
  const entries = load('emoji-datasource/emoji.json') as EmojiEntry[];
  const out: Record<string, string> = {};
  for (const e of entries) {
    const ch = String.fromCodePoint(...e.unified.split('-').map((h) => parseInt(h, 16)));
    for (const name of e.short_names) out[name] = ch;
  }
  table = out;
  return out;
}
