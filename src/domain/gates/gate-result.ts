import { stored, text, type Mrkdwn, type MrkdwnText } from '../mrkdwn';

/**
 * Gates return data, never side effects. Each result carries a stable reason code
 * (for audit, metrics and tests) and details (for the message shown to people).
 */
export type GateName = 'candidate' | 'path' | 'approval' | 'freeze' | 'changeRecord' | 'incidents' | 'checks' | 'soak' | 'redeploy';

export type GateStatus = 'pass' | 'block' | 'warn' | 'pending';

interface GateResultBase {
  gate: GateName;
  /** Stable machine code, e.g. `path_ok`, `frozen`, `approvals_missing`. */
  code: string;
  /** One-line human summary: Slack mrkdwn built by `mrk` (user and external text in it is escaped). */
  summary: MrkdwnText;
  details?: Record<string, unknown>;
}

export type GateResult =
  | (GateResultBase & { status: 'pass' })
  | (GateResultBase & { status: 'warn' })
  /** `pending`: cannot pass yet but may on its own (checks running, approvals awaited). */
  | (GateResultBase & { status: 'pending' })
  | (GateResultBase & { status: 'block' });

/** A gate result; a plain-string `summary` is text (escaped), markup (links, mentions) comes as `Mrkdwn`. */
export function gate(gateName: GateName, status: GateStatus, code: string, summary: string | Mrkdwn, details?: Record<string, unknown>): GateResult {
  return { gate: gateName, status, code, summary: stored(text(summary)), ...(details ? { details } : {}) };
}

/** True when no gate blocks. `pending` results are allowed only where the caller says so. */
export function allPass(results: readonly GateResult[], allowPending: readonly GateName[] = []): boolean {
  return results.every((r) => r.status === 'pass' || r.status === 'warn' || (r.status === 'pending' && allowPending.includes(r.gate)));
}

export function blocking(results: readonly GateResult[]): GateResult[] {
  return results.filter((r) => r.status === 'block');
}
