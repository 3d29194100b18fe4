import type { ChecklistItem } from '../config/approvals-schema';

/**
 * Checklists (SPEC §9): what the requester attests before a request exists. Pure: the Slack
 * adapter turns a modal's state into answers, this decides whether they are complete.
 */

/** What one person attested for one item. */
export interface AttestedItem {
  id: string;
  /** The item's text as shown when it was ticked. */
  text: string;
  /** The free text typed for an `input: text` item. */
  value?: string;
}

/** Who attested the checklist, when, and what. */
export interface Attestation {
  userId: string;
  at: string;
  items: AttestedItem[];
}

/** What the requester answered per item id. */
export interface ChecklistAnswers {
  ticked: ReadonlySet<string>;
  texts: Readonly<Record<string, string>>;
}

export type ChecklistProblem = { id: string; kind: 'unticked' | 'empty_text'; text: string };

/** Longest free text kept per item. */
export const MAX_ATTESTED_TEXT = 500;

/** Every item not ticked, every text input left empty, in checklist order. */
export function checklistProblems(items: readonly ChecklistItem[], answers: ChecklistAnswers): ChecklistProblem[] {
  const problems: ChecklistProblem[] = [];
  for (const item of items) {
    if (!answers.ticked.has(item.id)) problems.push({ id: item.id, kind: 'unticked', text: item.text });
    if (item.input === 'text' && !(answers.texts[item.id] ?? '').trim()) problems.push({ id: item.id, kind: 'empty_text', text: item.text });
  }
  return problems;
}

/** The attestation of complete answers (call only when `checklistProblems` found none). */
export function attestationOf(items: readonly ChecklistItem[], answers: ChecklistAnswers, userId: string, at: Date): Attestation {
  return {
    userId,
    at: at.toISOString(),
    items: items.map((item) => ({
      id: item.id,
      text: item.text,
      ...(item.input === 'text' ? { value: (answers.texts[item.id] ?? '').trim().slice(0, MAX_ATTESTED_TEXT) } : {}),
    })),
  };
}

/** Whether an attestation covers every item of the checklist as configured now (ids and texts). */
export function attestationCovers(items: readonly ChecklistItem[], a: Attestation | undefined): boolean {
  if (!a) return items.length === 0;
  return items.every((item) => a.items.some((x) => x.id === item.id && (item.input !== 'text' || Boolean(x.value?.trim()))));
}
