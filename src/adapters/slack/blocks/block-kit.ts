import { clipMrkdwn, type Mrkdwn } from '../../../shared/mrkdwn';

/** Minimal Block Kit types (the subset shipgate renders), checked against Slack's documented limits. */
export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: TextObject;
  value?: string;
  style?: 'primary' | 'danger';
  url?: string;
  confirm?: { title: TextObject; text: TextObject; confirm: TextObject; deny: TextObject; style?: 'primary' | 'danger' };
}
export type Block =
  | { type: 'header'; block_id?: string; text: TextObject }
  | { type: 'section'; block_id?: string; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; block_id?: string; elements: TextObject[] }
  | { type: 'divider'; block_id?: string }
  | { type: 'actions'; block_id?: string; elements: ButtonElement[] }
  | { type: 'input'; block_id: string; label: TextObject; element: Record<string, unknown>; optional?: boolean; hint?: TextObject };

export const LIMITS = { blocks: 50, sectionText: 3000, field: 2000, header: 150, buttonValue: 2000, actionId: 255 };

/** A mrkdwn text object: only markup built with `mrk` (user text in it is escaped), within Slack's limit. */
export function mrkdwn(text: Mrkdwn, max = LIMITS.sectionText): TextObject {
  return { type: 'mrkdwn', text: clipMrkdwn(text, max, { raw: true }).text };
}
/** A plain_text object: Slack never parses it for mentions or links, so any text may go in. */
export function plain(text: string, max = 150): TextObject {
  return { type: 'plain_text', text: clip(text, max), emoji: true };
}
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
