import type { TriggerConfig } from '../config/lifecycle-schema';
import { nextStage, type PipelineEntry } from './pipeline-stages';

/**
 * The pure side of triggers and `promote: auto|request` (SPEC §9): which webhook starts a
 * promotion, which stage follows, and the deterministic ids that make "exactly once"
 * hold across redeliveries, retried jobs and crashed workers (creating an id that exists
 * fails, so a second attempt finds the first one's promotion).
 */

/** A push or a completed workflow run as a trigger reads it. */
export interface TriggerEvent {
  name: 'push' | 'workflow_run';
  delivery: string;
  repo: string;
  sha: string;
  /** push: `refs/heads/main`; workflow_run: the run's head branch. */
  ref?: string;
  /** workflow_run: the workflow file path (`.github/workflows/build.yml`), action and conclusion. */
  workflowPath?: string;
  action?: string;
  conclusion?: string | null;
  runUrl?: string;
  /** push: a branch deletion (after = 0000…) starts nothing. */
  deleted?: boolean;
  author?: { name?: string; email?: string; login?: string };
}

/** Does `e` fire this trigger: a push to its branch, or a successful completed run of its workflow file? */
export function triggerFires(trigger: TriggerConfig, e: TriggerEvent): boolean {
  if ('push' in trigger) return e.name === 'push' && !e.deleted && e.ref === `refs/heads/${trigger.push}` && /^[0-9a-f]{40}$/i.test(e.sha);
  if (e.name !== 'workflow_run' || e.action !== 'completed' || e.conclusion !== 'success' || !e.workflowPath) return false;
  const file = e.workflowPath.split('/').pop();
  return file === trigger.workflowRun;
}

/** The environments of the stage after `env`: two or more for a parallel stage, none after the last. */
export function nextStageOf(pipeline: readonly PipelineEntry[], env: string): string[] {
  return nextStage(pipeline, env);
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** FNV-1a (64-bit, BigInt) of `key`, as `n` characters of the id alphabet. */
function stableSuffix(key: string, n: number): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < key.length; i++) {
    h ^= BigInt(key.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  let out = '';
  for (let i = 0; i < n; i++) {
    out += ALPHABET[Number(h % BigInt(ALPHABET.length))];
    h /= BigInt(ALPHABET.length);
  }
  return out;
}

/**
 * A promotion id derived from what it is the one promotion of: `p-YYYYMMDD-xxxxxxxxxx`
 * (`r-…` for a rollback), the day taken from `day` (an ISO instant fixed by the source).
 */
export function derivedPromotionId(kind: 'promotion' | 'rollback', day: string, key: string): string {
  return `${kind === 'rollback' ? 'r' : 'p'}-${day.slice(0, 10).replace(/-/g, '')}-${stableSuffix(key, 10)}`;
}

/** The once-key of a trigger: one promotion per (service, first environment, SHA), whichever webhook fired first. */
export function triggerKey(service: string, env: string, sha: string): string {
  return `trigger:${service}:${env}:${sha.toLowerCase()}`;
}

/** The outbox key of the thread post that carries the Roll back button after a failed verification. */
export const ROLLBACK_OFFER_KEY = 'verify_rollback_offer';
