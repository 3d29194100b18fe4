/**
 * Block Kit as the Slack emulator checks it: the limits Slack enforces (a subset) and the
 * lookup of an interactive element by `action_id` a click is sent for.
 */
import { isRecord } from '../emulator-base';
import type { SlackBlock } from './shapes';

interface FoundAction {
  blockId: string;
  element: Record<string, unknown>;
}

/** Find the interactive element with `actionId` in blocks (actions, section accessory, input). */
export function findAction(blocks: SlackBlock[], actionId: string, blockId?: string): FoundAction | undefined {
  for (const block of blocks) {
    const id = typeof block.block_id === 'string' ? block.block_id : '';
    if (blockId !== undefined && id !== blockId) continue;
    const candidates: unknown[] = [];
    if (Array.isArray(block.elements)) candidates.push(...(block.elements as unknown[]));
    if (block.accessory !== undefined) candidates.push(block.accessory);
    if (block.element !== undefined) candidates.push(block.element);
    for (const candidate of candidates) {
      if (isRecord(candidate) && candidate.action_id === actionId) return { blockId: id, element: candidate };
    }
  }
  return undefined;
}

/** Block Kit limits Slack enforces (subset): 50 blocks per message (100 per view), text and id lengths. */
export function validateBlocks(blocks: unknown[], max: number): string[] {
  const errors: string[] = [];
  if (blocks.length > max) errors.push(`no more than ${max} items allowed [json-pointer:/blocks]`);
  blocks.forEach((block, i) => {
    const at = `/blocks/${i}`;
    if (!isRecord(block) || typeof block.type !== 'string') {
      errors.push(`missing required field: type [json-pointer:${at}]`);
      return;
    }
    if (typeof block.block_id === 'string' && block.block_id.length > 255) {
      errors.push(`must be less than 256 characters [json-pointer:${at}/block_id]`);
    }
    if (block.type === 'section') {
      const text = block.text;
      if (isRecord(text) && typeof text.text === 'string' && text.text.length > 3000) {
        errors.push(`must be less than 3001 characters [json-pointer:${at}/text/text]`);
      }
      if (text === undefined && !Array.isArray(block.fields)) {
        errors.push(`must provide either text or fields [json-pointer:${at}]`);
      }
    }
    if (block.type === 'header') {
      const text = block.text;
      if (isRecord(text) && typeof text.text === 'string' && text.text.length > 150) {
        errors.push(`must be less than 151 characters [json-pointer:${at}/text/text]`);
      }
    }
    if (block.type === 'input') {
      const label = block.label;
      if (!isRecord(label) || typeof label.text !== 'string') errors.push(`missing required field: label [json-pointer:${at}]`);
      else if (label.text.length > 2000) errors.push(`must be less than 2001 characters [json-pointer:${at}/label/text]`);
      if (!isRecord(block.element)) errors.push(`missing required field: element [json-pointer:${at}]`);
    }
    const elements: Array<[string, unknown]> = [];
    if (Array.isArray(block.elements)) block.elements.forEach((e: unknown, j) => elements.push([`${at}/elements/${j}`, e]));
    if (block.accessory !== undefined) elements.push([`${at}/accessory`, block.accessory]);
    if (block.element !== undefined) elements.push([`${at}/element`, block.element]);
    for (const [path, element] of elements) {
      if (!isRecord(element)) continue;
      if (typeof element.action_id === 'string' && element.action_id.length > 255) {
        errors.push(`must be less than 256 characters [json-pointer:${path}/action_id]`);
      }
      if (element.type === 'checkboxes') {
        const options = Array.isArray(element.options) ? element.options : undefined;
        if (!options || options.length === 0) errors.push(`missing required field: options [json-pointer:${path}]`);
        else if (options.length > 10) errors.push(`no more than 10 items allowed [json-pointer:${path}/options]`);
        (options ?? []).forEach((o: unknown, k) => {
          if (!isRecord(o) || typeof o.value !== 'string' || !isRecord(o.text) || typeof o.text.text !== 'string') {
            errors.push(`missing required field: text or value [json-pointer:${path}/options/${k}]`);
          } else if (o.value.length > 150) errors.push(`must be less than 151 characters [json-pointer:${path}/options/${k}/value]`);
        });
      }
      if (element.type === 'button') {
        if (typeof element.value === 'string' && element.value.length > 2000) {
          errors.push(`must be less than 2001 characters [json-pointer:${path}/value]`);
        }
        const text = element.text;
        if (!isRecord(text) || typeof text.text !== 'string') {
          errors.push(`missing required field: text [json-pointer:${path}]`);
        } else if (text.text.length > 75) {
          errors.push(`must be less than 76 characters [json-pointer:${path}/text/text]`);
        }
      }
    }
  });
  return errors;
}
