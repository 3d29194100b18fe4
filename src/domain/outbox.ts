import { stored, type Mrkdwn } from '../shared/mrkdwn';
import type { OutboxItem, Promotion } from './promotion';

export type { OutboxItem } from './promotion';

/**
 * What a promotion's thread is owed. Use-cases never call Slack for a promotion's thread or
 * message: they append to the promotion's outbox in the same atomic update as the state
 * change, and a separate delivery job posts each item once, in order, when Slack answers.
 * So a Slack failure can never fail or stall a promotion, and nothing said is lost.
 */
/** Appends a thread message (once per key). */
export function withThreadPost(p: Promotion, key: string, text: Mrkdwn, at: Date): Promotion {
  return withItem(p, { key, kind: 'thread', text: stored(text), at: at.toISOString(), state: 'pending' });
}

/** Asks for the evidence pack to be uploaded into the thread (once per key). */
export function withEvidenceUpload(p: Promotion, key: string, comment: Mrkdwn, at: Date, by?: string): Promotion {
  return withItem(p, { key, kind: 'evidence', text: stored(comment), at: at.toISOString(), state: 'pending', ...(by ? { by } : {}) });
}

function withItem(p: Promotion, item: OutboxItem): Promotion {
  const outbox = p.outbox ?? [];
  if (outbox.some((i) => i.key === item.key)) return p;
  return { ...p, outbox: [...outbox, item] };
}

/** The next item to deliver (strictly in order), if any. */
export function nextUndelivered(p: Promotion): OutboxItem | undefined {
  return (p.outbox ?? []).find((i) => i.state !== 'sent');
}

export function replaceItem(p: Promotion, key: string, fn: (i: OutboxItem) => OutboxItem): Promotion {
  return { ...p, outbox: (p.outbox ?? []).map((i) => (i.key === key ? fn(i) : i)) };
}

/**
 * What the approval message shows, as a fingerprint: the message is re-rendered when this
 * changes, and only then (outbox bookkeeping and step records do not change it).
 */
export function displayFingerprint(p: Promotion): string {
  const shown: Partial<Promotion> = { ...p };
  for (const k of NOT_SHOWN) delete shown[k];
  // the GitHub call count is evidence-pack bookkeeping, counted after every job: not on the card
  if (p.evidence?.githubCalls !== undefined) shown.evidence = { ...p.evidence, githubCalls: undefined };
  return fnv1a(JSON.stringify(shown));
}

/** Bookkeeping that the approval message does not show. */
const NOT_SHOWN: ReadonlyArray<keyof Promotion> = ['outbox', 'chat', 'steps', 'version', 'updatedAt', 'exec', 'messageTs'];

/** Does the thread or the message owe Slack anything? */
export function owesChat(p: Promotion): boolean {
  return Boolean(p.messageTs) && (nextUndelivered(p) !== undefined || p.chat?.shown !== displayFingerprint(p));
}

/** 32-bit FNV-1a as hex: a cheap, stable fingerprint (not a security hash). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
