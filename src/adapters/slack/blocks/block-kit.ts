import type { MrkdwnElement, PlainTextElement } from '@slack/types';
import { clipMrkdwn, type Mrkdwn } from '../../../shared/mrkdwn';

/**
 * Text objects for Block Kit, typed by `@slack/types` (the types `@slack/web-api` and bolt
 * take), checked against Slack's documented limits.
 */
export const LIMITS = { blocks: 50, sectionText: 3000, field: 2000, header: 150, buttonValue: 2000, actionId: 255 };

/** A mrkdwn text object: only markup built with `mrk` (user text in it is escaped), within Slack's limit. */
export function mrkdwn(text: Mrkdwn, max = LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: clipMrkdwn(text, max, { raw: true }).text };
}
/** A plain_text object: Slack never parses it for mentions or links, so any text may go in. */
export function plain(text: string, max = 150): PlainTextElement {
  return { type: 'plain_text', text: clip(text, max), emoji: true };
}
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
