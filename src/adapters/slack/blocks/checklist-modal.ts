import type { ModalView, KnownBlock } from '@slack/types';
import type { ViewStateValue } from '@slack/bolt';
import { z } from 'zod';
import type { ChecklistItem } from '../../../config/approvals-schema';
import type { ChecklistAnswers, ChecklistProblem } from '../../../domain/checklist';
import { MAX_ATTESTED_TEXT } from '../../../domain/checklist';
import { mrk } from '../../../shared/mrkdwn';
import { ShipgateError } from '../../../shared/shipgate-error';
import { clip, mrkdwn, plain } from './block-kit';

export const CHECKLIST_CALLBACK = 'promotion_checklist_modal';

/** Slack's limit on `private_metadata`. */
const MAX_METADATA = 3000;

const name = z.string().min(1).max(100);

/**
 * The parsed `/promote` command the form carries in `private_metadata`. It comes back with the
 * submission, so it is read as untrusted input: bounded, strict, and the request it names is
 * authorized again when it is created.
 */
export const checklistMetadataSchema = z.strictObject({
  v: z.literal(1),
  service: name,
  env: name,
  channelId: z.string().regex(/^[CGD][A-Z0-9]{2,20}$/),
  options: z
    .strictObject({
      from: name.optional(),
      ref: z.string().min(1).max(255).optional(),
      cr: z.string().min(1).max(100).optional(),
      reason: z.string().min(1).max(1000).optional(),
      to: z.string().min(1).max(255).optional(),
      force: z.boolean().optional(),
      hotfix: z.string().regex(/^INC\d{7,20}$/).optional(),
    })
    .default({}),
});

export type ChecklistMetadata = z.output<typeof checklistMetadataSchema>;

/** The form's metadata, refused when it would not fit Slack's 3000 characters. */
export function checklistMetadata(meta: ChecklistMetadata): string {
  const json = JSON.stringify(checklistMetadataSchema.parse(meta));
  if (json.length > MAX_METADATA) throw new ShipgateError('bad_option', 'This request is too long for the checklist form; shorten `reason=` and try again.');
  return json;
}

/** The metadata of a submitted form, or undefined when it is not what shipgate put there. */
export function readChecklistMetadata(raw: string | undefined): ChecklistMetadata | undefined {
  if (!raw || raw.length > MAX_METADATA) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = checklistMetadataSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

const checkBlock = (id: string) => `check_${id}`;
const textBlock = (id: string) => `text_${id}`;
const TICK = 'ticked';
const VALUE = 'value';

/** The checklist form: every item unticked, a text input for each `input: text` item. */
export function checklistModal(title: string, items: readonly ChecklistItem[], metadata: string): ModalView {
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'intro', text: mrkdwn(mrk`Before *${title}* is requested, confirm each item. Who ticked what is kept on the approval message, in the audit record and in the evidence pack.`) },
  ];
  for (const item of items) {
    blocks.push({
      type: 'input',
      block_id: checkBlock(item.id),
      label: plain(item.text, 2000),
      element: { type: 'checkboxes', action_id: TICK, options: [{ text: plain('Confirmed', 75), value: item.id }] },
    });
    if (item.input === 'text') {
      blocks.push({
        type: 'input',
        block_id: textBlock(item.id),
        label: plain(`${clip(item.text, 140)} (details)`, 2000),
        element: { type: 'plain_text_input', action_id: VALUE, multiline: true, max_length: MAX_ATTESTED_TEXT },
      });
    }
  }
  return {
    type: 'modal',
    callback_id: CHECKLIST_CALLBACK,
    private_metadata: metadata,
    title: plain('Checklist', 24),
    submit: plain('Request', 24),
    close: plain('Back', 24),
    blocks,
  };
}

type StateValues = Record<string, Record<string, ViewStateValue>>;

/** The requester's answers, read from `view.state.values` as Slack sends it (missing blocks count as unanswered). */
export function checklistAnswers(items: readonly ChecklistItem[], values: StateValues | undefined): ChecklistAnswers {
  const ticked = new Set<string>();
  const texts: Record<string, string> = {};
  for (const item of items) {
    const selected = values?.[checkBlock(item.id)]?.[TICK]?.selected_options;
    if (Array.isArray(selected) && selected.some((o) => o?.value === item.id)) ticked.add(item.id);
    const typed = values?.[textBlock(item.id)]?.[VALUE]?.value;
    if (typeof typed === 'string') texts[item.id] = typed;
  }
  return { ticked, texts };
}

/** `response_action: errors` for the form: each problem on its own block, naming the item. */
export function checklistErrors(problems: readonly ChecklistProblem[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const p of problems) {
    if (p.kind === 'unticked') errors[checkBlock(p.id)] = clip(`Tick “${p.text}” to confirm it.`, 150);
    else errors[textBlock(p.id)] = clip(`“${p.text}” needs a text.`, 150);
  }
  return errors;
}
