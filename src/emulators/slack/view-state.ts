/**
 * `view.state.values` as Slack builds it on a submission: one entry per input block of the
 * view, keyed `block_id` → `action_id`, with each element's own state shape — a checkbox group
 * with `selected_options` (the chosen options copied from the element, `[]` when none is
 * ticked), a plain text input with `value` (`null` when left empty).
 */
import { isRecord } from '../emulator-base';
import type { SlackBlock } from './shapes';

/** What a person entered, per input block: option values for checkboxes, a string for a text input. */
export type ViewInputs = Record<string, string | readonly string[] | undefined>;

export function stateValuesFor(blocks: readonly SlackBlock[], inputs: ViewInputs): Record<string, Record<string, Record<string, unknown>>> {
  const values: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const block of blocks) {
    if (block.type !== 'input' || typeof block.block_id !== 'string' || !isRecord(block.element)) continue;
    const element = block.element;
    const actionId = typeof element.action_id === 'string' ? element.action_id : '';
    const given = inputs[block.block_id];
    if (element.type === 'checkboxes') {
      const options = Array.isArray(element.options) ? element.options.filter(isRecord) : [];
      const wanted = Array.isArray(given) ? given : typeof given === 'string' ? [given] : [];
      for (const v of wanted) {
        if (!options.some((o) => o.value === v)) throw new Error(`SlackEmulator: checkboxes ${block.block_id} have no option "${v}"`);
      }
      values[block.block_id] = { [actionId]: { type: 'checkboxes', selected_options: options.filter((o) => wanted.includes(String(o.value))).map((o) => ({ text: o.text, value: o.value })) } };
    } else if (element.type === 'plain_text_input') {
      const typed = typeof given === 'string' && given !== '' ? given : null;
      values[block.block_id] = { [actionId]: { type: 'plain_text_input', value: typed } };
    }
  }
  for (const id of Object.keys(inputs)) {
    if (!(id in values)) throw new Error(`SlackEmulator: the view has no input block "${id}"`);
  }
  return values;
}
